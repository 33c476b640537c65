// The runaway scenario with the real SDK: from a set minute one caller's tokens jump by a fixed dollar
// pace for four hours; the bill carries them on the days they fall on, CloudWatch's minutes show them
// in the minutes they run in, and everything else is as without the runaway.
import { CloudWatchClient, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import t, { type Test } from 'tap';
import { generateDataset, type Dataset, type LineItem } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { addDays, dayStartMs } from '../../src/time.js';

const TODAY = '2026-11-20';
const YESTERDAY = addDays(TODAY, -1);
const AT = new Date(`${YESTERDAY}T22:00:40Z`);
const USD_PER_HOUR = 2000;
const plain = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const runaway = generateDataset({ seed: 4, size: 'demo', today: TODAY, runaway: { at: AT } });
const FINAL = new Date(`${addDays(TODAY, 5)}T00:00:00Z`);
const MINUTE_MS = 60_000;

const lineOf = (item: LineItem) => [item.account, item.region, item.service, item.usageType, item.recordType].join('|');

/** Line items that differ between the two data sets on `day`, once final: [plain, runaway]. */
function changed(day: string): Array<[LineItem, LineItem]> {
  const before = new Map(plain.itemsOn(day, FINAL).map((item) => [lineOf(item), item]));
  const after = runaway.itemsOn(day, FINAL);
  t.equal(after.length, before.size, `${day}: the same lines`);
  return after.filter((item) => before.get(lineOf(item))?.usageQuantity !== item.usageQuantity).map((item) => [before.get(lineOf(item))!, item]);
}

/** Every InputTokenCount series in `region` and the first account, by model id: one value per period. */
async function inputTokens(t: Test, dataset: Dataset, region: string, start: Date, end: Date, period: number): Promise<Map<string, number[]>> {
  const emulator = await startEmulator({ dataset, clock: () => FINAL });
  const client = new CloudWatchClient({ region, endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  t.teardown(async () => {
    client.destroy();
    await emulator.close();
  });
  const series = new Map<string, number[]>();
  const query = { Id: 'q', Expression: `SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', ${period})`, Label: "${PROP('Dim.ModelId')}" };
  for await (const page of paginateGetMetricData({ client }, { StartTime: start, EndTime: end, MetricDataQueries: [query], ScanBy: 'TimestampAscending' })) {
    for (const result of page.MetricDataResults ?? []) {
      const values = series.get(result.Label!) ?? [];
      values.push(...(result.Values ?? []));
      series.set(result.Label!, values);
    }
  }
  return series;
}

t.test('the bill: one line of the first account carries the runaway, on each day it runs', async (t) => {
  const first = changed(YESTERDAY);
  const second = changed(TODAY);
  t.equal(first.length, 1, 'one line the day it begins');
  t.equal(second.length, 1, 'and the same line the next day');
  t.equal(lineOf(first[0]![1]), lineOf(second[0]![1]));
  const [before, after] = first[0]!;
  t.equal(after.account, runaway.accounts[0]!.id);
  t.equal(after.truth.direction, 'input');
  t.same(runaway.runaway && [runaway.runaway.account, runaway.runaway.region, runaway.runaway.usageType], [after.account, after.region, after.usageType], 'the line the data set names');
  const spent = (pair: [LineItem, LineItem]) => pair[1].unblendedCost - pair[0].unblendedCost;
  t.ok(Math.abs(spent(first[0]!) - 2 * USD_PER_HOUR) < 1, `from 22:00: two hours at ${USD_PER_HOUR} USD an hour (${spent(first[0]!)})`);
  t.ok(Math.abs(spent(second[0]!) - 2 * USD_PER_HOUR) < 1, `then two more after midnight (${spent(second[0]!)})`);
  t.equal(changed(addDays(TODAY, -2)).length, 0, 'the day before: nothing');
  t.ok(before.usageQuantity > 0);
});

t.test("CloudWatch: the caller's minutes jump at the minute it begins, by the same tokens each minute", async (t) => {
  const { region } = runaway.runaway!;
  const start = new Date(`${YESTERDAY}T21:00:00Z`);
  const end = new Date(`${TODAY}T03:00:00Z`);
  const without = await inputTokens(t, plain, region, start, end, 60);
  const withIt = await inputTokens(t, runaway, region, start, end, 60);
  t.same([...withIt.keys()].sort(), [...without.keys()].sort(), 'the same callers');
  const jumped = [...withIt].filter(([id, values]) => values.some((value, minute) => value !== without.get(id)![minute]));
  t.equal(jumped.length, 1, 'one caller');
  const [id, values] = jumped[0]!;
  const extra = values.map((value, minute) => value - without.get(id)![minute]!);
  const begins = (AT.getTime() - (AT.getTime() % MINUTE_MS) - start.getTime()) / MINUTE_MS;
  t.same(new Set(extra.slice(0, begins)), new Set([0]), 'nothing before 22:00');
  const pace = extra[begins]!;
  t.ok(pace > 0);
  t.same(new Set(extra.slice(begins, begins + 240)), new Set([pace]), 'the same tokens every minute for four hours');
  t.same(new Set(extra.slice(begins + 240)), new Set([0]), 'then it stops');

  const day = await inputTokens(t, runaway, region, new Date(dayStartMs(YESTERDAY)), new Date(dayStartMs(TODAY)), 86_400);
  const billed = runaway.itemsOn(YESTERDAY, FINAL).find((item) => item.account === runaway.accounts[0]!.id && item.usageType === runaway.runaway!.usageType && item.region === region)!;
  t.equal(day.get(id)?.[0], Math.round(billed.usageQuantity * billed.truth.tokensPerUnit), "the day's minutes still add up to the bill's tokens");
});

t.test('a runaway before the organization called any model: none', async (t) => {
  t.equal(generateDataset({ seed: 4, size: 'tiny', today: TODAY, runaway: { at: new Date('2020-01-01T00:00:00Z') } }).runaway, undefined);
});
