// Sources as plug-ins. The source below reads by the minute, as a CloudWatch source will: it refreshes
// on a schedule of its own, keeps a window of minutes that arrive late and are revised, and serves a
// counter that resets at midnight UTC. It lives in this file only: the loop, collector, snapshot and
// HTTP layer run it beside the real Cost Explorer source without knowing it, and neither one can
// blank or delay the other.
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { COST_EXPLORER, CostExplorerSource, sourceOptions, type CostSource } from '../../src/cost-explorer/client.js';
import { Ledger } from '../../src/cost-explorer/ledger.js';
import { LedgerStore } from '../../src/cost-explorer/ledger-file.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { HealthMetrics } from '../../src/metrics/health.js';
import { Collector } from '../../src/pipeline/collector.js';
import { family, set } from '../../src/metrics/series.js';
import type { RefreshContext, Source } from '../../src/sources/source.js';
import { sourcesFor } from '../../src/sources/index.js';
import { dayOf, dayStartMs } from '../../src/time.js';
import { landingPage } from '../../src/web/landing.js';
import type { Logger } from '../../src/log.js';
import { parseExposition } from '../helpers/exposition.js';
import { NO_KEYS } from '../helpers/cost-source.js';
import { capturingLogger, until } from '../helpers/rig.js';
import { silentLogger } from '../helpers/stack.js';

const MINUTE = 60_000;

/**
 * Tokens per minute from an upstream that publishes each minute late and may revise it: every refresh
 * re-reads the last few minutes, a minute counts once with its latest value, and the counter holds the
 * minutes since 00:00 UTC, so it resets at midnight.
 */
class MinuteSource implements Source {
  readonly name = 'test_minutes';
  readonly timing = { intervalMs: 5, jitter: 0, retryBaseMs: 5, retryMaxMs: 5, timeoutMs: 1000 };
  readonly #minutes = new Map<number, number>();
  readonly #upstream: (minute: number) => number;
  refreshes = 0;
  failing = false;

  constructor(upstream: (minute: number) => number) {
    this.#upstream = upstream;
  }

  async refresh({ now }: RefreshContext) {
    this.refreshes += 1;
    if (this.failing) throw new Error('the minutes are down');
    const latest = Math.floor(now.getTime() / MINUTE) * MINUTE - MINUTE;
    for (let minute = latest - 4 * MINUTE; minute <= latest; minute += MINUTE) this.#minutes.set(minute, this.#upstream(minute));
    const midnight = dayStartMs(dayOf(now));
    for (const minute of this.#minutes.keys()) if (minute < midnight) this.#minutes.delete(minute);
    const tokens = family('test_live_tokens_total', 'Tokens since 00:00 UTC today.', 'counter');
    set(tokens, [['region', 'us-east-1']], [...this.#minutes.values()].reduce((a, b) => a + b, 0));
    const through = family('test_live_data_timestamp_seconds', 'End of the latest minute included.');
    set(through, [], (latest + MINUTE) / 1000);
    return { families: [tokens, through] };
  }
}

async function setup(t: Test, options: { now: string; client?: CostSource; upstream?: (minute: number) => number; logger?: Logger }) {
  const clock = { now: new Date(options.now) };
  const { config } = loadConfig(['--refresh.retry-base=10m', '--refresh.retry-max=10m'], {});
  const health = new HealthMetrics('test', { processMetrics: false });
  health.declareApi(COST_EXPLORER);
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 5, size: 'tiny', today: dayOf(clock.now) }), clock: () => clock.now });
  t.teardown(() => emulator.close());
  const real = new CostExplorerSource(sourceOptions({ ...config, aws: { ...config.aws, maxAttempts: 1 } }, (request) => health.countRequest(request), {
    endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  }));
  t.teardown(() => real.destroy());
  const client = options.client ?? real;
  const logger = options.logger ?? silentLogger();
  const minutes = new MinuteSource(options.upstream ?? (() => 10));
  const sources = [...sourcesFor(config, { client, store: new LedgerStore(new Ledger(100), undefined, logger), logger, clock: () => clock.now }), minutes];
  const collector = new Collector({ sources, health, logger, refresh: config.refresh, clock: () => clock.now });
  t.teardown(() => collector.stop());
  const value = async (name: string, labels: Record<string, string> = {}) =>
    parseExposition(`${collector.snapshot?.text ?? ''}${await health.registry.metrics()}`).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { clock, collector, minutes, emulator, value };
}

t.test('each source refreshes on its own schedule and adds its series and health series', async (t) => {
  const { collector, minutes, emulator, value } = await setup(t, { now: '2026-11-20T12:00:30Z' });
  collector.start();
  t.ok(await until(() => minutes.refreshes >= 5 && collector.status.lastSuccessAt !== undefined, 10_000), 'the minute source refreshed again and again');
  t.equal(emulator.stats().requests.GetDimensionValues, 1, 'while the Cost Explorer source, due every 4 hours, refreshed once');
  t.ok((await value('bedrock_cost_usd_month_to_date'))! > 0, "the usage-type source's series");
  t.equal(await value('test_live_tokens_total', { region: 'us-east-1' }), 50, "the minute source's: five minutes of 10 tokens, each counted once");
  t.match(collector.snapshot!.text, /# TYPE test_live_tokens_total counter\n/);
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'cost_explorer_usage_type' }), 1);
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'test_minutes' }), 1);
  t.equal(await value('bedrock_exporter_refresh_success'), 1);
  t.ok(collector.status.services.includes('Amazon Bedrock'), 'the status page lists the services read');
});

