import t from 'tap';
import { addDays, addMonths, dayStartMs, eachDay, monthStart } from '../../src/time.js';
import { generateDataset, type Dataset, type LineItem } from '../../src/emulator/dataset.js';
import { totals } from '../../src/emulator/truth.js';

const TODAY = '2026-11-20';
// Long after everything shown here has settled.
const LATER = new Date('2027-01-10T12:00:00Z');

const itemsBetween = (dataset: Dataset, from: string, to: string, asOf = LATER): LineItem[] =>
  eachDay(from, to).flatMap((day) => [...dataset.itemsOn(day, asOf)]);

const sumWhere = (items: LineItem[], pick: (item: LineItem) => boolean, value: (item: LineItem) => number): number =>
  items.filter(pick).reduce((sum, item) => sum + value(item), 0);

t.test('the same seed gives the same organization; another seed another one', async (t) => {
  const a = generateDataset({ seed: 7, size: 'small', today: TODAY });
  const b = generateDataset({ seed: 7, size: 'small', today: TODAY });
  const c = generateDataset({ seed: 8, size: 'small', today: TODAY });
  t.same(a.accounts, b.accounts);
  for (const day of ['2025-10-01', '2026-03-15', '2026-11-18']) t.same(a.itemsOn(day, LATER), b.itemsOn(day, LATER));
  t.notSame(a.accounts, c.accounts);
  t.notSame(a.itemsOn('2026-11-18', LATER), c.itemsOn('2026-11-18', LATER));
});

t.test('sizes: accounts, usage types and regions', async (t) => {
  const count = (dataset: Dataset, field: 'usageType' | 'region' | 'account'): number =>
    new Set(itemsBetween(dataset, '2026-11-01', '2026-11-19').map((item) => item[field])).size;
  const tiny = generateDataset({ seed: 1, size: 'tiny', today: TODAY });
  const small = generateDataset({ seed: 1, size: 'small', today: TODAY });
  const demo = generateDataset({ seed: 1, size: 'demo', today: TODAY });
  t.equal(tiny.accounts.length, 1);
  t.ok(count(tiny, 'usageType') >= 4 && count(tiny, 'usageType') <= 8, `tiny has a handful of usage types (${count(tiny, 'usageType')})`);
  t.equal(small.accounts.length, 3);
  t.ok(count(small, 'usageType') >= 15 && count(small, 'usageType') <= 25, `small has ~20 usage types (${count(small, 'usageType')})`);
  t.equal(demo.accounts.length, 6);
  t.equal(count(demo, 'account'), 6);
  t.ok(count(demo, 'usageType') >= 40 && count(demo, 'usageType') <= 70, `demo has ~50 usage types (${count(demo, 'usageType')})`);
  t.ok(count(demo, 'region') >= 3 && count(demo, 'region') <= 4, `demo spans 3-4 regions (${count(demo, 'region')})`);
  for (const account of demo.accounts) {
    t.match(account.id, /^\d{12}$/);
    t.ok(account.name.length > 0);
  }
  t.equal(new Set(demo.accounts.map((a) => a.id)).size, 6, 'account ids are unique');
});

t.test('large: hundreds of accounts and tens of thousands of account x usage-type pairs a month', async (t) => {
  const large = generateDataset({ seed: 3, size: 'large', today: TODAY });
  t.equal(large.accounts.length, 300);
  const month = totals(large, { asOf: LATER, from: '2026-10-01', to: '2026-11-01', by: ['account', 'usageType'] });
  t.ok(month.size >= 10_000, `${month.size} distinct pairs in October`);
  t.same(large.itemsOn('2026-10-01', LATER), large.itemsOn('2026-10-01', LATER), 'days regenerated after leaving the cache are identical');
});

t.test('13 months of history before the current month', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'small', today: TODAY });
  const first = addMonths(monthStart(TODAY), -13);
  t.equal(first, '2025-10-01');
  t.ok(dataset.itemsOn(first, LATER).length > 0);
  t.same(dataset.itemsOn(addDays(first, -1), LATER), []);
});

