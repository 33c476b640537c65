import t, { type Test } from 'tap';
import {
  GetCostForecastCommand, GetDimensionValuesCommand, type GetCostForecastCommandInput, type GetDimensionValuesCommandInput,
} from '@aws-sdk/client-cost-explorer';
import { addDays, eachDay } from '../../src/time.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { emulatorWithClient } from '../helpers/emulator-client.js';

const TODAY = '2026-11-20';
const NOW = new Date('2026-11-20T12:00:00Z');
const DATASET = generateDataset({ seed: 21, size: 'demo', today: TODAY });
const PERIOD = { Start: '2026-10-01', End: '2026-11-20' };

async function setup(t: Test, options: Partial<EmulatorOptions> = {}) {
  const { emulator, client } = await emulatorWithClient(t, DATASET, NOW, options);
  const values = (input: Partial<GetDimensionValuesCommandInput>) =>
    client.send(new GetDimensionValuesCommand({ TimePeriod: PERIOD, Dimension: 'SERVICE', ...input } as GetDimensionValuesCommandInput));
  const forecast = (input: Partial<GetCostForecastCommandInput>) =>
    client.send(new GetCostForecastCommand({
      TimePeriod: { Start: TODAY, End: '2026-12-01' }, Metric: 'UNBLENDED_COST', Granularity: 'MONTHLY', ...input,
    } as GetCostForecastCommandInput));
  const failure = async (request: Promise<unknown>) => {
    try {
      await request;
    } catch (error) {
      return { name: (error as Error).name, message: (error as Error).message };
    }
    throw new Error('expected the request to fail');
  };
  return { emulator, values, forecast, failure };
}

const seen = (pick: (item: ReturnType<typeof DATASET.itemsOn>[number]) => string, from = PERIOD.Start, to = PERIOD.End) =>
  [...new Set(eachDay(from, to).flatMap((day) => DATASET.itemsOn(day, NOW).map(pick)))].sort();

t.test('GetDimensionValues finds the SERVICE values by a case-insensitive search', async (t) => {
  const { values } = await setup(t);
  const all = await values({ SearchString: 'BEDROCK' });
  t.same(all.DimensionValues!.map((v) => v.Value), seen((i) => i.service));
  t.ok(all.DimensionValues!.every((v) => JSON.stringify(v.Attributes) === '{}'));
  t.equal(all.TotalSize, all.DimensionValues!.length);
  t.equal(all.ReturnSize, all.DimensionValues!.length);
  t.equal(all.NextPageToken, undefined);
  const marketplace = await values({ SearchString: 'edition' });
  t.ok(marketplace.DimensionValues!.length >= 3);
  t.ok(marketplace.DimensionValues!.every((v) => v.Value!.endsWith(' (Amazon Bedrock Edition)')));
  const none = await values({ SearchString: 'Amazon Elastic Compute Cloud' });
  t.same(none.DimensionValues, []);
  t.equal(none.TotalSize, 0);
});

t.test('LINKED_ACCOUNT values carry the account name; REGION and RECORD_TYPE list what the period holds', async (t) => {
  const { values } = await setup(t);
  const accounts = await values({ Dimension: 'LINKED_ACCOUNT' });
  t.same(accounts.DimensionValues, [...DATASET.accounts].sort((a, b) => a.id.localeCompare(b.id)).map((a) => ({ Value: a.id, Attributes: { description: a.name } })));
  t.same((await values({ Dimension: 'REGION' })).DimensionValues!.map((v) => v.Value), seen((i) => i.region));
  t.same((await values({ Dimension: 'RECORD_TYPE' })).DimensionValues!.map((v) => v.Value), ['Credit', 'Other', 'Usage']);
  const later = await values({ Dimension: 'RECORD_TYPE', TimePeriod: { Start: '2026-11-02', End: '2026-11-14' } });
  t.same(later.DimensionValues!.map((v) => v.Value), ['Other', 'Usage'], 'only what the period holds');
});

t.test('GetDimensionValues pages and filters', async (t) => {
  const { emulator, values, failure } = await setup(t, { pageSize: 1000 });
  const filter = { Dimensions: { Key: 'SERVICE' as const, Values: ['Amazon Bedrock Service'] } };
  const all = (await values({ Dimension: 'USAGE_TYPE', Filter: filter })).DimensionValues!.map((v) => v.Value);
  t.same(all, seen((i) => (i.service === 'Amazon Bedrock Service' ? i.usageType : '')).filter(Boolean));
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await values({ Dimension: 'USAGE_TYPE', Filter: filter, MaxResults: 4, NextPageToken: token });
    t.equal(page.TotalSize, all.length);
    t.equal(page.ReturnSize, page.DimensionValues!.length);
    pages.push(page.DimensionValues!.map((v) => v.Value!));
    token = page.NextPageToken;
  } while (token);
  t.ok(pages.length >= 3);
  t.same(pages.flat(), all);
  t.equal(emulator.stats().requests.GetDimensionValues, 1 + pages.length);

  const first = await values({ Dimension: 'USAGE_TYPE', MaxResults: 2 });
  t.equal((await failure(values({ Dimension: 'REGION', MaxResults: 2, NextPageToken: first.NextPageToken }))).name, 'RequestChangedException');
  const small = await setup(t, { pageSize: 2 });
  t.equal((await small.values({})).DimensionValues!.length, 2, 'the emulator page size applies without MaxResults');
});

