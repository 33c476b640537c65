// Who spends, in the emulator: tags and a cost category on the line items, grouped and filtered with the
// real SDK as Cost Explorer answers (KEY$VALUE, KEY$ without it), consistent with the ground truth.
import { GetCostAndUsageCommand, GetCostCategoriesCommand, GetTagsCommand, type GetCostAndUsageCommandInput, type Group } from '@aws-sdk/client-cost-explorer';
import t from 'tap';
import { activations, COST_CATEGORY, TAG_KEYS } from '../../src/emulator/attribution.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { addDays, addMonths, monthStart } from '../../src/time.js';
import { emulatorWithClient } from '../helpers/emulator-client.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const TODAY = '2026-11-20';
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const APPLICATION_FROM = activations(addMonths(monthStart(TODAY), -13), TODAY).get(TAG_KEYS.application)!;

/** Cost per group key over days [from, to), paging through the answer. */
async function costBy(send: (input: GetCostAndUsageCommandInput) => Promise<{ ResultsByTime?: Array<{ Groups?: Group[] }>; NextPageToken?: string }>, input: GetCostAndUsageCommandInput) {
  const sums = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await send({ ...input, NextPageToken: token });
    for (const group of (page.ResultsByTime ?? []).flatMap((result) => result.Groups ?? [])) {
      const key = group.Keys![0]!;
      sums.set(key, (sums.get(key) ?? 0) + Number(group.Metrics!.UnblendedCost!.Amount));
    }
    token = page.NextPageToken;
  } while (token);
  return sums;
}

/** The same from the dataset's line items. */
function truthBy(from: string, to: string, keyOf: (item: ReturnType<typeof DATASET.itemsOn>[number]) => string | undefined) {
  const sums = new Map<string, number>();
  for (let day = from; day < to; day = addDays(day, 1)) {
    for (const item of DATASET.itemsOn(day, NOW)) {
      const key = keyOf(item);
      if (key !== undefined) sums.set(key, (sums.get(key) ?? 0) + item.unblendedCost);
    }
  }
  return sums;
}

const near = (actual: Map<string, number>, expected: Map<string, number>) =>
  [...new Set([...actual.keys(), ...expected.keys()])].filter((key) => Math.abs((actual.get(key) ?? 0) - (expected.get(key) ?? 0)) > 1e-6);

t.test('grouped by a tag or a cost category: KEY$VALUE per value, KEY$ for spend without it, summing to the whole bill', async (t) => {
  const { client } = await emulatorWithClient(t, DATASET, NOW, { pageSize: 40 });
  const send = (input: GetCostAndUsageCommandInput) => client.send(new GetCostAndUsageCommand(input));
  const month = { TimePeriod: { Start: '2026-11-01', End: TODAY }, Granularity: 'DAILY' as const, Metrics: ['UnblendedCost'] };
  for (const [type, key, values] of [['TAG', TAG_KEYS.team, 'tags'], ['TAG', TAG_KEYS.costCenter, 'tags'], ['COST_CATEGORY', COST_CATEGORY, 'costCategories']] as const) {
    const answered = await costBy(send, { ...month, GroupBy: [{ Type: type, Key: key }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }] });
    const truth = truthBy('2026-11-01', TODAY, (item) => `${key}$${item[values]?.[key] ?? ''}`);
    t.same(near(answered, truth), [], `${type} ${key}: every value exact`);
    t.ok([...answered.keys()].filter((k) => k !== `${key}$`).length >= 3, `${key}: several values`);
    t.ok((answered.get(`${key}$`) ?? 0) !== 0, `${key}: some spend without it`);
    const whole = truthBy('2026-11-01', TODAY, () => '');
    t.ok(Math.abs([...answered.values()].reduce((a, b) => a + b, 0) - whole.get('')!) < 1e-6, `${key}: the values and the untagged share add up to the bill`);
  }
});

t.test('a tag shows only from the day its key was activated', async (t) => {
  const { client } = await emulatorWithClient(t, DATASET, NOW);
  const send = (input: GetCostAndUsageCommandInput) => client.send(new GetCostAndUsageCommand(input));
  const day = async (start: string) => costBy(send, { TimePeriod: { Start: start, End: addDays(start, 1) }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'TAG', Key: TAG_KEYS.application }] });
  t.same([...(await day(addDays(APPLICATION_FROM, -1))).keys()], ['application$'], 'the day before activation: all untagged');
  t.ok((await day(APPLICATION_FROM)).size > 3, 'from activation on: by application');
  const team = await costBy(send, { TimePeriod: { Start: addDays(APPLICATION_FROM, -1), End: APPLICATION_FROM }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'TAG', Key: TAG_KEYS.team }] });
  t.ok(team.size > 3, 'another key, active all along, is tagged that day');
});

