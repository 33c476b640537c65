// The whole stack on loopback, as a new install would run it: the emulator, our backfill for the
// history, the live exporter, the real Prometheus with the shipped prometheus.yml and rules, and the
// real Alertmanager with the shipped config. Only ports, intervals and `for:` are shortened in the
// test's copy, and a route sends team search's alerts to a webhook of its own. It proves what people
// deploy this for: growth that should alert reaches the webhook, a team's budget alert reaches that
// team, a runaway seen live pages, and every dashboard panel has data.
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { withVariablesReplaced } from '../../dashboards/promql.js';
import { panelQueries, variableQueries } from '../../dashboards/queries.js';
import { BACKFILL_SETTINGS, runBackfill } from '../../src/commands/backfill.js';
import { startExporter } from '../../src/commands/serve.js';
import { loadConfig } from '../../src/config.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { addDays, dayOf } from '../../src/time.js';
import { freePort, startPrometheus, waitFor } from '../helpers/prometheus.js';
import { silentLogger } from '../helpers/stack.js';
import { temporaryFolder } from '../helpers/temporary.js';

interface Alert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

t.setTimeout(600_000);

/** A webhook receiver on loopback: the alerts it got. */
async function startWebhook(t: Test): Promise<{ url: string; received: Alert[] }> {
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
  return { url: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/`, received };
}

t.test('the stack: growth alerts reach the webhook, a team its budget alert, a runaway pages, dashboards have data', async (t) => {
  const { url: webhookUrl, received } = await startWebhook(t);
  const team = await startWebhook(t);

  // Prometheus evaluates at wall-clock time, so the organization's "today" is the real one.
  const now = new Date();
  const today = dayOf(now);
  // A runaway that began 20 minutes ago: the live plane pages as soon as its pace reaches the exporter.
  const runaway = { at: new Date(now.getTime() - 20 * 60_000), usdPerHour: 20_000 };
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 9, size: 'demo', today, scenario: 'growth', runaway }) });
  t.teardown(() => emulator.close());
  const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

  const whoSpends = ['--collection.allocation-tag=team'];
  const live = ['--live.enabled=true', '--live.interval=1m'];
  const exporter = await startExporter(loadConfig(['--web.listen-address=127.0.0.1:0', ...whoSpends, ...live], {}).config, silentLogger(), { endpoint: emulator.url, credentials, processMetrics: true });
  t.teardown(() => exporter.close());
  t.ok(await exporter.collector.refresh(), 'the live exporter has data');
  const exporterAddress = exporter.urls[0]!.replace('http://', '');

  const work = temporaryFolder(t, 'bue-stack-');
  const tsdb = join(work, 'data');
  const until = new Date(now.getTime() - 30 * 60_000).toISOString();
  const quiet = { write: () => true };
  const backfill = loadConfig([`--from=${addDays(today, -36)}`, `--until=${until}`, `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml', `--instance=${exporterAddress}`, ...whoSpends], {}, { command: BACKFILL_SETTINGS });
  t.equal(await runBackfill(backfill.config, backfill.command, { stdout: quiet, stderr: quiet }, { endpoint: emulator.url, credentials }), 0, 'history backfilled');


  const alertmanagerPort = await freePort();
  const config = join(work, 'prometheus');
  cpSync('prometheus', config, { recursive: true });
  const rewrite = (file: string, edit: (text: string) => string) => writeFileSync(file, edit(readFileSync(file, 'utf8')));
  rewrite(join(config, 'alertmanager.yml'), (text) => text
    .replace('  - name: default\n', `  - name: default\n    webhook_configs:\n      - url: ${webhookUrl}\n        send_resolved: true\n  - name: team-search\n    webhook_configs:\n      - url: ${team.url}\n`)
    .replace('  routes:\n', `  routes:\n    - matchers: ['allocation_key="team"', 'allocation_value="search"']\n      receiver: team-search\n`)
    .replace(/group_wait: \S+/g, 'group_wait: 1s'));
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
  await waitFor('the growth alert at the webhook', async () => received.some((alert) => alert.labels.alertname === 'BedrockModelTokenGrowthSustained'), 240_000);
  // The demo's team search spends far more than the example budget: over it, or (early in the month) on track to be.
  const budgetAlert = (alert: Alert) => /^BedrockAllocationSpend(ProjectedOver|Over)Budget$/.test(alert.labels.alertname ?? '');
  await waitFor("team search's budget alert at its own webhook", async () => team.received.some(budgetAlert), 60_000);
  await waitFor('the runaway page at the webhook', async () => received.some((alert) => alert.labels.alertname === 'BedrockLiveSpendRunaway'), 180_000);

  // Rates and increases need a few scrapes, and recording rules an evaluation after them.
  await waitFor('three live scrapes of the exporter', async () => (await prometheus.query('count_over_time(up{job="bedrock-usage-exporter"}[5m]) >= 3')).length > 0);
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const targets = await prometheus.api<{ activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }> }>('/api/v1/targets');
  t.same(targets.activeTargets.map((target) => [target.health, target.lastError]), [['up', '']], 'Prometheus scrapes the exporter');

  t.test('every dashboard query parses and returns data', async (t) => {
    const queries = panelQueries();
    t.ok(queries.length > 40, `${queries.length} panel queries`);
    for (const query of queries) {
      const result = await prometheus.query(query.promql);
      t.ok(result.length > 0, `${query.dashboard} / ${query.panel} [${query.refId}]`, { expr: query.promql });
      if (query.promql.includes('bedrock_account_info')) {
        const accounts = result.map((series) => series.metric.account);
        t.ok(result.every((series) => series.metric.account_name), `${query.panel}: every account has its name`);
        t.equal(new Set(accounts).size, accounts.length, `${query.panel}: one series per account`);
      }
    }
    for (const variable of variableQueries()) {
      const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(withVariablesReplaced(variable.query).trim());
      t.ok(match, `variable ${variable.dashboard}/${variable.name} is a label_values query: ${variable.query}`);
      const selector = match?.[1] ? `?${new URLSearchParams({ 'match[]': match[1] })}` : '';
      const values = await prometheus.api<string[]>(`/api/v1/label/${match?.[2]}/values${selector}`);
      t.ok(values.length > 0, `variable ${variable.dashboard}/${variable.name} has values`);
    }
  });

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
  const routed = team.received.find(budgetAlert)!;
  t.same([routed.labels.allocation_type, routed.labels.allocation_key, routed.labels.allocation_value], ['tag', 'team', 'search'], 'the team label the route matched');
  t.match(routed.annotations.description, /team search .*\$[\d.]+.* above its monthly budget of \$300\.00/);
  t.same(team.received.filter((alert) => alert.labels.allocation_value !== 'search'), [], "the team's receiver gets its own alerts only");
  t.notOk(received.some((alert) => alert.labels.allocation_value === 'search'), 'and the default receiver none of them');
  const page = received.find((alert) => alert.labels.alertname === 'BedrockLiveSpendRunaway')!;
  t.same([page.status, page.labels.severity], ['firing', 'critical'], 'the runaway pages');
  t.match(page.annotations.description, /^Over the last 15 minutes Bedrock spent at \$\d+\.\d\d an hour \(estimated from CloudWatch at the bill's rates\), against nothing known at this time last week/);
  const exporterAlerts = received.filter((alert) => /^BedrockExporter/.test(alert.labels.alertname ?? '')).map((alert) => alert.labels.alertname);
  t.ok(exporterAlerts.every((name) => name === 'BedrockExporterUnrecognizedUsageTypes'), `no exporter alert but the unrecognized usage type the data set has on purpose: ${exporterAlerts.join(', ')}`);
});