t.test('the three billing paths, AgentCore and the usage type no grammar knows', async (t) => {
  const items = itemsBetween(generateDataset({ seed: 1, size: 'small', today: TODAY }), '2026-11-10', '2026-11-19');
  const services = new Set(items.map((item) => item.service));
  t.ok(services.has('Amazon Bedrock'));
  t.ok(services.has('Amazon Bedrock Service'));
  t.ok(services.has('Amazon Bedrock AgentCore'));
  t.ok([...services].some((service) => service.endsWith(' (Amazon Bedrock Edition)')));
  const unknown = items.filter((item) => item.usageType === 'USE1-Bedrock-Quantum-Widgets');
  t.ok(unknown.length > 0);
  t.ok(unknown.every((item) => item.truth.kind === 'unknown' && item.service === 'Amazon Bedrock' && item.unblendedCost > 0));
});

t.test('ground truth follows the metric contract and the slug rules', async (t) => {
  const items = itemsBetween(generateDataset({ seed: 5, size: 'demo', today: TODAY }), '2026-09-01', '2026-11-19');
  const byUsageType = new Map(items.map((item) => [`${item.service}|${item.usageType}`, item]));
  const truthOf = (service: string, usageType: string) => byUsageType.get(`${service}|${usageType}`)?.truth;
  t.match(truthOf('Amazon Bedrock Service', 'USE1-Claude4.6Sonnet-input-tokens'),
    { model: 'claude-sonnet-4.6', provider: 'anthropic', kind: 'tokens', direction: 'input', tier: 'standard', route: 'regional', tokensPerUnit: 1000 });
  t.match(truthOf('Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount-Units'),
    { model: 'claude-sonnet-4.6', direction: 'input', tokensPerUnit: 1_000_000 });
  t.match(truthOf('Amazon Bedrock', 'USE1-xai.grok-4.3-mantle-input-tokens-standard'), { model: 'grok-4.3', provider: 'xai', tokensPerUnit: 1_000_000 });
  t.match(truthOf('Amazon Bedrock', 'USE1-qwen.qwen3-32b-mantle-input-tokens-standard'), { model: 'qwen3-32b', provider: 'qwen' });
  t.match(truthOf('Amazon Bedrock', 'APS3-Qwen3-32B-input-tokens-flex'), { model: 'qwen3-32b', tier: 'flex' });
  t.match(truthOf('Amazon Bedrock', 'USE1-Llama3-1-405B-input-tokens'), { model: 'llama3.1-405b', provider: 'meta' });
  t.match(truthOf('Amazon Bedrock', 'USW2-Mistral-Large-3-675b-Instruct-output-tokens'), { model: 'mistral-large-3-675b', provider: 'mistral' });
  t.match(truthOf('Amazon Bedrock', 'USE1-Claude3-5Haiku-input-tokens-latency-optimized'), { model: 'claude-haiku-3.5', tier: 'latency_optimized' });
  t.match(truthOf('Amazon Bedrock', 'EU-Nova2.0Lite-input-tokens-cross-region-global'), { model: 'nova-2-lite', route: 'global' });
  t.match(truthOf('Amazon Bedrock', 'USE1-openai.gpt-oss-120b-mantle-input-tokens-standard'), { model: 'gpt-oss-120b', provider: 'openai' });
  t.match(truthOf('Amazon Bedrock', 'USE1-Guardrail-ContentPolicyUnitsConsumed'), { kind: 'guardrail', direction: '', tier: '', route: '', tokensPerUnit: 0 });
  const kinds = new Set(items.map((item) => item.truth.kind));
  for (const kind of ['tokens', 'guardrail', 'provisioned_throughput', 'image_generation', 'rerank', 'agentcore', 'unknown']) t.ok(kinds.has(kind), kind);
  const directions = new Set(items.map((item) => item.truth.direction));
  for (const direction of ['input', 'output', 'cache_read', 'cache_write']) t.ok(directions.has(direction), direction);
  const tiers = new Set(items.map((item) => item.truth.tier));
  for (const tier of ['standard', 'batch', 'flex', 'priority', 'latency_optimized']) t.ok(tiers.has(tier), tier);
  const unitProblems = items.filter((item) => {
    if (!['Usage', 'Credit', 'Other'].includes(item.recordType)) return true;
    if (item.usageType.includes('-MP:') && !/^([A-Z0-9]+)-MP:\1_.+-Units$/.test(item.usageType)) return true;
    if (item.truth.kind !== 'tokens') return item.truth.tokensPerUnit !== 0;
    if (item.usageType.includes('-MP:')) return item.unit !== 'Units' || item.truth.tokensPerUnit !== 1_000_000;
    if (item.unit === '1M tokens') return item.truth.tokensPerUnit !== 1_000_000;
    return item.unit !== '1K tokens' || item.truth.tokensPerUnit !== 1000;
  });
  t.same(unitProblems.map((item) => item.usageType), [], 'units and tokensPerUnit agree with the billing path');
  const regions = new Map(items.map((item) => [item.usageType.slice(0, item.usageType.indexOf('-')), item.region]));
  t.equal(regions.get('EU'), 'eu-west-1');
  t.equal(regions.get('APS3'), 'ap-south-1');
  t.equal(regions.get('USE1'), 'us-east-1');
});

