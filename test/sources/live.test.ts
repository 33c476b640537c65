// The live plane with the real SDKs against the emulator: CloudWatch's minutes since 00:00 UTC, late
// and revised, counted once each, by region, model and direction; read where the bill shows Bedrock;
// reset at midnight; failing on its own; its requests priced per metric.
import { CloudWatchClient, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import t, { type Test } from 'tap';
import { parseModelId } from '../../src/billing/model-ids.js';
import { GET_METRIC_DATA_PRICE_USD_PER_METRIC } from '../../src/cloudwatch/client.js';
import { createCollector } from '../../src/commands/collector.js';
import { loadConfig } from '../../src/config.js';
import { generateDataset, type Dataset } from '../../src/emulator/dataset.js';
import { callerOf } from '../../src/emulator/live/callers.js';
import { QUOTA_MODEL_NAMES } from '../../src/emulator/live/quotas.js';
import { CATALOGUE } from '../../src/emulator/catalogue.js';
import { startEmulator } from '../../src/emulator/server.js';
import { HealthMetrics } from '../../src/metrics/health.js';
import { LIVE_QUERIES } from '../../src/sources/live/source.js';
import { dayStartMs } from '../../src/time.js';
import { parseExposition, sumBy } from '../helpers/exposition.js';
import { capturingLogger } from '../helpers/rig.js';
import { silentLogger } from '../helpers/stack.js';
import type { Logger } from '../../src/log.js';

const TODAY = '2026-11-20';
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const DIRECTIONS: Record<string, string> = { InputTokenCount: 'input', OutputTokenCount: 'output', CacheReadInputTokenCount: 'cache_read', CacheWriteInputTokenCount: 'cache_write', TotalInputTokens: 'input', TotalOutputTokens: 'output' };

async function setup(t: Test, flags: string[] = [], { monitoringAccount, logger = silentLogger(), dataset = DATASET, today = TODAY }: { monitoringAccount?: string; logger?: Logger; dataset?: Dataset; today?: string } = {}) {
  const clock = { now: new Date(`${today}T12:00:30Z`) };
  const emulator = await startEmulator({ dataset, clock: () => clock.now, ...(monitoringAccount ? { monitoringAccount } : {}) });
  t.teardown(() => emulator.close());
  const { config } = loadConfig(['--live.enabled=true', '--aws.max-attempts=1', '--refresh.retry-base=10m', '--refresh.retry-max=10m', ...flags], {});
  const health = new HealthMetrics('test', { processMetrics: false });
  const running = createCollector(config, { health, logger, clock: () => clock.now, target: { endpoint: emulator.url, credentials: CREDENTIALS } });
  t.teardown(() => running.close());
  const samples = async () => parseExposition(`${running.collector.snapshot?.text ?? ''}${await health.registry.metrics()}`);
  return { clock, emulator, collector: running.collector, samples };
}

/** What CloudWatch shows now, read straight from the emulator: tokens since midnight by region and direction. */
async function cloudWatchTokens(t: Test, endpoint: string, regions: readonly string[], now: Date): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const region of regions) {
    const client = new CloudWatchClient({ region, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    t.teardown(() => client.destroy());
    const input = { StartTime: new Date(dayStartMs(TODAY)), EndTime: new Date(now.getTime() - (now.getTime() % 60_000)), MetricDataQueries: LIVE_QUERIES.map(({ id, expression, label }) => ({ Id: id, Expression: expression, Label: label })) };
    for await (const page of paginateGetMetricData({ client }, input)) {
      for (const result of page.MetricDataResults ?? []) {
        const direction = DIRECTIONS[result.Label!.split('|')[1]!];
        if (direction === undefined) continue;
        const key = `${region}|${direction}`;
        sums.set(key, (sums.get(key) ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0));
      }
    }
  }
  return sums;
}

const billedRegions = (): string[] => [...new Set(DATASET.itemsOn(TODAY, new Date(`${TODAY}T12:00:30Z`)).filter((item) => item.truth.kind === 'tokens').map((item) => item.region))].sort();

t.test('tokens since midnight, in every region on the bill, each minute once with its latest value', async (t) => {
  const { clock, emulator, collector, samples } = await setup(t);
  t.ok(await collector.refresh(), 'the first refresh waits for the bill, then reads the minutes where it shows Bedrock');
  const regions = [...sumBy(await samples(), 'bedrock_live_data_timestamp_seconds', ['region']).keys()].sort();
  t.same(regions, billedRegions().filter((region) => regions.includes(region)), 'only regions on the bill');
  t.ok(regions.length >= 2, 'several of them');
  t.same(sumBy(await samples(), 'bedrock_live_tokens_total', ['region', 'direction']), await cloudWatchTokens(t, emulator.url, regions, clock.now), 'what CloudWatch shows now');

  clock.now = new Date(`${TODAY}T12:20:30Z`);
  t.ok(await collector.refresh());
  t.same(sumBy(await samples(), 'bedrock_live_tokens_total', ['region', 'direction']), await cloudWatchTokens(t, emulator.url, regions, clock.now), 'twenty minutes on: the revised minutes count once, with their final values');
  const through = sumBy(await samples(), 'bedrock_live_data_timestamp_seconds', ['region']);
  for (const region of regions) t.equal(through.get(region), Date.parse(`${TODAY}T12:18:00Z`) / 1000, `${region}: through the last published minute`);
  const today = collector.snapshot?.today;
  t.equal(today?.tokens, sumBy(await samples(), 'bedrock_live_tokens_total', []).get(''), 'the landing page: today\'s tokens');
  t.ok(Math.abs(today!.cost - sumBy(await samples(), 'bedrock_live_estimated_cost_usd_total', []).get('')!) < 1e-6, 'and their estimated cost');
  t.equal(today?.throughMs, Date.parse(`${TODAY}T12:18:00Z`), 'through the latest minute read');
});

t.test('labels: the bill\'s model, provider and route; invocations, throttles and errors by model', async (t) => {
  const { collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1']);
  t.ok(await collector.refresh());
  const tokens = (await samples()).filter((sample) => sample.name === 'bedrock_live_tokens_total');
  t.ok(tokens.length > 0);
  const billedModels = new Set(DATASET.itemsOn(TODAY, new Date(`${TODAY}T12:00:30Z`)).map((item) => `${item.truth.model}|${item.truth.provider}`));
  for (const { labels } of tokens) {
    t.ok(['us-east-1', 'eu-west-1'].includes(labels.region!), 'the regions asked for');
    t.match(labels.account, /^\d{12}$/);
    t.ok(billedModels.has(`${labels.model}|${labels.provider}`), `${labels.model} is a model the bill has`);
    t.ok(['regional', 'global'].includes(labels.route!));
  }
  t.ok(tokens.some(({ labels }) => labels.route === 'global'), 'global profiles are route global');
  const invocations = sumBy(await samples(), 'bedrock_live_invocations_total', []).get('')!;
  t.ok(invocations > 0);
  t.ok(sumBy(await samples(), 'bedrock_live_throttles_total', []).get('')! < invocations);
  t.same([...sumBy(await samples(), 'bedrock_live_errors_total', ['type']).keys()].sort(), ['client', 'server']);
  t.match(collector.snapshot!.text, /# TYPE bedrock_live_tokens_total counter\n/);
  for (const { labels } of tokens) t.equal(parseModelId(labels.model!).kind, 'model');
});

t.test("application inference profiles: Bedrock says which model, once per region; a failing Bedrock leaves the model out", async (t) => {
  const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1']);
  t.ok(await collector.refresh());
  const lists = emulator.stats().requests.ListInferenceProfiles;
  t.equal(lists, 2, 'one list per region');
  const bedrock = sumBy(await samples(), 'bedrock_exporter_aws_requests_total', ['api', 'operation', 'outcome']);
  t.equal(bedrock.get('bedrock|ListInferenceProfiles|success'), 2, 'counted');
  t.equal(sumBy(await samples(), 'bedrock_exporter_aws_spend_usd_total', ['api']).get('bedrock'), 0, 'and free');
  const profiled = sumBy(await samples(), 'bedrock_live_tokens_total', ['model']);
  t.notOk(profiled.has(''), 'every series has its model, those called through a profile too');
  clock.now = new Date(`${TODAY}T12:10:30Z`);
  t.ok(await collector.refresh());
  t.equal(emulator.stats().requests.ListInferenceProfiles, lists, 'known profiles are not listed again');

  const broken = await setup(t, ['--live.regions=us-east-1']);
  broken.emulator.faults.add({ fault: 'http_500', operation: 'ListInferenceProfiles' });
  t.ok(await broken.collector.refresh(), 'the live plane still refreshes');
  const models = sumBy(await broken.samples(), 'bedrock_live_tokens_total', ['model']);
  t.ok(models.has('') && models.size > 1, 'profile series without a model, the others with theirs');
});

t.test("the estimated cost: live tokens at the bill's own price per token over the last settled days", async (t) => {
  // A tag's answers split the same spend again: they must not change the price.
  const { collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1', '--collection.allocation-tag=team']);
  t.ok(await collector.refresh());
  t.ok(await collector.refresh(), 'the second poll prices with the bill read by the first refresh');
  // The truth: Cost Explorer's settled days from a week ago (2026-11-13 to 11-18 at noon on the 20th).
  const truth = new Map<string, { cost: number; tokens: number }>();
  for (const day of ['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18']) {
    for (const item of DATASET.itemsOn(day, new Date(`${TODAY}T12:00:30Z`))) {
      if (item.truth.kind !== 'tokens') continue;
      // CloudWatch counts a latency-optimized call under the plain model id: one series, one rate.
      const tier = item.truth.tier === 'latency_optimized' ? 'standard' : item.truth.tier;
      const key = [item.region, item.truth.model, item.truth.provider, item.truth.direction, item.truth.route, tier].join('|');
      const sum = truth.get(key) ?? { cost: 0, tokens: 0 };
      sum.cost += item.unblendedCost;
      sum.tokens += item.usageQuantity * item.truth.tokensPerUnit;
      truth.set(key, sum);
    }
  }
  const prices = (await samples()).filter((sample) => sample.name === 'bedrock_unit_price_usd');
  t.equal(prices.length, [...truth.values()].filter(({ cost, tokens }) => cost > 0 && tokens > 0).length, 'a price for every token usage the bill priced');
  for (const { labels, value } of prices) {
    const { cost, tokens } = truth.get([labels.region, labels.model, labels.provider, labels.direction, labels.route, labels.tier].join('|'))!;
    t.ok(Math.abs(value - cost / tokens) <= 1e-9 * value, `${labels.model} ${labels.direction} in ${labels.region}, ${labels.tier}: the bill's price`);
    t.equal(labels.source, 'bill');
  }
  const tokens = (await samples()).filter((sample) => sample.name === 'bedrock_live_tokens_total');
  let checked = 0;
  for (const { labels, value } of (await samples()).filter((sample) => sample.name === 'bedrock_live_estimated_cost_usd_total')) {
    const same = (other: Record<string, string>) => ['region', 'model', 'direction', 'route'].every((name) => other[name] === labels[name]);
    const tiers = prices.filter((price) => same(price.labels));
    if (tiers.length !== 1 || tiers[0]!.labels.tier !== 'standard') continue;
    const counted = tokens.find((sample) => same(sample.labels) && sample.labels.account === labels.account)!.value;
    t.ok(Math.abs(value - counted * tiers[0]!.value) <= 1e-9 * value, `${labels.model} ${labels.direction} in ${labels.region}: tokens x price`);
    checked += 1;
  }
  t.ok(checked >= 3, `${checked} estimates checked`);
});

t.test('every live token series of a known model is priced, in every region the bill shows, latency-optimized calls included', async (t) => {
  const { collector, samples } = await setup(t);
  t.ok(await collector.refresh());
  t.ok(await collector.refresh());
  const read = await samples();
  const keyOf = (labels: Record<string, string>) => ['account', 'region', 'model', 'direction', 'route'].map((label) => labels[label]).join('|');
  const costs = new Set(read.filter((sample) => sample.name === 'bedrock_live_estimated_cost_usd_total' && sample.value > 0).map((sample) => keyOf(sample.labels)));
  const tokens = read.filter((sample) => sample.name === 'bedrock_live_tokens_total' && sample.labels.model !== '' && sample.value > 0);
  t.ok(tokens.some((sample) => sample.labels.model === 'claude-haiku-3.5'), 'a model the bill shows only latency-optimized is called');
  t.same(tokens.filter((sample) => !costs.has(keyOf(sample.labels))).map((sample) => keyOf(sample.labels)), [], `all ${tokens.length} series have an estimated cost`);
});

t.test("who spends now: the live tokens and cost by the team tag of the application profile called, adding up to the whole", async (t) => {
  const { collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1', '--collection.allocation-tag=team']);
  t.ok(await collector.refresh());
  t.ok(await collector.refresh());
  const read = await samples();
  const who = ['account', 'region', 'model', 'direction', 'route'];
  for (const [whole, split] of [['bedrock_live_tokens_total', 'bedrock_live_allocation_tokens_total'], ['bedrock_live_estimated_cost_usd_total', 'bedrock_live_allocation_estimated_cost_usd_total']] as const) {
    const total = sumBy(read, whole, who);
    const byTeam = sumBy(read, split, who);
    t.same([...byTeam.keys()].sort(), [...total.keys()].sort(), `${split}: every series of ${whole}`);
    for (const [key, value] of total) t.ok(Math.abs(byTeam.get(key)! - value) <= 1e-9 * value, `${split} adds up to ${whole} for ${key}`);
  }
  const teams = new Set(read.filter((sample) => sample.name === 'bedrock_live_allocation_tokens_total' && sample.value > 0).map((sample) => sample.labels.allocation_value));
  const called = new Set(DATASET.itemsOn(TODAY, new Date(`${TODAY}T12:00:30Z`)).filter((item) => ['us-east-1', 'eu-west-1'].includes(item.region) && item.tags?.team !== undefined && callerOf(item)?.dimensions.ModelId?.includes(':application-inference-profile/')).map((item) => item.tags!.team!));
  t.ok(called.size > 0);
  t.same([...teams].filter((team) => team !== undefined).sort(), [...called].sort(), "the teams whose profiles CloudWatch counted");
  t.ok(teams.has(undefined), 'calls through other ids: no allocation_value');
  t.ok(read.filter((sample) => sample.name === 'bedrock_live_allocation_tokens_total').every((sample) => sample.labels.allocation_type === 'tag' && sample.labels.allocation_key === 'team'));
});

t.test("without bedrock:ListTagsForResource: one warning, the models still resolved, the tags read once it is granted", async (t) => {
  const { logger, lines } = capturingLogger('info');
  const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1', '--collection.allocation-tag=team'], { logger });
  emulator.faults.add({ fault: 'access_denied', operation: 'ListTagsForResource' });
  for (const at of ['12:00:30', '12:05:30', '12:10:30']) {
    clock.now = new Date(`${TODAY}T${at}Z`);
    t.ok(await collector.refresh());
  }
  t.equal(lines.filter((line) => line.includes('"level":40') && line.includes('bedrock:ListTagsForResource')).length, 1, 'one warning');
  const teams = () => samples().then((read) => read.filter((sample) => sample.name === 'bedrock_live_allocation_tokens_total' && sample.labels.allocation_value !== undefined));
  t.same(await teams(), [], 'no team meanwhile');
  const tokens = (await samples()).filter((sample) => sample.name === 'bedrock_live_tokens_total');
  t.ok(tokens.every((sample) => sample.labels.model !== ''), "every profile's model resolved all the same");
  emulator.faults.clear();
  clock.now = new Date(`${TODAY}T13:15:30Z`);
  t.ok(await collector.refresh());
  t.ok((await teams()).length > 0, 'granted: the teams, once the region is listed again');
});

t.test('the counters start again at midnight UTC', async (t) => {
  const { clock, collector, samples } = await setup(t, ['--live.regions=us-east-1']);
  clock.now = new Date(`${TODAY}T23:50:30Z`);
  t.ok(await collector.refresh());
  const evening = sumBy(await samples(), 'bedrock_live_tokens_total', []).get('')!;
  clock.now = new Date('2026-11-21T00:00:30Z');
  t.ok(await collector.refresh());
  t.equal(sumBy(await samples(), 'bedrock_live_tokens_total', []).get(''), undefined, 'just after midnight, nothing yet');
  clock.now = new Date('2026-11-21T00:10:30Z');
  t.ok(await collector.refresh());
  const night = sumBy(await samples(), 'bedrock_live_tokens_total', []).get('')!;
  t.ok(night > 0 && night < evening / 20, `ten minutes of the new day (${night}) against a whole day (${evening})`);
  t.equal(sumBy(await samples(), 'bedrock_live_data_timestamp_seconds', ['region']).get('us-east-1'), Date.parse('2026-11-21T00:08:00Z') / 1000);
});

t.test('a failing CloudWatch keeps the last live values and never touches the bill', async (t) => {
  const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1']);
  t.ok(await collector.refresh());
  const before = sumBy(await samples(), 'bedrock_live_tokens_total', []).get('');
  emulator.faults.add({ fault: 'http_500', operation: 'GetMetricData' });
  clock.now = new Date(`${TODAY}T12:10:30Z`);
  t.notOk(await collector.refresh());
  const health = sumBy(await samples(), 'bedrock_exporter_source_refresh_success', ['source']);
  t.equal(health.get('cloudwatch_live'), 0);
  t.equal(health.get('cost_explorer_usage_type'), 1, 'the billing plane is fine');
  t.equal(sumBy(await samples(), 'bedrock_live_tokens_total', []).get(''), before, 'the last good live values');
  t.match(collector.status.lastError, /^cloudwatch_live: /);
  t.ok((sumBy(await samples(), 'bedrock_cost_usd_month_to_date', []).get('') ?? 0) > 0);

  const { logger, lines } = capturingLogger('info');
  const partly = await setup(t, ['--live.regions=us-east-1,eu-west-1'], { logger });
  partly.emulator.faults.add({ fault: 'http_500', operation: 'GetMetricData', count: 1 });
  t.ok(await partly.collector.refresh(), 'one region failing: the others count');
  t.same([...sumBy(await partly.samples(), 'bedrock_live_data_timestamp_seconds', ['region']).keys()], ['eu-west-1']);
  const warned = lines.filter((line) => line.includes('could not read CloudWatch'));
  t.equal(warned.length, 1);
  t.match(JSON.parse(warned[0]!).msg, /^could not read CloudWatch in us-east-1 with the exporter's own credentials, its live series keep their last values: /);
});

t.test('without permissions: CloudWatch denied fails the live plane with one line that names the off switch; the bill is served', async (t) => {
  const { logger, lines } = capturingLogger('info');
  const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1'], { logger });
  emulator.faults.add({ fault: 'access_denied', operation: 'GetMetricData' });
  for (const at of ['12:00:30', '12:05:30', '12:10:30']) {
    clock.now = new Date(`${TODAY}T${at}Z`);
    t.notOk(await collector.refresh());
  }
  const errors = lines.filter((line) => line.includes('"level":50'));
  t.equal(errors.length, 1, 'three polls, one line');
  t.match(errors[0], /refresh failed, keeping the last good series: AWS denied GetMetricData \(.*\); the identity needs cloudwatch:GetMetricData, see deploy\/iam-policy.json; or --live.enabled=false leaves the live plane out"/);
  const health = sumBy(await samples(), 'bedrock_exporter_source_refresh_success', ['source']);
  t.equal(health.get('cloudwatch_live'), 0, 'the live plane says it fails');
  t.equal(health.get('cost_explorer_usage_type'), 1, 'the billing plane is fine');
  t.ok((sumBy(await samples(), 'bedrock_cost_usd_month_to_date', []).get('') ?? 0) > 0);
});

t.test("without permissions for the live plane's other APIs: one warning each, the minutes counted all the same", async (t) => {
  // On the 1st the Price List is asked too (the test of what the bill has not priced yet).
  const today = '2026-12-01';
  const dataset = generateDataset({ seed: 4, size: 'demo', today });
  for (const [operation, permission] of [['ListServiceQuotas', 'servicequotas:ListServiceQuotas'], ['ListInferenceProfiles', 'bedrock:ListInferenceProfiles'], ['GetProducts', 'pricing:GetProducts']] as const) {
    const { logger, lines } = capturingLogger('info');
    const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1'], { dataset, today, logger });
    emulator.faults.add({ fault: 'access_denied', operation });
    for (const at of ['12:00:30', '12:05:30', '12:10:30']) {
      clock.now = new Date(`${today}T${at}Z`);
      t.ok(await collector.refresh(), `${operation} denied: the live plane still refreshes`);
    }
    t.ok(emulator.stats().requests[operation]! > 0, `${operation} was asked`);
    const warnings = lines.filter((line) => line.includes('"level":40') && line.includes(permission));
    t.equal(warnings.length, 1, `${operation}: one warning, naming ${permission}`);
    t.ok((sumBy(await samples(), 'bedrock_live_tokens_total', []).get('') ?? 0) > 0, 'the tokens are counted');
  }
});

t.test('GetMetricData is counted and priced per metric returned', async (t) => {
  const { emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1']);
  t.ok(await collector.refresh());
  const requests = sumBy(await samples(), 'bedrock_exporter_aws_requests_total', ['api', 'operation', 'outcome']);
  t.equal(requests.get('cloudwatch|GetMetricData|success'), emulator.stats().requests.GetMetricData);
  const metrics = (await samples()).filter((sample) => sample.name.startsWith('bedrock_live_') && sample.name !== 'bedrock_live_data_timestamp_seconds').length;
  const spend = sumBy(await samples(), 'bedrock_exporter_aws_spend_usd_total', ['api']).get('cloudwatch')!;
  t.ok(spend > 0 && spend >= metrics * GET_METRIC_DATA_PRICE_USD_PER_METRIC * 0.5, `${spend} USD for about ${metrics} metrics`);
});

t.test('other accounts: a role assumed in each, or a monitoring account; each account counted once', async (t) => {
  const [first, second] = DATASET.accounts.map((account) => account.id);
  const region = ['--live.regions=us-east-1'];
  const accountsOf = async (samples: () => Promise<ReturnType<typeof parseExposition>>) => sumBy(await samples(), 'bedrock_live_tokens_total', ['account']);

  const own = await setup(t, region);
  t.ok(await own.collector.refresh());
  t.same([...(await accountsOf(own.samples)).keys()], [first], 'without either, the exporter\'s own account');

  const roles = await setup(t, [...region, `--live.role-arn=arn:aws:iam::${second}:role/bedrock-usage-exporter-live`]);
  t.ok(await roles.collector.refresh());
  const byRole = await accountsOf(roles.samples);
  t.same([...byRole.keys()].sort(), [first, second].sort(), 'with a role, its account too');
  t.equal(roles.emulator.stats().requests.AssumeRole, 1, 'assumed once');
  t.ok(roles.emulator.stats().signedBy[`ASIAEMUL${second}`]! >= 1, 'and read with its keys');
  t.equal(sumBy(await roles.samples(), 'bedrock_exporter_aws_requests_total', ['api', 'operation', 'outcome']).get('sts|AssumeRole|success'), 1, 'counted');
  roles.clock.now = new Date(`${TODAY}T12:10:30Z`);
  t.ok(await roles.collector.refresh());
  t.equal(roles.emulator.stats().requests.AssumeRole, 1, 'its keys serve until they expire');

  const monitoring = await setup(t, region, { monitoringAccount: first! });
  t.ok(await monitoring.collector.refresh());
  const seen = await accountsOf(monitoring.samples);
  t.ok(seen.size > 2 && seen.has(second!), `a monitoring account: every account that calls Bedrock in the region (${seen.size})`);

  const both = await setup(t, [...region, `--live.role-arn=arn:aws:iam::${second}:role/bedrock-usage-exporter-live`], { monitoringAccount: first! });
  t.ok(await both.collector.refresh());
  t.same(await accountsOf(both.samples), seen, 'an account read both ways counts once');
});

t.test('a role that cannot be assumed: the other accounts go on, one warning and one request a poll until it can', async (t) => {
  const { logger, lines } = capturingLogger('info');
  const [first, second] = DATASET.accounts.map((account) => account.id);
  const { clock, emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1,eu-west-1', `--live.role-arn=arn:aws:iam::${second}:role/reader`, '--live.role-arn=arn:aws:iam::999999999999:role/elsewhere'], { logger });
  emulator.faults.add({ fault: 'http_503', operation: 'AssumeRole', count: 1 });
  const warnings = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40 && line.msg.startsWith('could not read CloudWatch')).map((line) => line.msg);
  const accounts = async () => [...sumBy(await samples(), 'bedrock_live_tokens_total', ['account']).keys()].sort();
  t.ok(await collector.refresh(), 'the live plane refreshes');
  t.same(await accounts(), [first]);
  t.equal(emulator.stats().requests.AssumeRole, 2, 'each role asked once, whatever the regions');
  clock.now = new Date(`${TODAY}T12:05:30Z`);
  t.ok(await collector.refresh());
  t.same(await accounts(), [first, second].sort(), 'the role assumed once STS answers again');
  clock.now = new Date(`${TODAY}T12:10:30Z`);
  t.ok(await collector.refresh());
  t.equal(emulator.stats().requests.AssumeRole, 5, 'the refused role asked once a poll, the other held');
  t.same(warnings(), [
    `could not read CloudWatch with arn:aws:iam::${second}:role/reader, its live series keep their last values: cannot assume arn:aws:iam::${second}:role/reader: ServiceUnavailable: The request has failed due to a temporary failure of the server.`,
    `could not read CloudWatch with arn:aws:iam::999999999999:role/elsewhere, its live series keep their last values: cannot assume arn:aws:iam::999999999999:role/elsewhere: AWS denied AssumeRole (User: arn:aws:iam::${first}:user/emulator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role/elsewhere); the identity needs sts:AssumeRole and the role must trust it`,
  ], 'one warning per role while it fails');
  t.equal(sumBy(await samples(), 'bedrock_exporter_source_refresh_success', ['source']).get('cloudwatch_live'), 1);
});

t.test("reconciliation: CloudWatch's tokens over the bill's on the latest settled day, per account, region, model and direction", async (t) => {
  const { emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1']);
  t.ok(await collector.refresh());
  t.ok(await collector.refresh(), 'the bill read, the live plane reconciles');
  const [day] = [...sumBy(await samples(), 'bedrock_live_reconciliation_day_timestamp_seconds', []).values()];
  const settled = new Date(day! * 1000).toISOString().slice(0, 10);
  t.ok(settled < TODAY, `a settled day (${settled})`);
  const ratios = (await samples()).filter((sample) => sample.name === 'bedrock_live_reconciliation_ratio');
  const read = ratios.filter((sample) => sample.labels.region === 'us-east-1' && sample.labels.account === DATASET.accounts[0]!.id);
  t.ok(read.length > 5, `${read.length} series in the region and account read`);
  for (const sample of read) t.ok(Math.abs(sample.value - 1) < 1e-6, `${sample.labels.model} ${sample.labels.direction}: in step to the token (${sample.value})`);
  const missed = ratios.filter((sample) => sample.labels.region !== 'us-east-1' || sample.labels.account !== DATASET.accounts[0]!.id);
  t.ok(missed.length > 0 && missed.every((sample) => sample.value === 0), 'the regions and accounts not read: 0');
  t.notOk(ratios.some((sample) => sample.labels.direction?.startsWith('cache') && /gpt-oss|qwen|glm/.test(sample.labels.model ?? '') && sample.value === 0 && sample.labels.region === 'us-east-1'), 'mantle cache tokens are not expected of CloudWatch');

  const reads = emulator.stats().requests.GetMetricData;
  t.ok(await collector.refresh());
  t.equal(emulator.stats().requests.GetMetricData, reads! + 1, 'the settled day is read once: the next poll reads only the minutes');

  // A monitoring account could not name the models of the other accounts' application profiles: a role in each can.
  const roles = DATASET.accounts.slice(1).map((account) => `--live.role-arn=arn:aws:iam::${account.id}:role/reader`);
  const whole = await setup(t, ['--live.regions=us-east-1', '--collection.account-breakdown=false', ...roles]);
  t.ok(await whole.collector.refresh());
  t.ok(await whole.collector.refresh());
  const overall = (await whole.samples()).filter((sample) => sample.name === 'bedrock_live_reconciliation_ratio' && sample.labels.region === 'us-east-1');
  t.ok(overall.length > 5 && overall.every((sample) => sample.labels.account === undefined && Math.abs(sample.value - 1) < 1e-6), 'a bill without accounts: every account together, in step');
});

t.test("headroom: each called model's quota per scope beside the busiest recent minute of its usage", async (t) => {
  const { logger, lines } = capturingLogger('info');
  const runaway = generateDataset({ seed: 4, size: 'demo', today: TODAY, runaway: { at: new Date(`${TODAY}T11:00:00Z`) } });
  const { region } = runaway.runaway!;
  const { clock, emulator, collector, samples } = await setup(t, [`--live.regions=${region}`], { dataset: runaway, logger });
  t.ok(await collector.refresh());
  const first = runaway.accounts[0]!.id;
  const read = await samples();
  const quotas = read.filter((sample) => sample.name === 'bedrock_quota_tokens_per_minute');
  const called = new Set(read.filter((sample) => sample.name === 'bedrock_live_tokens_total' && sample.labels.account === first && sample.labels.model !== undefined).map((sample) => sample.labels.model!));
  t.same(new Set(quotas.map((sample) => sample.labels.model)), new Set([...called].filter((model) => QUOTA_MODEL_NAMES[model] !== undefined)), 'a quota for each model the account called that has one');
  t.ok(quotas.every((sample) => sample.labels.account === first && sample.labels.region === region), "the reader's own account");
  for (const model of new Set(quotas.map((sample) => sample.labels.model))) {
    const scope = (quota: string) => quotas.find((sample) => sample.labels.model === model && sample.labels.quota === quota)?.value;
    t.equal(scope('cross_region'), 2 * scope('on_demand')!, `${model}: on-demand and cross-Region quotas`);
    t.equal(scope('global') === undefined, !QUOTA_MODEL_NAMES[model!]!.global, `${model}: a global quota where the model has global profiles`);
  }
  const usage = read.filter((sample) => sample.name === 'bedrock_live_quota_usage_tokens_per_minute');
  t.ok(usage.length > 0 && usage.some((sample) => sample.value > 0), `${usage.length} usage series`);
  t.ok(usage.every((sample) => ['on_demand', 'cross_region', 'global'].includes(sample.labels.quota!) && sample.labels.provider !== undefined));
  const over = usage.filter((sample) => {
    const quota = quotas.find((limit) => ['account', 'region', 'model', 'quota'].every((label) => limit.labels[label] === sample.labels[label]));
    return quota !== undefined && sample.value > 0.8 * quota.value;
  });
  t.ok(over.some((sample) => sample.labels.account === first && sample.value >= runaway.runaway!.tokensPerMinute), 'the runaway caller uses more than 80% of its quota');

  emulator.faults.add({ fault: 'http_500', operation: 'ListServiceQuotas' });
  clock.now = new Date(`${TODAY}T13:30:30Z`);
  t.ok(await collector.refresh(), 'Service Quotas failing: the live plane goes on');
  clock.now = new Date(`${TODAY}T13:35:30Z`);
  t.ok(await collector.refresh());
  t.same((await samples()).filter((sample) => sample.name === 'bedrock_quota_tokens_per_minute'), quotas, 'the last quotas kept');
  const warned = lines.filter((line) => line.includes("could not read Bedrock's quotas"));
  t.equal(warned.length, 1, 'one warning');
  t.match(JSON.parse(warned[0]!).msg, new RegExp(`^could not read Bedrock's quotas in ${region} with the exporter's own credentials, headroom keeps its last values: `));
});

t.test("what the bill has not priced yet: the AWS Price List's rate, said so; the bill's wherever it has one; none while the Price List fails", async (t) => {
  // On the 1st the bill holds little settled history, and claude-opus-4.7 is called for the first time.
  const today = '2026-12-01';
  const dataset = generateDataset({ seed: 4, size: 'demo', today });
  const { logger, lines } = capturingLogger('info');
  const { emulator, collector, samples } = await setup(t, ['--live.regions=us-east-1'], { dataset, today, logger });
  t.ok(await collector.refresh());
  t.ok(await collector.refresh(), 'the bill read, its rates known');
  const read = await samples();
  const prices = read.filter((sample) => sample.name === 'bedrock_unit_price_usd');
  const listed = prices.filter((sample) => sample.labels.source === 'price_list');
  const keyOf = (labels: Record<string, string>) => ['region', 'model', 'direction', 'route', 'tier'].map((label) => labels[label]).join('|');
  t.ok(listed.some((sample) => sample.labels.model === 'claude-opus-4.7'), 'the new model is priced from the list');
  const billed = new Set(prices.filter((sample) => sample.labels.source === 'bill').map((sample) => keyOf(sample.labels)));
  t.ok(listed.every((sample) => !billed.has(keyOf(sample.labels))), "the bill's own rate wins wherever it has one (on the 20th it has one for all: the test above)");
  for (const sample of listed) {
    const list = CATALOGUE.filter(({ truth, regions }) => [truth.model, truth.direction, truth.route, truth.tier].join('|') === [sample.labels.model, sample.labels.direction, sample.labels.route, sample.labels.tier].join('|') && regions.includes('USE1'));
    t.ok(list.some((entry) => Math.abs(sample.value - entry.price / entry.truth.tokensPerUnit) < 1e-15), `${keyOf(sample.labels)}: the list price of its usage type, per token`);
  }
  const opus = read.filter((sample) => sample.labels.model === 'claude-opus-4.7' && sample.labels.region === 'us-east-1');
  const input = (name: string) => opus.filter((sample) => sample.name === name && sample.labels.direction === 'input' && sample.labels.route === 'regional').reduce((sum, sample) => sum + sample.value, 0);
  const price = listed.find((sample) => sample.labels.model === 'claude-opus-4.7' && sample.labels.direction === 'input' && sample.labels.route === 'regional')!.value;
  t.ok(input('bedrock_live_tokens_total') > 0);
  t.ok(Math.abs(input('bedrock_live_estimated_cost_usd_total') - input('bedrock_live_tokens_total') * price) < 1e-9, 'its tokens priced at the list price');
  t.equal(emulator.stats().requests.GetProducts, 2, 'one request per service code');

  const fresh = await setup(t, ['--live.regions=us-east-1'], { dataset, today, logger });
  fresh.emulator.faults.add({ fault: 'http_500', operation: 'GetProducts' });
  t.ok(await fresh.collector.refresh());
  t.ok(await fresh.collector.refresh(), 'the Price List failing: the live plane goes on');
  const unpriced = (await fresh.samples()).filter((sample) => sample.name === 'bedrock_live_estimated_cost_usd_total' && sample.labels.model === 'claude-opus-4.7');
  t.same(unpriced, [], 'the model has no estimated cost meanwhile');
  t.equal(lines.filter((line) => line.includes('could not read the AWS Price List for us-east-1')).length, 1, 'one warning');
});
