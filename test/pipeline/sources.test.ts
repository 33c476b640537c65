// Sources as plug-ins: the collector runs any source behind the one interface, gives each its own
// health series, and a source that fails keeps its last good series without touching the others.
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { CostExplorerSource, type CostSource } from '../../src/cost-explorer/client.js';
import type { DecodedBucket } from '../../src/cost-explorer/decode.js';
import { Ledger } from '../../src/cost-explorer/ledger.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { HealthMetrics } from '../../src/metrics/health.js';
import { Collector } from '../../src/pipeline/collector.js';
import { family, set } from '../../src/metrics/series.js';
import type { Source } from '../../src/sources/source.js';
import { sourcesFor } from '../../src/sources/index.js';
import { addDays, dayOf, eachDay, type Day } from '../../src/time.js';
import { landingPage } from '../../src/web/landing.js';
import { parseExposition } from '../helpers/exposition.js';
import { silentLogger } from '../helpers/stack.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** A source of its own: one query whose answer a test can make fail; it counts the rows it was given. */
function countingSource(name: string) {
  const state = { failing: false, reads: [] as string[] };
  const source: Source = {
    name,
    plan: async () => ({
      services: [],
      description: `${name} by day`,
      queries: [{
        key: `${name}:days`,
        label: name,
        read: async (start: Day, end: Day): Promise<DecodedBucket[]> => {
          if (state.failing) throw new Error(`${name} is down`);
          state.reads.push(`${start}..${end}`);
          return eachDay(start, end).map((day) => ({ day, estimated: false, rows: [{ account: '', service: name, usageType: 'x', cost: 1, quantity: 1, unit: 'n' }] }));
        },
      }],
    }),
    contribute: async (_today, entries) => {
      const rows = family(`test_${name}_rows`, 'Rows the source was given.');
      set(rows, [], [...entries].reduce((n, entry) => n + entry.rows.length, 0));
      return { families: [rows], unrecognized: new Set() };
    },
  };
  return { source, state };
}

async function setup(t: Test, client?: CostSource) {
  const { config } = loadConfig(['--collection.settle-days=1'], {});
  const health = new HealthMetrics('test', { processMetrics: false });
  let real = client;
  if (!real) {
    const emulator = await startEmulator({ dataset: generateDataset({ seed: 5, size: 'tiny', today: dayOf(NOW) }), clock: () => NOW });
    t.teardown(() => emulator.close());
    const ce = new CostExplorerSource({ region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 5000, maxPages: 10, endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, onRequest: (request) => health.countRequest(request) });
    t.teardown(() => ce.destroy());
    real = ce;
  }
  const extra = countingSource('extra');
  const sources = [...sourcesFor(config, real, silentLogger(), () => NOW), extra.source];
  const collector = new Collector({ sources, ledger: new Ledger(100), health, logger: silentLogger(), collection: config.collection, refresh: config.refresh, clock: () => NOW });
  const metrics = async () => parseExposition(`${collector.snapshot?.text ?? ''}${await health.registry.metrics()}`);
  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await metrics()).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { collector, extra, value, metrics };
}

t.test('every source adds its series and has its own health series', async (t) => {
  const { collector, extra, value } = await setup(t);
  t.ok(await collector.refresh());
  t.ok((await value('bedrock_cost_usd_month_to_date'))! > 0, 'the usage-type source\'s series');
  const days = eachDay('2026-11-01', addDays(dayOf(NOW), 1)).length;
  t.equal(await value('test_extra_rows'), days, 'the other source got its entries for every day of the window');
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'cost_explorer_usage_type' }), 1);
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'extra' }), 1);
  t.equal(await value('bedrock_exporter_source_last_refresh_success_timestamp_seconds', { source: 'extra' }), NOW.getTime() / 1000);
  t.equal(await value('bedrock_exporter_refresh_success'), 1);

  await collector.refresh();
  t.same(extra.state.reads, [`2026-11-01..${addDays(dayOf(NOW), 1)}`, `${dayOf(NOW)}..${addDays(dayOf(NOW), 1)}`], "only today is read again: the settled days come from the ledger, as for any source");
});

t.test('a failing source keeps its last good series and never blanks another', async (t) => {
  const { collector, extra, value } = await setup(t);
  t.ok(await collector.refresh());
  const cost = await value('bedrock_cost_usd_month_to_date');
  extra.state.failing = true;
  t.notOk(await collector.refresh(), 'the refresh as a whole did not succeed');
  t.equal(collector.status.lastError, 'extra is down');
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'extra' }), 0);
  t.equal(await value('bedrock_exporter_source_refresh_success', { source: 'cost_explorer_usage_type' }), 1, 'the other source is healthy');
  t.equal(await value('bedrock_exporter_refresh_success'), 0);
  t.ok((await value('test_extra_rows'))! > 0, 'the failed source\'s last good series are still served');
  t.equal(await value('bedrock_cost_usd_month_to_date'), cost, 'and the other source\'s series too');
});

t.test('when the bill-wide source fails from the start, the others are served and the page says so', async (t) => {
  const down: CostSource = { discoverServices: () => Promise.reject(new Error('Cost Explorer is down')), fetchDaily: () => Promise.reject(new Error('unused')) };
  const { collector, value } = await setup(t, down);
  t.notOk(await collector.refresh());
  t.ok(collector.snapshot, 'ready with what the other source gave');
  t.equal(await value('bedrock_cost_usd_month_to_date'), undefined);
  t.ok((await value('test_extra_rows'))! > 0);
  const page = landingPage({ version: 'test', telemetryPath: '/metrics', status: collector.status, snapshot: collector.snapshot });
  t.match(page, /The overview appears after the first successful refresh/);
  t.match(page, /Cost Explorer is down/);
  t.notMatch(page, /Month to date/, 'no totals without the bill-wide source');
});