t.test('costs are quantity x a fixed price per usage type', async (t) => {
  const items = itemsBetween(generateDataset({ seed: 2, size: 'demo', today: TODAY }), '2026-10-01', '2026-10-08')
    .filter((item) => item.recordType !== 'Credit');
  const prices = new Map<string, number[]>();
  for (const item of items) {
    const key = `${item.service}|${item.usageType}`;
    prices.set(key, [...(prices.get(key) ?? []), item.unblendedCost / item.usageQuantity]);
  }
  t.ok(prices.size > 40);
  t.same(items.filter((i) => !(i.usageQuantity > 0 && i.unblendedCost > 0 && i.amortizedCost === i.unblendedCost && i.netUnblendedCost < i.unblendedCost)), []);
  const varying = [...prices].filter(([, list]) => Math.max(...list) - Math.min(...list) > 1e-6 * Math.max(...list) + 1e-9).map(([key]) => key);
  t.same(varying, [], 'one price per usage type');
});

t.test('credits: negative cost, zero quantity, RECORD_TYPE Credit, on some days only', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'tiny', today: TODAY });
  const credits = (day: string) => dataset.itemsOn(day, LATER).filter((item) => item.recordType === 'Credit');
  const first = credits('2026-11-01');
  t.equal(first.length, 1);
  t.ok(first[0]!.unblendedCost < 0);
  t.equal(first[0]!.usageQuantity, 0);
  t.equal(first[0]!.account, dataset.accounts[0]!.id);
  t.equal(credits('2026-11-15').length, 1);
  t.same(credits('2026-11-02'), []);
});

t.test('a model that first appears mid-way through the current month', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'tiny', today: TODAY });
  const opus = (day: string) => dataset.itemsOn(day, LATER).filter((item) => item.truth.model === 'claude-opus-4.7');
  const firstDay = eachDay('2026-11-01', TODAY).find((day) => opus(day).length > 0);
  t.ok(firstDay && firstDay > '2026-11-05' && firstDay < '2026-11-15', `first seen ${firstDay}`);
  t.same(itemsBetween(dataset, '2025-10-01', '2026-11-01').filter((item) => item.truth.model === 'claude-opus-4.7'), []);
});

