// No credentials at all: the SDK's own chain finds none, the exporter says so and keeps running.
import { pino } from 'pino';
import t from 'tap';
import { startExporter } from '../src/commands/serve.js';
import { loadConfig } from '../src/config.js';
import { parseExposition } from './helpers/exposition.js';
import { forgetAwsEnvironment } from './helpers/aws-environment.js';

forgetAwsEnvironment();
Object.assign(process.env, {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
});

t.test('missing credentials: a clear message, no crash, refresh_success 0, retries', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const { config } = loadConfig(['--web.listen-address=127.0.0.1:0', '--collection.services=Amazon Bedrock'], {});
  const exporter = await startExporter(config, logger, { endpoint: 'http://127.0.0.1:9', processMetrics: false });
  t.teardown(() => exporter.close());
  t.notOk(await exporter.collector.refresh());
  t.equal(exporter.collector.status.lastError, 'cost_explorer_usage_type: no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role');
  t.ok(lines.some((line) => line.includes('the bill, which says where Bedrock is used, could not be read (no AWS credentials found')), 'the live plane says why it has nothing, at once');
  t.ok(lines.some((line) => line.includes('no AWS credentials found')), 'the log says it');
  t.notOk(await exporter.collector.refresh(), 'it tries again and fails again, without crashing');
  t.ok(exporter.collector.status.consecutiveFailures >= 2);
  const samples = parseExposition(await (await fetch(`${exporter.urls[0]}/metrics`)).text());
  t.equal(samples.find((s) => s.name === 'bedrock_exporter_refresh_success')?.value, 0);
  t.ok(samples.filter((s) => s.name === 'bedrock_exporter_aws_requests_total').every((s) => s.value === 0), 'nothing was sent without credentials');
  t.equal((await fetch(`${exporter.urls[0]}/-/ready`)).status, 503);
});
