// AWS out of reach or refusing who we are: one line, exit 4, before anything is written.
import { join } from 'node:path';
import t from 'tap';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { EXIT_CODES } from '../../src/errors.js';
import { dayOf } from '../../src/time.js';
import { runCli } from '../helpers/cli.js';
import { lastLine, offline } from '../helpers/failures.js';
import { freePort } from '../helpers/prometheus.js';
import { temporaryFolder } from '../helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-failures-aws-');

t.test('backfill with Cost Explorer unreachable exits 4 before it writes anything', async (t) => {
  const output = join(dir, 'unreachable');
  const result = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], {
    env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await freePort()}` },
  });
  t.equal(result.code, EXIT_CODES.aws);
  t.notMatch(result.stderr, /NodeVersionSupportWarning/, "the SDK's own notice is one line of ours at most");
  t.match(lastLine(t, result), /^bedrock-usage-exporter: Cost Explorer is unreachable \(ECONNREFUSED: .*\); check the network or proxy, and AWS_ENDPOINT_URL_COST_EXPLORER if set$/);
});

t.test('bad credentials: refused keys and no credentials at all exit 4', async (t) => {
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today: dayOf(Date.now()) }), faults: [{ fault: 'expired_token' }] });
  t.teardown(() => emulator.close());
  const output = join(dir, 'credentials');
  const refused = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url } });
  t.equal(refused.code, EXIT_CODES.aws);
  t.match(lastLine(t, refused), /^bedrock-usage-exporter: AWS refused the credentials \(ExpiredTokenException: .*\); check AWS_PROFILE or the access keys, and renew a session token$/);

  const none = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], {
    env: {
      ...offline,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url,
    },
  });
  t.equal(none.code, EXIT_CODES.aws);
  t.equal(lastLine(t, none), 'bedrock-usage-exporter: no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role');
  t.equal(emulator.stats().total, 1, 'only the refused request reached Cost Explorer');
});
