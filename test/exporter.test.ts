// The exporter against the emulator over HTTP with the real SDK: every metric family equals the data
// set's ground truth, which the emulator's generator wrote by hand, independently of our parser.
import t, { type Test } from 'tap';
import type { LineItem } from '../src/emulator/dataset.js';
import { addDays, dayOf, dayStartMs, monthStart } from '../src/time.js';
import { sumBy, type Sample } from './helpers/exposition.js';
import { differences, isTokens, isUsage, truthBy, type Field, type Measure } from './helpers/rig.js';
import { startStack, type Stack } from './helpers/stack.js';
import { temporaryFolder } from './helpers/temporary.js';

function sameTotals(t: Test, actual: Map<string, number>, expected: Map<string, number>, what: string): void {
  t.same(differences(actual, expected, ''), [], `${what} (${expected.size} groups)`);
}

const truthOf = (stack: Stack, from: string, to: string, by: Field[], measure: Measure, where?: (item: LineItem) => boolean) =>
  truthBy(stack.dataset, stack.clock.now, from, to, by, measure, where);

function checkWindow(t: Test, stack: Stack, samples: Sample[], window: 'daily' | 'month_to_date', accounts = true): void {
  const today = dayOf(stack.clock.now);
  const [from, to] = window === 'daily' ? [addDays(today, -1), today] : [monthStart(today), addDays(today, 1)];
  const by = (...labels: Field[]): Field[] => (accounts ? ['account', ...labels] : labels);
  const check = (metric: string, labels: Field[], measure: Measure, what: string, where?: (item: LineItem) => boolean) =>
    sameTotals(t, sumBy(samples, `${metric}_${window}`, labels), truthOf(stack, from, to, labels, measure, where), `${window} ${what} by ${labels.join(', ') || 'nothing'}`);
  check('bedrock_tokens', by('region', 'model', 'provider', 'direction', 'tier', 'route'), 'tokens', 'tokens', isTokens);
  check('bedrock_cost_usd', by('model', 'kind', 'direction', 'tier', 'route'), 'cost', 'cost');
  check('bedrock_cost_usd', [], 'cost', 'total cost (the bill)');
  check('bedrock_usage', by('kind'), 'quantity', 'non-token usage', isUsage);
}

t.test('every metric family equals the ground truth, over several pages and accounts', async (t) => {
  const stack = await startStack(t, { size: 'small', pageSize: 7 });
  t.ok(await stack.exporter.collector.refresh(), 'the refresh succeeds');
  const samples = await stack.scrape();
  const pages = stack.emulator.stats().requests.GetCostAndUsage ?? 0;
  t.ok(pages > stack.exporter.collector.status.services.length, `answers spanned several pages (${pages} requests)`);
  t.ok(new Set(samples.filter((s) => s.name === 'bedrock_tokens_month_to_date').map((s) => s.labels.account)).size >= 3, 'several accounts');

  checkWindow(t, stack, samples, 'daily');
  checkWindow(t, stack, samples, 'month_to_date');

  const today = dayOf(stack.clock.now);
  const unknown = truthOf(stack, monthStart(today), addDays(today, 1), ['service', 'usageType'], 'cost', (item) => item.truth.kind === 'unknown');
  t.ok(unknown.size > 0, 'the data set has an unknown usage type');
  t.equal(samples.find((s) => s.name === 'bedrock_exporter_unrecognized_usage_types')?.value, unknown.size, 'unknown usage types are counted');
  const credits = truthOf(stack, monthStart(today), addDays(today, 1), [], 'cost', (item) => item.recordType === 'Credit');
  t.ok((credits.get('') ?? 0) < 0, 'credits are in the month and included in the totals above');

  const yesterday = addDays(today, -1);
  t.equal(samples.find((s) => s.name === 'bedrock_data_day_timestamp_seconds')?.value, dayStartMs(yesterday) / 1000);
  const estimated = (window: string) => samples.find((s) => s.name === 'bedrock_data_estimated' && s.labels.window === window)?.value;
  t.equal(estimated('daily'), stack.dataset.isSettled(yesterday, stack.clock.now) ? 0 : 1, 'daily estimated flag follows Cost Explorer');
  t.equal(estimated('month_to_date'), 1, 'the open month is estimated');
  t.equal(samples.find((s) => s.name === 'bedrock_exporter_refresh_success')?.value, 1);

  const info = samples.filter((s) => s.name === 'bedrock_usage_type_info');
  const seen = truthOf(stack, monthStart(today), addDays(today, 1), ['service', 'usageType'], 'cost');
  t.same(new Set(info.map((s) => `${s.labels.service}|${s.labels.usage_type}`)), new Set(seen.keys()), 'one info series per usage type in use');
  t.ok(samples.every((s) => Object.values(s.labels).every((value) => value !== '')), 'no empty label values');

  const names = new Map(stack.dataset.accounts.map((account) => [account.id, account.name]));
  const inUse = truthOf(stack, monthStart(today), addDays(today, 1), ['account'], 'cost');
  t.same(
    samples.filter((s) => s.name === 'bedrock_account_info').map((s) => [s.labels.account, s.labels.account_name, s.value]).sort(),
    [...inUse.keys()].sort().map((account) => [account, names.get(account), 1]),
    'one name per account in use, as Cost Explorer gives it with the answers (no extra request)',
  );
});