t.test('GetDimensionValues validation', async (t) => {
  const { values, failure } = await setup(t);
  t.same(await failure(values({ Dimension: 'AZ' })), { name: 'ValidationException', message: 'Dimension AZ is not allowed.' });
  t.same(await failure(values({ Dimension: undefined })), {
    name: 'ValidationException', message: "1 validation error detected: Value null at 'dimension' failed to satisfy constraint: Member must not be null",
  });
  t.same(await failure(values({ Context: 'RESERVATIONS' })), { name: 'ValidationException', message: 'Context RESERVATIONS is not supported by this emulator; use COST_AND_USAGE.' });
  t.ok((await values({ Context: 'COST_AND_USAGE' })).DimensionValues);
  t.same(await failure(values({ SortBy: [{ Key: 'UnblendedCost', SortOrder: 'DESCENDING' }] })), { name: 'ValidationException', message: 'SortBy is not supported by this emulator.' });
  t.same(await failure(values({ MaxResults: 0 })), {
    name: 'ValidationException', message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
  });
  t.equal((await failure(values({ TimePeriod: { Start: '2024-01-01', End: '2024-02-01' } }))).name, 'ValidationException');
  t.equal((await failure(values({ TimePeriod: { Start: '2026-11-02', End: '2026-11-01' } }))).name, 'ValidationException');
});

t.test('GetCostForecast projects the recent daily mean', async (t) => {
  const { forecast } = await setup(t);
  const history = eachDay(addDays(TODAY, -30), addDays(TODAY, -2)).map((day) => DATASET.itemsOn(day, NOW).reduce((s, i) => s + i.unblendedCost, 0));
  const mean = history.reduce((s, v) => s + v, 0) / history.length;

  const monthly = await forecast({});
  t.same(monthly.ForecastResultsByTime!.map((r) => r.TimePeriod), [{ Start: TODAY, End: '2026-12-01' }]);
  t.ok(Math.abs(Number(monthly.Total!.Amount) - mean * 11) < 1e-6);
  t.equal(monthly.Total!.Unit, 'USD');
  const [bucket] = monthly.ForecastResultsByTime!;
  t.ok(Number(bucket!.PredictionIntervalLowerBound) < Number(bucket!.MeanValue) && Number(bucket!.MeanValue) < Number(bucket!.PredictionIntervalUpperBound));

  const daily = await forecast({ Granularity: 'DAILY', TimePeriod: { Start: TODAY, End: '2026-11-23' } });
  t.same(daily.ForecastResultsByTime!.map((r) => r.TimePeriod!.Start), [TODAY, '2026-11-21', '2026-11-22']);
  t.ok(daily.ForecastResultsByTime!.every((r) => Math.abs(Number(r.MeanValue) - mean) < 1e-6));

  const width = (r: { PredictionIntervalLowerBound?: string; PredictionIntervalUpperBound?: string }) =>
    Number(r.PredictionIntervalUpperBound) - Number(r.PredictionIntervalLowerBound);
  const wide = await forecast({ PredictionIntervalLevel: 95 });
  t.ok(width(wide.ForecastResultsByTime![0]!) > width(bucket!), '95% is wider than the default 80%');

  const across = await forecast({ TimePeriod: { Start: TODAY, End: '2027-02-01' } });
  t.same(across.ForecastResultsByTime!.map((r) => r.TimePeriod!.Start), [TODAY, '2026-12-01', '2027-01-01']);
  const { $metadata: _first, ...body } = monthly;
  const { $metadata: _again, ...again } = await forecast({});
  t.same(again, body, 'deterministic');

  const tokens = await forecast({ Metric: 'USAGE_QUANTITY', Filter: { Dimensions: { Key: 'USAGE_TYPE', Values: ['USE1-NovaPro-input-tokens'] } } });
  t.equal(tokens.Total!.Unit, '1K tokens');
  const net = await forecast({ Metric: 'NET_UNBLENDED_COST' });
  t.ok(Number(net.Total!.Amount) < Number(monthly.Total!.Amount));
});

t.test('GetCostForecast validation', async (t) => {
  const { forecast, failure } = await setup(t);
  const invalid = (message: string) => ({ name: 'ValidationException', message });
  t.same(await failure(forecast({ TimePeriod: { Start: '2026-11-19', End: '2026-12-01' } })), invalid('Start date 2026-11-19 must be on or after the current date 2026-11-20.'));
  t.same(await failure(forecast({ TimePeriod: { Start: TODAY, End: '2027-12-02' } })), invalid('End date 2027-12-02 is too far in the future: forecasts reach 2027-12-01 at most.'));
  t.same(await failure(forecast({ Granularity: 'HOURLY' })), invalid('HOURLY granularity is not supported for forecasts; use DAILY or MONTHLY.'));
  t.same(await failure(forecast({ PredictionIntervalLevel: 50 })),
    invalid("1 validation error detected: Value '50' at 'predictionIntervalLevel' failed to satisfy constraint: Member must have value between 51 and 99"));
  t.same(await failure(forecast({ Metric: 'UnblendedCost' as never })), invalid(
    "1 validation error detected: Value 'UnblendedCost' at 'metric' failed to satisfy constraint: Member must satisfy enum value set: [AMORTIZED_COST, BLENDED_COST, NET_AMORTIZED_COST, NET_UNBLENDED_COST, NORMALIZED_USAGE_AMOUNT, UNBLENDED_COST, USAGE_QUANTITY]"));
  t.same(await failure(forecast({ Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon EC2'] } } })),
    { name: 'DataUnavailableException', message: 'Insufficient amount of historical data to generate forecast.' });
});
