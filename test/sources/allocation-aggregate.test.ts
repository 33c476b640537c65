// The allocation gauges from ledger rows, without Cost Explorer: windows, labels, and work in slices.
import t from 'tap';
import { memoizedClassifier } from '../../src/billing/classifier.js';
import type { DayEntry, LedgerRow } from '../../src/cost-explorer/ledger.js';
import { render } from '../../src/metrics/exposition.js';
import { Pacer } from '../../src/pacer.js';
import { aggregateAllocation, type Allocation } from '../../src/sources/allocation/aggregate.js';
import { parseExposition } from '../helpers/exposition.js';

const row = (group: string | undefined, cost: number, quantity: number): LedgerRow => ({
  account: '', ...(group === undefined ? {} : { group }), service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', cost, quantity, unit: '1K tokens',
});
const entry = (queryKey: string, day: string, rows: LedgerRow[]): DayEntry => ({ day, queryKey, rows, estimated: false, settled: true });
const KEYS: Record<string, Allocation> = { 'service:Amazon Bedrock|tag:team': { type: 'tag', key: 'team' }, 'service:Amazon Bedrock|cost_category:unit': { type: 'cost_category', key: 'unit' } };
const entries = [
  entry('service:Amazon Bedrock|tag:team', '2026-10-31', [row('search', 100, 100)]),
  entry('service:Amazon Bedrock|tag:team', '2026-11-01', [row('search', 1, 2), row('', 3, 4)]),
  entry('service:Amazon Bedrock|tag:team', '2026-11-19', [row('search', 10, 20), row(undefined, 30, 40)]),
  entry('service:Amazon Bedrock|cost_category:unit', '2026-11-19', [row('Research', 40, 60)]),
];

t.test('daily is yesterday, month to date the month; spend without a value has no allocation_value', async (t) => {
  const { families, breakdowns } = await aggregateAllocation(entries, '2026-11-20', memoizedClassifier(), (key) => KEYS[key]!);
  const samples = parseExposition(await render(families));
  const value = (name: string, labels: Record<string, string | undefined>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
  t.equal(value('bedrock_allocation_cost_usd_month_to_date', { allocation_key: 'team', allocation_value: 'search' }), 11, 'October is not in the month');
  t.equal(value('bedrock_allocation_cost_usd_month_to_date', { allocation_key: 'team', allocation_value: undefined }), 33, "'' and a row without a value are both spend without one");
  t.equal(value('bedrock_allocation_cost_usd_daily', { allocation_key: 'team', allocation_value: 'search' }), 10);
  t.equal(value('bedrock_allocation_tokens_month_to_date', { allocation_key: 'team', allocation_value: 'search' }), 22_000, 'tokens in tokens');
  t.equal(value('bedrock_allocation_tokens_daily', { allocation_type: 'cost_category', allocation_key: 'unit', allocation_value: 'Research' }), 60_000);
  t.same(families.map((f) => f.name), ['bedrock_allocation_tokens_daily', 'bedrock_allocation_cost_usd_daily', 'bedrock_allocation_tokens_month_to_date', 'bedrock_allocation_cost_usd_month_to_date']);
  t.same(families.map((f) => f.accrues), [false, false, true, true], 'month to date grows through the day in a history');
  t.same(breakdowns.map((b) => [b.title, Object.fromEntries(b.totals)]), [
    ['tag team', { search: { cost: 11, tokens: 22_000, tokenCost: 11 }, '': { cost: 33, tokens: 44_000, tokenCost: 33 } }],
    ['cost category unit', { Research: { cost: 40, tokens: 60_000, tokenCost: 40 } }],
  ], 'the landing page\'s tables: this month by value');
  const onThe1st = await aggregateAllocation(entries, '2026-11-01', memoizedClassifier(), (key) => KEYS[key]!);
  t.same(onThe1st.breakdowns.map((b) => [...b.totals.keys()]), [['search', '']], 'on the 1st, October (daily) makes no rows of the month');
});

t.test('a large month is aggregated in slices, to the same result', async (t) => {
  const many = Array.from({ length: 30 }, (_, i) => entry('service:Amazon Bedrock|tag:team', `2026-11-${String(i + 1).padStart(2, '0')}`, Array.from({ length: 400 }, (_, j) => row(`team-${j % 50}`, 1, 1))));
  const pacer = new Pacer(0);
  const sliced = await aggregateAllocation(many, '2026-11-30', memoizedClassifier(), (key) => KEYS[key]!, pacer);
  t.ok(pacer.pauses > 0, `paused ${pacer.pauses} times`);
  t.equal(await render(sliced.families), await render((await aggregateAllocation(many, '2026-11-30', memoizedClassifier(), (key) => KEYS[key]!)).families));
});