t.test('without the account breakdown: one query, no account label, same totals', async (t) => {
  const stack = await startStack(t, { size: 'small', flags: ['--collection.account-breakdown=false'] });
  t.ok(await stack.exporter.collector.refresh());
  const samples = await stack.scrape();
  t.equal(stack.emulator.stats().requests.GetCostAndUsage, 1, 'a single page for everything');
  t.notOk(samples.some((s) => s.name.startsWith('bedrock_') && 'account' in s.labels), 'no account label anywhere (and so no account names)');
  checkWindow(t, stack, samples, 'month_to_date', false);
  checkWindow(t, stack, samples, 'daily', false);
});

t.test('a later refresh re-reads only the days that may still change', async (t) => {
  const stack = await startStack(t, { size: 'small', now: '2026-11-20T12:00:00Z', pageSize: 100_000 });
  t.ok(await stack.exporter.collector.refresh());
  const services = stack.exporter.collector.status.services.length;
  const first = stack.emulator.stats().requests;
  t.equal(first.GetCostAndUsage, services, 'one page per service with a large page size');

  stack.clock.now = new Date('2026-11-21T04:00:00Z');
  t.ok(await stack.exporter.collector.refresh());
  const second = stack.emulator.stats().requests;
  t.equal((second.GetCostAndUsage ?? 0) - (first.GetCostAndUsage ?? 0), services, 'one request per service again');
  t.equal(second.GetDimensionValues, first.GetDimensionValues, 'services are not rediscovered within a day');
  checkWindow(t, stack, await stack.scrape(), 'month_to_date');
  checkWindow(t, stack, await stack.scrape(), 'daily');
});

t.test('a new month starts from zero while daily still shows the last day of the old one', async (t) => {
  const stack = await startStack(t, { size: 'tiny', now: '2026-10-31T20:00:00Z' });
  t.ok(await stack.exporter.collector.refresh());
  stack.clock.now = new Date('2026-11-01T03:00:00Z');
  t.ok(await stack.exporter.collector.refresh());
  const samples = await stack.scrape();
  checkWindow(t, stack, samples, 'daily');
  checkWindow(t, stack, samples, 'month_to_date');
  t.equal(samples.find((s) => s.name === 'bedrock_data_day_timestamp_seconds')?.value, dayStartMs('2026-10-31') / 1000);
});

t.test('a restart does not pay again for settled days (ledger.file)', async (t) => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(temporaryFolder(t, 'bue-restart-'), 'ledger.gz');
  const first = await startStack(t, { size: 'small', pageSize: 20, flags: [`--ledger.file=${file}`] });
  t.ok(await first.exporter.collector.refresh());
  const coldPages = first.emulator.stats().requests.GetCostAndUsage ?? 0;
  await first.exporter.close();

  const second = await startStack(t, { size: 'small', pageSize: 20, flags: [`--ledger.file=${file}`] });
  t.ok(await second.exporter.collector.refresh());
  const warmPages = second.emulator.stats().requests.GetCostAndUsage ?? 0;
  t.ok(warmPages < coldPages / 2, `after a restart ${warmPages} pages instead of ${coldPages}`);
  checkWindow(t, second, await second.scrape(), 'month_to_date');

  writeFileSync(file, 'garbage');
  const third = await startStack(t, { size: 'small', pageSize: 20, flags: [`--ledger.file=${file}`] });
  t.ok(await third.exporter.collector.refresh(), 'a corrupt file is ignored');
  t.equal(third.emulator.stats().requests.GetCostAndUsage, coldPages, 'and everything is read again');
  checkWindow(t, third, await third.scrape(), 'month_to_date');
});
