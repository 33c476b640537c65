import t, { type Test } from 'tap';
import { GetCostAndUsageCommand, GetDimensionValuesCommand, type GetCostAndUsageCommandInput, type GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { addDays, eachDay } from '../../src/time.js';
import { generateDataset, type Dataset, type LineItem } from '../../src/emulator/dataset.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { totals } from '../../src/emulator/truth.js';
import { formatAmount } from '../../src/emulator/metrics.js';
import { emulatorWithClient } from '../helpers/emulator-client.js';

const TODAY = '2026-11-20';
const NOW = new Date('2026-11-20T12:00:00Z');
const DATASET = generateDataset({ seed: 11, size: 'small', today: TODAY });

async function setup(t: Test, options: Partial<EmulatorOptions> = {}) {
  const { emulator, client } = await emulatorWithClient(t, DATASET, NOW, options);
  const query = (input: GetCostAndUsageCommandInput) => client.send(new GetCostAndUsageCommand(input));
  return { emulator, client, query };
}

/** Every page of an answer, as the exporter reads them. */
async function allPages(query: (input: GetCostAndUsageCommandInput) => Promise<GetCostAndUsageCommandOutput>, input: GetCostAndUsageCommandInput) {
  const pages: GetCostAndUsageCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await query({ ...input, NextPageToken: token });
    pages.push(page);
    token = page.NextPageToken;
  } while (token);
  return pages;
}

const near = (actual: string | undefined, expected: number) => Math.abs(Number(actual) - expected) <= 1e-6 + 1e-9 * Math.abs(expected);

t.test('ungrouped DAILY: one bucket per day, Total equals the truth', async (t) => {
  const { query } = await setup(t);
  const answer = await query({ TimePeriod: { Start: '2026-11-10', End: '2026-11-20' }, Granularity: 'DAILY', Metrics: ['UnblendedCost', 'UsageQuantity'] });
  t.equal(answer.ResultsByTime!.length, 10);
  t.equal(answer.NextPageToken, undefined);
  t.same(answer.GroupDefinitions, undefined);
  t.same(answer.DimensionValueAttributes, []);
  for (const bucket of answer.ResultsByTime!) {
    const day = bucket.TimePeriod!.Start!;
    t.equal(bucket.TimePeriod!.End, addDays(day, 1));
    const truth = totals(DATASET, { asOf: NOW, from: day, to: addDays(day, 1), by: [] }).get('')!;
    t.ok(near(bucket.Total!.UnblendedCost!.Amount, truth.cost), `cost on ${day}`);
    t.equal(bucket.Total!.UnblendedCost!.Unit, 'USD');
    t.ok(near(bucket.Total!.UsageQuantity!.Amount, truth.quantity), `quantity on ${day}`);
    t.equal(bucket.Total!.UsageQuantity!.Unit, 'N/A', 'units are mixed');
    t.same(bucket.Groups, []);
  }
});

t.test('UsageQuantity carries the unit when a bucket has a single one', async (t) => {
  const { query } = await setup(t);
  const answer = await query({
    TimePeriod: { Start: '2026-11-10', End: '2026-11-11' }, Granularity: 'DAILY', Metrics: ['UsageQuantity'],
    Filter: { Dimensions: { Key: 'SERVICE', Values: ['Claude Opus 4.7 (Amazon Bedrock Edition)'] } },
  });
  t.equal(answer.ResultsByTime![0]!.Total!.UsageQuantity!.Unit, 'Units');
});

t.test('grouping by one key: Total is {} and the groups equal the truth', async (t) => {
  const { query } = await setup(t);
  const answer = await query({
    TimePeriod: { Start: '2026-11-01', End: '2026-11-08' }, Granularity: 'DAILY', Metrics: ['UnblendedCost', 'UsageQuantity'],
    GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
  });
  t.same(answer.GroupDefinitions, [{ Type: 'DIMENSION', Key: 'SERVICE' }]);
  for (const bucket of answer.ResultsByTime!) {
    const day = bucket.TimePeriod!.Start!;
    t.same(bucket.Total, {});
    const truth = totals(DATASET, { asOf: NOW, from: day, to: addDays(day, 1), by: ['service'] });
    t.same(bucket.Groups!.map((g) => g.Keys![0]).sort(), [...truth.keys()].sort(), `services on ${day}`);
    for (const group of bucket.Groups!) {
      t.ok(near(group.Metrics!.UnblendedCost!.Amount, truth.get(group.Keys![0]!)!.cost), `${group.Keys} on ${day}`);
      t.ok(near(group.Metrics!.UsageQuantity!.Amount, truth.get(group.Keys![0]!)!.quantity));
    }
  }
});