t.test('Claude Sonnet 4.6 moved from Marketplace to Amazon Bedrock Service', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'tiny', today: TODAY });
  const services = (day: string) => new Set(dataset.itemsOn(day, LATER).filter((i) => i.truth.model === 'claude-sonnet-4.6').map((i) => i.service));
  t.same([...services(addDays(TODAY, -120))], ['Claude Sonnet 4.6 (Amazon Bedrock Edition)']);
  t.same(services(addDays(TODAY, -75)), new Set(['Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'Amazon Bedrock Service']));
  t.same([...services(addDays(TODAY, -30))], ['Amazon Bedrock Service']);
});

t.test('shapes: growth, weekly seasonality and a one-day spike', async (t) => {
  const dataset = generateDataset({ seed: 4, size: 'small', today: TODAY });
  const tokens = (from: string, to: string, model: string) =>
    sumWhere(itemsBetween(dataset, from, to), (i) => i.truth.model === model, (i) => i.usageQuantity * i.truth.tokensPerUnit);
  t.ok(tokens(addDays(TODAY, -14), addDays(TODAY, -7), 'nova-2-lite') > 2 * tokens(addDays(TODAY, -294), addDays(TODAY, -287), 'nova-2-lite'),
    'nova-2-lite grows exponentially');

  const byWeekday = new Map<number, number>();
  for (const item of itemsBetween(dataset, '2026-08-02', '2026-08-30')) {
    if (item.truth.model !== 'nova-pro' || item.recordType !== 'Usage') continue;
    const weekday = new Date(dayStartMs(item.day)).getUTCDay();
    byWeekday.set(weekday, (byWeekday.get(weekday) ?? 0) + item.usageQuantity);
  }
  const weekend = (byWeekday.get(0)! + byWeekday.get(6)!) / 2;
  const weekdays = [1, 2, 3, 4, 5].reduce((sum, d) => sum + byWeekday.get(d)!, 0) / 5;
  t.ok(weekend < 0.75 * weekdays, 'weekends are quieter');

  const spikeDay = addDays(TODAY, -17);
  const llama = (day: string) => tokens(day, addDays(day, 1), 'llama3.1-405b');
  t.ok(llama(spikeDay) > 4 * llama(addDays(spikeDay, -7)), 'a one-day spike');
  t.ok(llama(addDays(spikeDay, 7)) < 2 * llama(addDays(spikeDay, -7)), 'that is gone a week later');
});

t.test("scenario 'growth': one model more than doubles week over week, the rest stays flat", async (t) => {
  const dataset = generateDataset({ seed: 9, size: 'small', today: TODAY, scenario: 'growth' });
  const weekTokens = (weeksAgo: number, pick: (item: LineItem) => boolean) => {
    const end = addDays(TODAY, -7 * weeksAgo);
    return sumWhere(itemsBetween(dataset, addDays(end, -7), end), (i) => pick(i) && i.truth.kind === 'tokens', (i) => i.usageQuantity * i.truth.tokensPerUnit);
  };
  const sonnet = (item: LineItem) => item.truth.model === 'claude-sonnet-4.6';
  for (let week = 0; week < 4; week++) {
    const ratio = weekTokens(week, sonnet) / weekTokens(week + 1, sonnet);
    t.ok(ratio > 2, `week -${week} over week -${week + 1}: x${ratio.toFixed(2)}`);
  }
  const others = (item: LineItem) => !sonnet(item);
  const ratio = weekTokens(0, others) / weekTokens(4, others);
  t.ok(ratio > 0.8 && ratio < 1.25, `everything else is flat-ish (x${ratio.toFixed(2)})`);
  t.same(itemsBetween(dataset, '2026-11-01', TODAY).filter((i) => i.truth.model === 'claude-opus-4.7'), [], 'no new model mid-month');
});

t.test('truth totals group by line-item and truth fields', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'small', today: TODAY });
  const asOf = new Date('2026-11-20T12:00:00Z');
  const query = { asOf, from: '2026-11-01', to: '2026-11-21' };
  const items = itemsBetween(dataset, '2026-11-01', '2026-11-21', asOf);
  const byModel = totals(dataset, { ...query, by: ['model', 'region'] });
  const key = 'claude-sonnet-4.6|us-east-1';
  const expected = items.filter((i) => i.truth.model === 'claude-sonnet-4.6' && i.region === 'us-east-1');
  t.ok(expected.length > 0);
  t.equal(byModel.get(key)!.cost, expected.reduce((s, i) => s + i.unblendedCost, 0));
  t.equal(byModel.get(key)!.quantity, expected.reduce((s, i) => s + i.usageQuantity, 0));
  t.equal(byModel.get(key)!.tokens, expected.reduce((s, i) => s + i.usageQuantity * 1000, 0));
  const guardrails = totals(dataset, { ...query, by: ['kind'], where: (i) => i.truth.kind === 'guardrail' });
  t.same([...guardrails.keys()], ['guardrail']);
  t.equal(guardrails.get('guardrail')!.tokens, 0);
  t.ok(guardrails.get('guardrail')!.quantity > 0);
  const all = totals(dataset, { ...query, by: [] });
  t.equal(all.get('')!.cost, items.reduce((s, i) => s + i.unblendedCost, 0));
});
