// Who spends, end to end with the real SDK against the emulator: spend and tokens by tag and cost category
// value are the bill's, exactly, per value and in total; spend before a key's activation is untagged;
// settled days are paid for once.
import t from 'tap';
import { activations, COST_CATEGORY, TAG_KEYS } from '../../src/emulator/attribution.js';
import type { LineItem } from '../../src/emulator/dataset.js';
import { addDays, addMonths, dayOf, eachDay, monthStart } from '../../src/time.js';
import { parseExposition, sumBy, type Sample } from '../helpers/exposition.js';
import { capturingLogger, differences, startProxy, startRig, type Rig } from '../helpers/rig.js';

const KEYS = [
  { type: 'tag', key: TAG_KEYS.team, of: (item: LineItem) => item.tags?.[TAG_KEYS.team] },
  { type: 'tag', key: TAG_KEYS.application, of: (item: LineItem) => item.tags?.[TAG_KEYS.application] },
  { type: 'cost_category', key: COST_CATEGORY, of: (item: LineItem) => item.costCategories?.[COST_CATEGORY] },
] as const;
const FLAGS = [`--collection.allocation-tag=${TAG_KEYS.team}`, `--collection.allocation-tag=${TAG_KEYS.application}`, `--collection.cost-category=${COST_CATEGORY}`];
// A key given twice must not count its spend twice.
const TWICE = [...FLAGS, `--collection.allocation-tag=${TAG_KEYS.team}`];

/** Cost and tokens per value of a key over days [from, to) at the rig's instant, from the dataset's line items. */
function truthOf(rig: Rig, of: (item: LineItem) => string | undefined, from: string, to: string) {
  const cost = new Map<string, number>();
  const tokens = new Map<string, number>();
  for (const day of eachDay(from, to)) {
    for (const item of rig.dataset.itemsOn(day, rig.clock.now)) {
      const value = of(item) ?? '';
      cost.set(value, (cost.get(value) ?? 0) + item.unblendedCost);
      if (item.truth.kind === 'tokens') tokens.set(value, (tokens.get(value) ?? 0) + item.usageQuantity * item.truth.tokensPerUnit);
    }
  }
  return { cost, tokens };
}

/** Where the allocation series differ from the truth, both windows, every key; [] when exact. */
function allocationDifferences(rig: Rig, samples: readonly Sample[]): string[] {
  const today = dayOf(rig.clock.now);
  const wrong: string[] = [];
  for (const window of ['daily', 'month_to_date'] as const) {
    const [from, to] = window === 'daily' ? [addDays(today, -1), today] : [monthStart(today), addDays(today, 1)];
    for (const { type, key, of } of KEYS) {
      const mine = samples.filter((s) => s.labels.allocation_type === type && s.labels.allocation_key === key);
      const truth = truthOf(rig, of, from, to);
      wrong.push(...differences(sumBy(mine, `bedrock_allocation_cost_usd_${window}`, ['allocation_value']), truth.cost, `${key} cost ${window}`));
      wrong.push(...differences(sumBy(mine, `bedrock_allocation_tokens_${window}`, ['allocation_value']), truth.tokens, `${key} tokens ${window}`));
      // Billing-true against the base families the same scrape serves.
      const base = sumBy(samples, `bedrock_cost_usd_${window}`, []).get('')!;
      wrong.push(...differences(sumBy(mine, `bedrock_allocation_cost_usd_${window}`, []), new Map([['', base]]), `${key} cost ${window} against bedrock_cost_usd_${window}`));
    }
  }
  return wrong;
}

t.test('spend and tokens by tag and cost category value are the bill, per value and in total', async (t) => {
  const rig = await startRig({ size: 'demo', flags: TWICE });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  const samples = parseExposition(await rig.metricsText());
  t.same(allocationDifferences(rig, samples), []);
  const teams = new Set(samples.filter((s) => s.name === 'bedrock_allocation_cost_usd_month_to_date' && s.labels.allocation_key === TAG_KEYS.team).map((s) => s.labels.allocation_value));
  t.ok(teams.size >= 4 && teams.has(undefined), `team values and an untagged share (${[...teams].join(', ')})`);
  const one = samples.find((s) => s.name === 'bedrock_allocation_tokens_month_to_date' && s.labels.allocation_value === 'search')!;
  const base = samples.find((s) => s.name === 'bedrock_tokens_month_to_date' && s.labels.model === one.labels.model && s.labels.direction === one.labels.direction && s.labels.region === one.labels.region)!;
  const { account, ...baseLabels } = base.labels;
  t.ok(account, 'the base family has an account');
  t.same(Object.fromEntries(Object.keys(baseLabels).map((label) => [label, one.labels[label]])), baseLabels, 'labelled as the base family labels the same usage type');
  t.same(Object.keys(one.labels).filter((l) => !(l in baseLabels)).sort(), ['allocation_key', 'allocation_type', 'allocation_value'], 'and no account: Cost Explorer groups by two keys');
  t.equal(samples.find((s) => s.name === 'bedrock_exporter_source_refresh_success' && s.labels.source === 'cost_explorer_allocation')?.value, 1);

  // A day later: settled days are not read again, and the series are still exact.
  const before = rig.emulator.stats().requests.GetCostAndUsage!;
  rig.clock.now = new Date(rig.clock.now.getTime() + 24 * 3_600_000);
  t.ok(await rig.exporter.collector.refresh());
  const services = rig.exporter.collector.status.services.length;
  t.equal(rig.emulator.stats().requests.GetCostAndUsage! - before, services * (1 + KEYS.length), 'one read per query: only the unsettled days');
  t.same(allocationDifferences(rig, parseExposition(await rig.metricsText())), []);
});

