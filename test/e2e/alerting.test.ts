// The reason people deploy this: growth that should alert reaches Alertmanager's webhook. Real
// emulator, exporter, Prometheus (the shipped prometheus.yml and rules) and Alertmanager on loopback.
// History comes from our backfill, as on a new install; only ports, intervals and `for:` are
// shortened in the test's copy of the configuration.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BACKFILL_FLAGS, runBackfill } from '../../src/commands/backfill.js';
import { startExporter } from '../../src/commands/serve.js';
import { loadConfig } from '../../src/config.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { addDays, dayOf } from '../../src/time.js';
import { freePort, startPrometheus, waitFor } from '../helpers/prometheus.js';
import { silentLogger } from '../helpers/stack.js';

interface Alert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

t.test('sustained growth of a model fires and reaches the webhook with the right labels', async (t) => {
  const received: Alert[] = [];
  const webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      received.push(...(JSON.parse(body) as { alerts: Alert[] }).alerts);
      response.end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => webhook.close(() => resolve())));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/`;

  // Prometheus evaluates at wall-clock time, so the organization's "today" is the real one.
  const now = new Date();
  const today = dayOf(now);
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 9, size: 'small', today, scenario: 'growth' }) });
  t.teardown(() => emulator.close());
  const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

  const work = mkdtempSync(join(tmpdir(), 'bue-alerting-'));
  const tsdb = join(work, 'data');
  const until = new Date(now.getTime() - 30 * 60_000).toISOString();
  const quiet = { write: () => true };
  const backfill = loadConfig([`--from=${addDays(today, -45)}`, `--until=${until}`, `--output=${join(work, 'om')}`, `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml', '--instance=exporter'], {}, false, BACKFILL_FLAGS);
  t.equal(await runBackfill(backfill, { stdout: quiet, stderr: quiet }, { endpoint: emulator.url, credentials }), 0, 'history backfilled');

  const exporter = await startExporter(loadConfig(['--web.listen-address=127.0.0.1:0'], {}).config, silentLogger(), { endpoint: emulator.url, credentials, processMetrics: false });
  t.teardown(() => exporter.close());
  t.ok(await exporter.collector.refresh(), 'the live exporter has data');
  const exporterAddress = exporter.urls[0]!.replace('http://', '');

  const alertmanagerPort = await freePort();
  const config = join(work, 'prometheus');
  cpSync('prometheus', config, { recursive: true });
  const rewrite = (file: string, edit: (text: string) => string) => writeFileSync(file, edit(readFileSync(file, 'utf8')));
  rewrite(join(config, 'alertmanager.yml'), (text) => text.replace('http://127.0.0.1:9099/', webhookUrl).replace(/group_wait: \S+/g, 'group_wait: 1s'));
  rewrite(join(config, 'prometheus.yml'), (text) => text
    .replace('exporter:9180', exporterAddress)
    .replace('alertmanager:9093', `127.0.0.1:${alertmanagerPort}`)
    .replace(/(scrape|evaluation)_interval: \S+/g, '$1_interval: 5s')
    .replace(/scrape_timeout: \S+/g, 'scrape_timeout: 4s'));
  for (const file of readdirSync(join(config, 'rules'))) rewrite(join(config, 'rules', file), (text) => text.replace(/^(\s+)for: \S+$/gm, '$1for: 0s'));

  const alertmanager = spawn('prometheus-alertmanager', [
    `--config.file=${join(config, 'alertmanager.yml')}`,
    `--storage.path=${join(work, 'alertmanager')}`,
    `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
    '--cluster.listen-address=',
  ], { stdio: 'ignore' });
  const alertmanagerExited = new Promise<void>((resolve) => alertmanager.once('close', () => resolve()));
  t.teardown(async () => {
    alertmanager.kill('SIGTERM');
    await alertmanagerExited;
  });
  await waitFor('Alertmanager', async () => (await fetch(`http://127.0.0.1:${alertmanagerPort}/-/ready`)).ok);

  const prometheus = await startPrometheus(t, { configFile: join(config, 'prometheus.yml'), tsdb });
  await waitFor('the growth alert at the webhook', async () => received.some((alert) => alert.labels.alertname === 'BedrockModelTokenGrowthSustained'), 120_000);

  const growth = received.find((alert) => alert.labels.alertname === 'BedrockModelTokenGrowthSustained')!;
  t.equal(growth.status, 'firing');
  t.equal(growth.labels.model, 'claude-sonnet-4.6', 'the model that grows');
  t.equal(growth.labels.severity, 'info');
  t.match(growth.annotations.runbook_url, /docs\/runbook\.md#bedrockmodeltokengrowthsustained$/);
  t.match(growth.annotations.description, /week over week/);
  const models = new Set(received.filter((alert) => alert.labels.alertname === 'BedrockModelTokenGrowthSustained').map((alert) => alert.labels.model));
  t.same([...models], ['claude-sonnet-4.6'], 'no other model is said to grow');
  const ratio = await prometheus.query('model:bedrock_tokens_daily_settled:wow_ratio{model="claude-sonnet-4.6"}');
  t.ok(Number(ratio[0]?.value[1]) > 2, `its week-over-week ratio now: ${ratio[0]?.value[1]}`);
  t.notOk(received.some((alert) => /^BedrockExporter/.test(alert.labels.alertname ?? '')), 'the exporter is healthy: no exporter alert');
});