t.test('grouping by two keys, MONTHLY, with account names', async (t) => {
  const { query } = await setup(t, { pageSize: 100_000 });
  const answer = await query({
    TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'],
    GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
  });
  t.equal(answer.ResultsByTime!.length, 1);
  const truth = totals(DATASET, { asOf: NOW, from: '2026-10-01', to: '2026-11-01', by: ['account', 'usageType'] });
  const groups = answer.ResultsByTime![0]!.Groups!;
  t.equal(groups.length, truth.size);
  t.ok(groups.every((g) => near(g.Metrics!.UnblendedCost!.Amount, truth.get(g.Keys!.join('|'))!.cost)));
  t.same(
    [...answer.DimensionValueAttributes!].sort((a, b) => a.Value!.localeCompare(b.Value!)),
    [...DATASET.accounts].sort((a, b) => a.id.localeCompare(b.id)).map((a) => ({ Value: a.id, Attributes: { description: a.name } })),
  );
});

t.test('filters on every dimension and their combinations', async (t) => {
  const { query } = await setup(t);
  const account = DATASET.accounts[1]!.id;
  const cases: Array<[string, NonNullable<GetCostAndUsageCommandInput['Filter']>, (i: LineItem) => boolean]> = [
    ['SERVICE', { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock Service', 'Amazon Bedrock AgentCore'] } },
      (i) => i.service === 'Amazon Bedrock Service' || i.service === 'Amazon Bedrock AgentCore'],
    ['USAGE_TYPE', { Dimensions: { Key: 'USAGE_TYPE', Values: ['USE1-NovaPro-input-tokens'], MatchOptions: ['EQUALS'] } },
      (i) => i.usageType === 'USE1-NovaPro-input-tokens'],
    ['REGION', { Dimensions: { Key: 'REGION', Values: ['us-west-2'] } }, (i) => i.region === 'us-west-2'],
    ['LINKED_ACCOUNT', { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [account] } }, (i) => i.account === account],
    ['RECORD_TYPE', { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit'] } }, (i) => i.recordType === 'Credit'],
    ['CASE_INSENSITIVE', { Dimensions: { Key: 'SERVICE', Values: ['AMAZON BEDROCK'], MatchOptions: ['EQUALS', 'CASE_INSENSITIVE'] } },
      (i) => i.service === 'Amazon Bedrock'],
    ['case-sensitive by default', { Dimensions: { Key: 'SERVICE', Values: ['AMAZON BEDROCK'] } }, () => false],
    ['And', { And: [{ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } }, { Dimensions: { Key: 'REGION', Values: ['us-east-1'] } }] },
      (i) => i.service === 'Amazon Bedrock' && i.region === 'us-east-1'],
    ['Or', { Or: [{ Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } }, { Dimensions: { Key: 'RECORD_TYPE', Values: ['Other'] } }] },
      (i) => i.region === 'eu-west-1' || i.recordType === 'Other'],
    ['Not', { Not: { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock Service'] } } }, (i) => i.service !== 'Amazon Bedrock Service'],
    ['nested', { And: [{ Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit'] } } }, { Or: [
      { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [account] } }, { Dimensions: { Key: 'USAGE_TYPE', Values: ['USE1-Claude4.6Sonnet-output-tokens'] } },
    ] }] }, (i) => i.recordType !== 'Credit' && (i.account === account || i.usageType === 'USE1-Claude4.6Sonnet-output-tokens')],
  ];
  for (const [name, filter, where] of cases) {
    const answer = await query({ TimePeriod: { Start: '2026-10-25', End: '2026-11-05' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'], Filter: filter });
    t.equal(answer.ResultsByTime!.length, 2);
    for (const bucket of answer.ResultsByTime!) {
      const truth = totals(DATASET, { asOf: NOW, from: bucket.TimePeriod!.Start!, to: bucket.TimePeriod!.End!, by: [], where }).get('')?.cost ?? 0;
      t.ok(near(bucket.Total!.UnblendedCost!.Amount, truth), `${name}: ${bucket.TimePeriod!.Start} ${bucket.Total!.UnblendedCost!.Amount} = ${truth}`);
    }
  }
  const credit = await query({
    TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Granularity: 'DAILY', Metrics: ['UnblendedCost', 'UsageQuantity'],
    Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit'] } },
  });
  t.match(credit.ResultsByTime![0]!.Total!.UnblendedCost!.Amount, /^-\d+(\.\d{1,10})?$/, 'credits are negative decimal strings');
  t.equal(credit.ResultsByTime![0]!.Total!.UsageQuantity!.Amount, '0');
});

t.test('every metric', async (t) => {
  const { query } = await setup(t);
  const metrics = ['UnblendedCost', 'BlendedCost', 'AmortizedCost', 'NetUnblendedCost', 'NetAmortizedCost', 'UsageQuantity', 'NormalizedUsageAmount', 'UNBLENDED_COST'];
  const answer = await query({ TimePeriod: { Start: '2026-10-05', End: '2026-10-06' }, Granularity: 'DAILY', Metrics: [...metrics, 'UsageQuantity'] });
  const total = answer.ResultsByTime![0]!.Total!;
  t.same(Object.keys(total).sort(), [...metrics].sort(), 'each metric once, under the name asked for');
  const items = DATASET.itemsOn('2026-10-05', NOW);
  const sum = (pick: (i: LineItem) => number) => items.reduce((s, i) => s + pick(i), 0);
  t.ok(near(total.UnblendedCost!.Amount, sum((i) => i.unblendedCost)));
  t.equal(total.BlendedCost!.Amount, total.UnblendedCost!.Amount);
  t.equal(total.UNBLENDED_COST!.Amount, total.UnblendedCost!.Amount);
  t.ok(near(total.AmortizedCost!.Amount, sum((i) => i.amortizedCost)));
  t.ok(near(total.NetUnblendedCost!.Amount, sum((i) => i.netUnblendedCost)));
  t.equal(total.NetAmortizedCost!.Amount, total.NetUnblendedCost!.Amount);
  t.same(total.NormalizedUsageAmount, { Amount: '0', Unit: 'N/A' });
  for (const value of Object.values(total)) t.match(value.Amount, /^-?\d+(\.\d{1,9}[1-9])?$|^-?\d+\.\d$/);
});

t.test('DAILY Estimated follows the settlement model as the clock moves', async (t) => {
  let now = NOW;
  const { query } = await setup(t, { clock: () => now });
  const input: GetCostAndUsageCommandInput = { TimePeriod: { Start: '2026-11-17', End: '2026-11-23' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };
  const read = async () => new Map((await query(input)).ResultsByTime!.map((b) => [b.TimePeriod!.Start!, b]));
  const final = (day: string) => totals(DATASET, { asOf: new Date('2026-12-31T00:00:00Z'), from: day, to: addDays(day, 1), by: [] }).get('')!.cost;

  let buckets = await read();
  t.same([...buckets.values()].map((b) => b.Estimated), [false, false, true, true, true, true]);
  t.ok(near(buckets.get('2026-11-18')!.Total!.UnblendedCost!.Amount, final('2026-11-18')), 'settled days are final');
  t.ok(near(buckets.get('2026-11-19')!.Total!.UnblendedCost!.Amount, final('2026-11-19') * 0.98), 'yesterday lacks its late records');
  t.ok(near(buckets.get('2026-11-20')!.Total!.UnblendedCost!.Amount, (final('2026-11-20') * 0.98 * 4) / 24), 'today shows usage up to 04:00');
  t.equal(buckets.get('2026-11-21')!.Total!.UnblendedCost!.Amount, '0', 'the future has nothing');

  now = new Date('2026-11-21T09:59:00Z');
  buckets = await read();
  t.ok(buckets.get('2026-11-19')!.Estimated, 'not settled before 10:00 two days later');
  now = new Date('2026-11-21T10:00:00Z');
  buckets = await read();
  t.notOk(buckets.get('2026-11-19')!.Estimated, 'settled at 10:00 two days later');
  t.ok(near(buckets.get('2026-11-19')!.Total!.UnblendedCost!.Amount, final('2026-11-19')));
  t.ok(near(buckets.get('2026-11-20')!.Total!.UnblendedCost!.Amount, final('2026-11-20') * 0.98), 'the next day is complete but unsettled');
});

t.test('MONTHLY buckets split at month boundaries; Estimated while the month is open', async (t) => {
  let now = NOW;
  const { query } = await setup(t, { clock: () => now });
  const input: GetCostAndUsageCommandInput = { TimePeriod: { Start: '2026-09-15', End: '2026-12-01' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'] };
  const answer = await query(input);
  t.same(answer.ResultsByTime!.map((b) => [b.TimePeriod!.Start, b.TimePeriod!.End, b.Estimated]), [
    ['2026-09-15', '2026-10-01', false],
    ['2026-10-01', '2026-11-01', false],
    ['2026-11-01', '2026-12-01', true],
  ]);
  const september = totals(DATASET, { asOf: NOW, from: '2026-09-15', to: '2026-10-01', by: [] }).get('')!.cost;
  t.ok(near(answer.ResultsByTime![0]!.Total!.UnblendedCost!.Amount, september));

  now = new Date('2026-11-04T01:59:00Z');
  const early = await query({ ...input, TimePeriod: { Start: '2026-10-01', End: '2026-11-01' } });
  t.ok(early.ResultsByTime![0]!.Estimated, 'October is still open on the 4th before 02:00 though its days have settled');
  now = new Date('2026-11-04T02:00:00Z');
  const closed = await query({ ...input, TimePeriod: { Start: '2026-10-01', End: '2026-11-01' } });
  t.notOk(closed.ResultsByTime![0]!.Estimated);
  now = new Date('2026-11-01T12:00:00Z');
  const lastDayOpen = await query({ ...input, TimePeriod: { Start: '2026-10-01', End: '2026-11-01' } });
  t.ok(lastDayOpen.ResultsByTime![0]!.Estimated, 'unsettled days keep the month estimated');
});

t.test('HOURLY splits each day over its visible hours', async (t) => {
  const { query } = await setup(t, { hourly: true });
  const answer = await query({
    TimePeriod: { Start: '2026-11-19T00:00:00Z', End: '2026-11-20T12:00:00Z' }, Granularity: 'HOURLY', Metrics: ['UnblendedCost'],
  });
  const buckets = answer.ResultsByTime!;
  t.equal(buckets.length, 36);
  t.same(buckets[0]!.TimePeriod, { Start: '2026-11-19T00:00:00Z', End: '2026-11-19T01:00:00Z' });
  t.ok(buckets.every((b) => b.Estimated));
  const amount = (i: number) => Number(buckets[i]!.Total!.UnblendedCost!.Amount);
  const daily = (day: string) => totals(DATASET, { asOf: NOW, from: day, to: addDays(day, 1), by: [] }).get('')!.cost;
  const yesterday = buckets.slice(0, 24).reduce((s, _, i) => s + amount(i), 0);
  t.ok(Math.abs(yesterday - daily('2026-11-19')) < 1e-6, 'the hours of a day add up to the day');
  const today = buckets.slice(24).reduce((s, _, i) => s + amount(24 + i), 0);
  t.ok(Math.abs(today - daily('2026-11-20')) < 1e-6);
  t.ok(amount(24 + 3) > 0, '03:00 is visible');
  t.equal(buckets[24 + 4]!.Total!.UnblendedCost!.Amount, '0', '04:00 is past the data cutoff');

  const dates = await query({ TimePeriod: { Start: '2026-11-19', End: '2026-11-20' }, Granularity: 'HOURLY', Metrics: ['UnblendedCost'] });
  t.equal(dates.ResultsByTime!.length, 24, 'plain dates work for HOURLY too');
  const tomorrow = await query({ TimePeriod: { Start: '2026-11-20T23:00:00Z', End: '2026-11-21T01:00:00Z' }, Granularity: 'HOURLY', Metrics: ['UnblendedCost'] });
  t.same(tomorrow.ResultsByTime!.map((b) => b.Total!.UnblendedCost!.Amount), ['0', '0'], 'hours with no data yet');
});

t.test('pagination: several pages give the same answer as one big page', async (t) => {
  const input: GetCostAndUsageCommandInput = {
    TimePeriod: { Start: '2026-11-01', End: '2026-11-25' }, Granularity: 'DAILY', Metrics: ['UnblendedCost', 'UsageQuantity'],
    GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
  };
  const big = await setup(t, { pageSize: 100_000 });
  const [single] = await allPages(big.query, input);
  const small = await setup(t, { pageSize: 7 });
  const pages = await allPages(small.query, input);
  t.ok(pages.length > 20, `${pages.length} pages`);
  t.equal(small.emulator.stats().requests.GetCostAndUsage, pages.length, 'every page is a request');
  t.ok(pages.every((p) => p.ResultsByTime!.reduce((n, b) => n + Math.max(1, b.Groups!.length), 0) <= 7));
  const merged: NonNullable<GetCostAndUsageCommandOutput['ResultsByTime']> = [];
  for (const page of pages) {
    for (const bucket of page.ResultsByTime!) {
      const last = merged[merged.length - 1];
      if (last && last.TimePeriod!.Start === bucket.TimePeriod!.Start) last.Groups!.push(...bucket.Groups!);
      else merged.push({ ...bucket, Groups: [...bucket.Groups!] });
    }
  }
  t.ok(merged.length < pages.reduce((n, p) => n + p.ResultsByTime!.length, 0), 'some buckets span two pages');
  t.same(merged, single!.ResultsByTime);
  const attributes = new Map(pages.flatMap((p) => p.DimensionValueAttributes!).map((a) => [a.Value, a]));
  t.same([...attributes.values()].sort((a, b) => a.Value!.localeCompare(b.Value!)),
    [...single!.DimensionValueAttributes!].sort((a, b) => a.Value!.localeCompare(b.Value!)));
  t.same(merged.filter((b) => b.TimePeriod!.Start! > '2026-11-20').map((b) => b.Groups), [[], [], [], []], 'empty days still have their bucket');

  const ungrouped = await allPages(small.query, { ...input, GroupBy: undefined });
  t.same(ungrouped.map((p) => p.ResultsByTime!.length), [7, 7, 7, 3]);

  for (let i = 1; i <= 5; i++) await small.query({ ...input, TimePeriod: { Start: addDays('2026-11-01', i), End: '2026-11-25' } });
  const again = await small.query({ ...input, NextPageToken: pages[0]!.NextPageToken });
  t.same(again.ResultsByTime, pages[1]!.ResultsByTime, 'a page whose answer left the cache is computed again, the same');
});

t.test('a page token pins the point in time of its first page', async (t) => {
  let now = NOW;
  const { query } = await setup(t, { pageSize: 3, clock: () => now });
  const input: GetCostAndUsageCommandInput = { TimePeriod: { Start: '2026-11-16', End: '2026-11-21' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };
  const first = await query(input);
  now = new Date('2026-11-22T12:00:00Z');
  const second = await query({ ...input, NextPageToken: first.NextPageToken });
  const fresh = (await allPages(query, input)).flatMap((p) => p.ResultsByTime!);
  now = NOW;
  const original = (await allPages(query, input)).flatMap((p) => p.ResultsByTime!);
  t.equal(second.NextPageToken, undefined);
  t.same([...first.ResultsByTime!, ...second.ResultsByTime!], original);
  t.notSame(fresh.slice(3), second.ResultsByTime, 'a new query sees the newer data');
});

t.test('accounts missing from the account list are described by their id', async (t) => {
  const item: LineItem = {
    day: '2026-11-02', account: '999999999999', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', region: 'us-east-1',
    recordType: 'Usage', unblendedCost: 1.5, amortizedCost: 1.5, netUnblendedCost: 1.4, usageQuantity: 2, unit: '1K tokens',
    truth: { model: 'nova-pro', provider: 'amazon', kind: 'tokens', direction: 'input', tier: 'standard', route: 'regional', tokensPerUnit: 1000 },
  };
  const dataset: Dataset = { accounts: [], itemsOn: (day) => (day === item.day ? [item] : []), isSettled: () => true };
  const { query, client } = await setup(t, { dataset });
  const answer = await query({
    TimePeriod: { Start: '2026-11-01', End: '2026-11-03' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'],
    GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
  });
  t.same(answer.DimensionValueAttributes, [{ Value: '999999999999', Attributes: { description: '999999999999' } }]);
  t.same(answer.ResultsByTime!.map((b) => b.Groups!.length), [0, 1]);
  t.same(answer.ResultsByTime![1]!.Groups![0], { Keys: ['999999999999'], Metrics: { UnblendedCost: { Amount: '1.5', Unit: 'USD' } } });
  t.same(eachDay('2026-11-01', '2026-11-03'), answer.ResultsByTime!.map((b) => b.TimePeriod!.Start));
  const values = await client.send(new GetDimensionValuesCommand({ TimePeriod: { Start: '2026-11-01', End: '2026-11-03' }, Dimension: 'LINKED_ACCOUNT' }));
  t.same(values.DimensionValues, [{ Value: '999999999999', Attributes: { description: '999999999999' } }]);
});

t.test('amounts are decimal strings with at most 10 decimals', async (t) => {
  t.equal(formatAmount(0), '0');
  t.equal(formatAmount(-1e-12), '0', 'never -0');
  t.equal(formatAmount(-15), '-15');
  t.equal(formatAmount(1 / 3), '0.3333333333');
  t.equal(formatAmount(27.10129153740001), '27.1012915374');
  t.equal(formatAmount(100), '100');
});