t.test('before a tag key was activated its spend is untagged, as Cost Explorer shows it', async (t) => {
  const today = '2026-11-20';
  const application = activations(addMonths(monthStart(today), -13), today).get(TAG_KEYS.application)!;
  // A day whose month began before the key was activated: month to date mixes untagged and tagged spend.
  const rig = await startRig({ size: 'demo', now: `${addDays(application, 3)}T12:00:00Z`, flags: FLAGS });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  const samples = parseExposition(await rig.metricsText());
  t.same(allocationDifferences(rig, samples), []);
  const untagged = samples.filter((s) => s.name === 'bedrock_allocation_cost_usd_month_to_date' && s.labels.allocation_key === TAG_KEYS.application && s.labels.allocation_value === undefined);
  const all = sumBy(samples, 'bedrock_cost_usd_month_to_date', []).get('')!;
  const share = untagged.reduce((sum, s) => sum + s.value, 0) / all;
  t.ok(share > 0.3 && share < 1, `most of the month before activation is untagged (${(share * 100).toFixed(0)}%)`);
});

t.test('at start it says which keys Cost Explorer knows, with their values, and warns about the others', async (t) => {
  const { logger, lines } = capturingLogger('info');
  const rig = await startRig({ size: 'demo', logger, flags: [...FLAGS, '--collection.allocation-tag=owner', '--collection.cost-category=Region Group'] });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  t.ok(await rig.exporter.collector.refresh());
  const said = lines.map((line) => JSON.parse(line) as { level: number; msg: string; key?: string; count?: number });
  const about = (key: string) => said.filter((line) => line.key === key);
  t.match(about(TAG_KEYS.team), [{ level: 30, msg: /^cost allocation tag "team": \d+ values in Cost Explorer from 2026-11-01$/ }], 'once, though it refreshed twice');
  t.ok(about(TAG_KEYS.team)[0]!.count! >= 4);
  t.match(about(COST_CATEGORY), [{ level: 30, msg: /^cost category "business-unit": \d+ values/ }]);
  t.match(about('owner'), [{ level: 40, msg: /^cost allocation tag "owner" has no spend in Cost Explorer from 2026-11-01: activate it in the Billing console/ }]);
  t.match(about('Region Group'), [{ level: 40, msg: /^cost category "Region Group" has no spend in Cost Explorer from 2026-11-01: check its name/ }]);
  t.equal(rig.emulator.stats().requests.GetTags, 3, 'the keys, and the values of each known key');
  t.equal(rig.emulator.stats().requests.GetCostCategories, 2);
  const samples = parseExposition(await rig.metricsText());
  const owner = samples.filter((s) => s.name === 'bedrock_allocation_cost_usd_month_to_date' && s.labels.allocation_key === 'owner');
  t.ok(owner.length > 0 && owner.every((s) => s.labels.allocation_value === undefined), 'an unknown key is still read: all its spend has no value');
});

t.test('a key check that fails costs a warning, not the refresh', async (t) => {
  const { logger, lines } = capturingLogger('info');
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  const rig = await startRig({
    size: 'small',
    logger,
    flags: FLAGS,
    endpoint: async (url) => (proxy = await startProxy(url, (operation, answer) => (operation === 'GetTags' ? { ...answer, Tags: 'team' } : answer))).url,
  });
  t.teardown(async () => {
    await rig.close();
    await proxy!.close();
  });
  t.ok(await rig.exporter.collector.refresh(), 'the refresh succeeds');
  t.ok(lines.some((line) => line.includes('could not list the cost allocation tag keys Cost Explorer knows, reading them anyway: malformed Cost Explorer answer: Tags is not a list of strings')));
  t.ok(lines.some((line) => line.includes('cost category \\"business-unit\\"')), 'the cost categories are still checked');
  t.same(allocationDifferences(rig, parseExposition(await rig.metricsText())), []);
});