t.test('filters by tag and cost category values, and ABSENT for spend without one', async (t) => {
  const { client } = await emulatorWithClient(t, DATASET, NOW);
  const send = (input: GetCostAndUsageCommandInput) => client.send(new GetCostAndUsageCommand(input));
  const month = { TimePeriod: { Start: '2026-11-01', End: TODAY }, Granularity: 'DAILY' as const, Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION' as const, Key: 'SERVICE' }] };
  const total = (sums: Map<string, number>) => [...sums.values()].reduce((a, b) => a + b, 0);
  const truth = (keep: (item: ReturnType<typeof DATASET.itemsOn>[number]) => boolean) => total(truthBy('2026-11-01', TODAY, (item) => (keep(item) ? '' : undefined)));
  const cases: Array<[string, unknown, (item: ReturnType<typeof DATASET.itemsOn>[number]) => boolean]> = [
    ['one team', { Tags: { Key: TAG_KEYS.team, Values: ['search'] } }, (item) => item.tags?.team === 'search'],
    ['team, any case', { Tags: { Key: TAG_KEYS.team, Values: ['SEARCH'], MatchOptions: ['CASE_INSENSITIVE'] } }, (item) => item.tags?.team === 'search'],
    ['untagged', { Tags: { Key: TAG_KEYS.team, MatchOptions: ['ABSENT'] } }, (item) => item.tags?.team === undefined],
    ['a business unit', { CostCategories: { Key: COST_CATEGORY, Values: ['Research'] } }, (item) => item.costCategories?.[COST_CATEGORY] === 'Research'],
    ['uncategorized', { CostCategories: { Key: COST_CATEGORY, MatchOptions: ['ABSENT'] } }, (item) => item.costCategories?.[COST_CATEGORY] === undefined],
  ];
  for (const [name, Filter, keep] of cases) {
    const answered = total(await costBy(send, { ...month, Filter: Filter as never }));
    t.ok(Math.abs(answered - truth(keep)) < 1e-6, `${name}: ${answered.toFixed(2)}`);
    t.not(answered, 0, `${name}: not empty`);
  }
});

t.test('GetTags and GetCostCategories list what a period holds, as the grouped answers show it', async (t) => {
  const { client } = await emulatorWithClient(t, DATASET, NOW, { pageSize: 3 });
  const month = { Start: '2026-11-01', End: TODAY };
  const before = { Start: addDays(APPLICATION_FROM, -3), End: APPLICATION_FROM };
  const allTags = async (TimePeriod: typeof month, TagKey?: string) => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetTagsCommand({ TimePeriod, ...(TagKey ? { TagKey } : {}), NextPageToken: token }));
      t.equal(page.ReturnSize, page.Tags!.length);
      found.push(...page.Tags!);
      token = page.NextPageToken;
    } while (token);
    return found;
  };
  t.same(await allTags(month), [TAG_KEYS.application, TAG_KEYS.costCenter, TAG_KEYS.team], 'the keys that tag spend this month');
  t.same(await allTags(before), [TAG_KEYS.costCenter, TAG_KEYS.team], 'before application was activated');
  const teams = truthBy('2026-11-01', TODAY, (item) => item.tags?.team);
  t.same(await allTags(month, TAG_KEYS.team), [...teams.keys()].sort(), "a key's values, paged");
  const search = await client.send(new GetTagsCommand({ TimePeriod: month, TagKey: TAG_KEYS.team, SearchString: 'SEA' }));
  t.same(search.Tags, ['search']);

  const names = await client.send(new GetCostCategoriesCommand({ TimePeriod: month }));
  t.same(names.CostCategoryNames, [COST_CATEGORY]);
  const units = await client.send(new GetCostCategoriesCommand({ TimePeriod: month, CostCategoryName: COST_CATEGORY, MaxResults: 100 }));
  t.same(units.CostCategoryValues, [...truthBy('2026-11-01', TODAY, (item) => item.costCategories?.[COST_CATEGORY]).keys()].sort());
  t.equal(units.TotalSize, units.CostCategoryValues!.length);
});
