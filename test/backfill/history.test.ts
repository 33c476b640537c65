import t from 'tap';
import { renderPeriod, SAMPLE_LEAD_MS, sampleInstants } from '../../src/backfill/history.js';
import type { CostSource } from '../../src/cost-explorer/client.js';
import { Ledger, type DayEntry } from '../../src/cost-explorer/ledger.js';
import { LedgerStore } from '../../src/cost-explorer/ledger-file.js';
import { ServiceDiscovery } from '../../src/cost-explorer/discovery.js';
import { family, set } from '../../src/metrics/series.js';
import type { HistoryPlan } from '../../src/sources/source.js';
import { UsageTypeSource } from '../../src/sources/usage-type/source.js';
import { dayStartMs } from '../../src/time.js';
import { NO_KEYS } from '../helpers/cost-source.js';
import { parseExposition } from '../helpers/exposition.js';
import { silentLogger } from '../helpers/stack.js';

const options = { lookbackMs: 6 * 3_600_000, job: 'j', instance: 'i' };
const entry = (day: string, quantity: number, cost: number): DayEntry => ({
  day, queryKey: 'service:Amazon Bedrock', estimated: false, settled: true,
  rows: [{ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', cost, quantity, unit: '1K tokens' }],
});
const entries: Record<string, DayEntry> = {
  '2026-10-31': entry('2026-10-31', 5, 50),
  '2026-11-01': entry('2026-11-01', 1, 10),
  '2026-11-02': entry('2026-11-02', 2, 20),
};
entries['2026-11-02']!.rows.push({ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-NovaLite-input-tokens', cost: 1, quantity: 1, unit: '1K tokens' });
// The history reads the ledger only: a client that is never asked.
const unread: CostSource = { ...NO_KEYS, discoverServices: () => Promise.reject(new Error('not read')), fetchDaily: () => Promise.reject(new Error('not read')) };
const discovery = new ServiceDiscovery({ client: unread, logger: silentLogger(), services: ['Amazon Bedrock'], search: 'Bedrock', rediscoverMs: 0 });
const ledger = new Ledger(10);
ledger.commit(Object.values(entries));
const store = new LedgerStore(ledger, undefined, silentLogger());
const source = new UsageTypeSource({ client: unread, discovery, store, logger: silentLogger(), settleDays: 2, lookbackDays: 0, accountBreakdown: true });
const plan = await source.history.plan({ start: '2026-10-31', end: '2026-11-04' }, { today: '2026-11-20' });
const sources = [{ name: source.name, plan }];

t.test('samples stand for instants one lookback apart, within the window', async (t) => {
  const hours = (instants: number[]) => instants.map((ms) => new Date(ms).toISOString().slice(11, 16));
  t.same(hours(sampleInstants('2026-11-01', 6 * 3_600_000)), ['00:00', '06:00', '12:00', '18:00']);
  t.same(hours(sampleInstants('2026-11-01', 6 * 3_600_000, { startMs: dayStartMs('2026-11-01') + 1, endMs: dayStartMs('2026-11-01') + 13 * 3_600_000 })), ['06:00', '12:00']);
  const text = await renderPeriod(['2026-11-01'], sources, options);
  const times = [...new Set([...text.matchAll(/ (\d+)$/gm)].map((m) => Number(m[1]) * 1000))];
  t.same(times, sampleInstants('2026-11-01', 6 * 3_600_000).map((ms) => ms - SAMPLE_LEAD_MS), 'each written a second early, so the last of a day is gone from the lookback at midnight');
});

t.test('daily describes yesterday; month to date grows through the day and restarts on the 1st', async (t) => {
  const text = await renderPeriod(['2026-11-01', '2026-11-02'], sources, options);
  t.match(text, /# EOF\n$/);
  const samples = parseExposition(text.replace(/ (\d+)$/gm, ''));
  const values = (name: string) => samples.filter((s) => s.name === name && s.labels.model !== 'nova-lite').map((s) => s.value);
  t.same(values('bedrock_tokens_daily'), [5000, 5000, 5000, 5000, 1000, 1000, 1000, 1000], 'the 1st shows October 31; the 2nd shows the 1st');
  t.same(values('bedrock_tokens_month_to_date'), [0, 250, 500, 750, 1000, 1500, 2000, 2500], 'only November, growing with the day');
  t.same(values('bedrock_cost_usd_month_to_date').slice(4), [10, 15, 20, 25]);
  t.same(values('bedrock_exporter_last_refresh_success_timestamp_seconds').slice(0, 2), [dayStartMs('2026-11-01') / 1000, dayStartMs('2026-11-01') / 1000 + 21_600], 'the instant each sample stands for');
  t.ok(samples.every((s) => s.labels.job === 'j' && s.labels.instance === 'i'), 'the live scrape\'s target labels on every series');
  t.equal(await renderPeriod(['2026-11-02'], sources, options, { startMs: 0, endMs: dayStartMs('2026-11-02') }), '', 'nothing outside the window');
});

t.test('a series that exists on some days of the period only has samples on those days', async (t) => {
  const text = await renderPeriod(['2026-11-02', '2026-11-03'], sources, options);
  const lite = parseExposition(text.replace(/ (\d+)$/gm, '')).filter((s) => s.name === 'bedrock_tokens_daily' && s.labels.model === 'nova-lite');
  t.equal(lite.length, 4, 'daily nova-lite only on the 3rd, which describes the 2nd');
  t.equal(await renderPeriod([], sources, options), '', 'no days, nothing');
});

t.test('any source with a history is written beside the others, with its own health series', async (t) => {
  // A source of another kind: a value per day, that accrues through the day, and nothing it could not read.
  const perDay = (day: string) => Number(day.slice(8));
  const other: HistoryPlan = {
    description: 'one value a day',
    services: [],
    reads: [],
    contributeOn: async (day) => {
      const at = (value: number) => {
        const f = { ...family('test_other_total', 'A value that grows through the day.'), accrues: true };
        set(f, [], value);
        return { families: [f] };
      };
      return { atStart: at(0), atEnd: at(perDay(day)) };
    },
    forgetBefore: () => {},
  };
  const text = await renderPeriod(['2026-11-02'], [...sources, { name: 'test_other', plan: other }], options);
  const samples = parseExposition(text.replace(/ (\d+)$/gm, ''));
  t.same(samples.filter((s) => s.name === 'test_other_total').map((s) => s.value), [0, 0.5, 1, 1.5], 'growing from the day\'s start to its end');
  t.same(samples.filter((s) => s.name === 'bedrock_exporter_source_refresh_success').map((s) => s.labels.source), ['cost_explorer_usage_type', 'test_other'].flatMap((name) => [name, name, name, name]));
  t.equal(samples.find((s) => s.name === 'bedrock_exporter_unrecognized_usage_types')?.value, 0);
});