t.test('minutes revised late count once, and the counter resets at midnight UTC', async (t) => {
  const published = new Map<number, number>();
  const { clock, collector, value } = await setup(t, { now: '2026-11-20T23:58:30Z', upstream: (minute) => published.get(minute) ?? 10 });
  t.ok(await collector.refresh());
  t.equal(await value('test_live_tokens_total'), 50, '23:52 to 23:56');
  published.set(Date.parse('2026-11-20T23:55:00Z'), 30);
  clock.now = new Date('2026-11-20T23:59:30Z');
  t.ok(await collector.refresh());
  t.equal(await value('test_live_tokens_total'), 80, 'one more minute, and 23:55 revised from 10 to 30');
  clock.now = new Date('2026-11-21T00:02:30Z');
  t.ok(await collector.refresh());
  t.equal(await value('test_live_tokens_total'), 20, 'after midnight only 00:00 and 00:01 count: the counter reset');
  t.equal(await value('test_live_data_timestamp_seconds'), Date.parse('2026-11-21T00:02:00Z') / 1000);
});

t.test('a hanging source never delays another', async (t) => {
  const { collector, minutes, emulator, value } = await setup(t, { now: '2026-11-20T12:00:30Z' });
  emulator.faults.add({ fault: 'hang' });
  collector.start();
  t.ok(await until(() => minutes.refreshes >= 3 && collector.snapshot !== undefined, 10_000), 'the minute source is served');
  t.ok(collector.status.refreshing, 'while Cost Explorer has not answered');
  t.notOk(collector.ready, 'served, but the start is not done until every source has had its first refresh');
  t.equal(await value('test_live_tokens_total'), 50);
  t.equal(await value('bedrock_cost_usd_month_to_date'), undefined);
  t.equal(await value('bedrock_exporter_refresh_success'), 0, 'not every source has succeeded yet');
});

t.test('a failing source keeps its last good series and never blanks another', async (t) => {
  const { collector, minutes, value } = await setup(t, { now: '2026-11-20T12:00:30Z' });
  t.ok(await collector.refresh());
  const cost = await value('bedrock_cost_usd_month_to_date');
  minutes.failing = true;
  t.notOk(await collector.refresh(), 'the refresh as a whole did not succeed');
  t.equal(collector.status.lastError, 'test_minutes: the minutes are down', 'the status says which source failed');
  t.same(collector.status.sources.map((source) => [source.title, source.lastError]), [['the bill (Cost Explorer)', undefined], ['test_minutes', 'the minutes are down']], 'and each source its own');
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'test_minutes' }), 0);
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'cost_explorer_usage_type' }), 1, 'the other source is healthy');
  t.equal(await value('bedrock_exporter_refresh_success'), 0);
  t.equal(await value('test_live_tokens_total'), 50, "the failed source's last good series are still served");
  t.equal(await value('bedrock_cost_usd_month_to_date'), cost, "and the other source's series too");
});

t.test('a source failing the same way says so once, and again when it works', async (t) => {
  const { logger, lines } = capturingLogger('info');
  const { collector, minutes } = await setup(t, { now: '2026-11-20T12:00:30Z', logger });
  t.ok(await collector.refresh());
  minutes.failing = true;
  for (let i = 0; i < 3; i++) t.notOk(await collector.refresh());
  const said = () => lines.filter((line) => line.includes('test_minutes') && !line.includes('refresh succeeded')).map((line) => (JSON.parse(line) as { msg: string }).msg);
  t.same(said(), ['refresh failed, keeping the last good series: the minutes are down'], 'three failures, one line');
  minutes.failing = false;
  t.ok(await collector.refresh());
  t.equal(said().at(-1), 'refresh works again after: the minutes are down');
  minutes.failing = true;
  t.notOk(await collector.refresh());
  t.equal(said().length, 3, 'a failure after a success is news again');
});

t.test('when the bill-wide source fails from the start, the others are served and the page says so', async (t) => {
  const down: CostSource = { ...NO_KEYS, discoverServices: () => Promise.reject(new Error('Cost Explorer is down')), fetchDaily: () => Promise.reject(new Error('unused')) };
  const { collector, value } = await setup(t, { now: '2026-11-20T12:00:30Z', client: down });
  t.notOk(await collector.refresh());
  t.ok(collector.snapshot && collector.ready, 'ready with what the other source gave');
  t.equal(await value('bedrock_cost_usd_month_to_date'), undefined);
  t.equal(await value('test_live_tokens_total'), 50);
  const page = landingPage({ version: 'test', telemetryPath: '/metrics', status: collector.status, snapshot: collector.snapshot });
  t.match(page, /The overview appears after the first successful refresh/);
  t.match(page, /Cost Explorer is down/);
  t.notMatch(page, /Month to date/, 'no totals without the bill-wide source');
});
