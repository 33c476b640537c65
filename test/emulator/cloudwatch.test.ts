// The emulator's CloudWatch with the real SDK (AWS JSON 1.0): per-minute Bedrock metrics that add up to
// the bill for what CloudWatch sees, published late and revised, by region and account, as SEARCH and
// MetricStat queries, in pages.
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, paginateGetMetricData, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import t, { type Test } from 'tap';
import { parseModelId } from '../../src/billing/model-ids.js';
import { CATALOGUE } from '../../src/emulator/catalogue.js';
import { parseSearch } from '../../src/emulator/cloudwatch.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import type { Dataset, LineItem } from '../../src/emulator/dataset.js';
import { callerOf, MODEL_IDS } from '../../src/emulator/live/callers.js';
import { FIRST_SHARE } from '../../src/emulator/live/minutes.js';
import { startEmulator } from '../../src/emulator/server.js';
import { dayStartMs } from '../../src/time.js';

const TODAY = '2026-11-20';
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const SETTLED_DAY = '2026-11-16';
const FIRST_ACCOUNT = DATASET.accounts[0]!.id;
const DAY_S = 86_400;

async function cloudWatch(t: Test, options: { now: Date; region?: string; accessKeyId?: string; monitoringAccount?: string }) {
  const clock = { now: options.now };
  const emulator = await startEmulator({ dataset: DATASET, clock: () => clock.now, ...(options.monitoringAccount ? { monitoringAccount: options.monitoringAccount } : {}) });
  const client = new CloudWatchClient({
    region: options.region ?? 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: options.accessKeyId ?? 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
  t.teardown(async () => {
    client.destroy();
    await emulator.close();
  });
  return { emulator, client, clock };
}

/** Every series a SEARCH finds, by label, paging through the answer. */
async function search(client: CloudWatchClient, expression: string, start: Date, end: Date, label = "${PROP('Dim.ModelId')}"): Promise<MetricDataResult[]> {
  const results: MetricDataResult[] = [];
  for await (const page of paginateGetMetricData({ client }, { StartTime: start, EndTime: end, MetricDataQueries: [{ Id: 'q', Expression: expression, Label: label }] })) {
    results.push(...(page.MetricDataResults ?? []));
  }
  return results;
}

const sum = (values: readonly number[] | undefined): number => (values ?? []).reduce((a, b) => a + b, 0);

/** What CloudWatch should count: token usage called on the runtime (not batch, not mantle). */
function seenByCloudWatch(item: LineItem, direction: string, region: string, account: string): boolean {
  return (
    item.truth.kind === 'tokens' &&
    item.truth.direction === direction &&
    item.truth.tier !== 'batch' &&
    item.recordType === 'Usage' &&
    !item.usageType.includes('-mantle-') &&
    item.region === region &&
    item.account === account
  );
}

t.test("a settled day's minutes add up to the tokens billed for what CloudWatch sees, per model", async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`), monitoringAccount: FIRST_ACCOUNT });
  const start = new Date(dayStartMs(SETTLED_DAY));
  const end = new Date(start.getTime() + DAY_S * 1000);
  const final = DATASET.itemsOn(SETTLED_DAY, new Date(`${TODAY}T12:00:00Z`));
  for (const [metric, direction] of [['InputTokenCount', 'input'], ['OutputTokenCount', 'output'], ['CacheReadInputTokenCount', 'cache_read']] as const) {
    // The first account with such usage in us-east-1, searched from the first account as a monitoring account.
    const account = DATASET.accounts.find(({ id }) => final.some((item) => seenByCloudWatch(item, direction, 'us-east-1', id)))!.id;
    const results = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="${metric}" :aws.AccountId="${account}"', 'Sum', 60)`, start, end);
    const billed = new Map<string, number>();
    for (const item of final.filter((item) => seenByCloudWatch(item, direction, 'us-east-1', account))) {
      billed.set(item.truth.model, (billed.get(item.truth.model) ?? 0) + Math.round(item.usageQuantity * item.truth.tokensPerUnit));
    }
    t.ok(billed.size > 0, `${metric}: the day has such usage`);
    const counted = new Map<string, number>();
    for (const result of results) {
      const parsed = parseModelId(result.Label!);
      // Application profiles name no model until Bedrock resolves them: they count toward the total only.
      const model = parsed.kind === 'model' ? parsed.model : '(profile)';
      counted.set(model, (counted.get(model) ?? 0) + sum(result.Values));
      t.equal(result.Values!.length, result.Timestamps!.length);
      t.ok(result.Values!.length > 1000, 'one datapoint a minute, nearly every minute');
    }
    t.equal(sum([...counted.values()]), sum([...billed.values()]), `${metric}: the day's minutes add up to the bill`);
    for (const [model, tokens] of counted) if (model !== '(profile)') t.ok(tokens <= (billed.get(model) ?? 0), `${metric}: ${model} is a model the bill has`);
  }
});

t.test('a minute is published two minutes after it ends, short of its value, and revised three minutes later', async (t) => {
  const now = new Date(`${TODAY}T12:00:00Z`);
  const { client, clock } = await cloudWatch(t, { now });
  const query = async () => {
    const results = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 60)`, new Date(now.getTime() - 20 * 60_000), now);
    return new Map(results.map((result) => [result.Label!, new Map(result.Timestamps!.map((at, index) => [at.getTime(), result.Values![index]!]))]));
  };
  const early = await query();
  clock.now = new Date(now.getTime() + 10 * 60_000);
  const later = await query();
  t.ok(early.size > 0);
  for (const [label, minutes] of early) {
    const final = later.get(label)!;
    t.notOk(minutes.has(now.getTime() - 60_000), `${label}: the last minute is not out yet`);
    t.notOk(minutes.has(now.getTime() - 120_000), `${label}: nor the one before (it ended one minute ago)`);
    const fresh = minutes.get(now.getTime() - 3 * 60_000);
    if (fresh !== undefined) t.equal(fresh, Math.floor(final.get(now.getTime() - 3 * 60_000)! * FIRST_SHARE), `${label}: a recent minute shows part of its value`);
    const old = minutes.get(now.getTime() - 10 * 60_000);
    if (old !== undefined) t.equal(old, final.get(now.getTime() - 10 * 60_000), `${label}: an older minute is final`);
  }
});

t.test('MetricStat reads one series as SEARCH finds it; periods and statistics', async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const start = new Date(dayStartMs(SETTLED_DAY));
  const end = new Date(start.getTime() + 3_600_000);
  const [first] = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="OutputTokenCount"', 'Sum', 60)`, start, end);
  const metric = { Namespace: 'AWS/Bedrock', MetricName: 'OutputTokenCount', Dimensions: [{ Name: 'ModelId', Value: first!.Label! }] };
  const answer = await client.send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'minutes', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
        { Id: 'hour', MetricStat: { Metric: metric, Period: 3600, Stat: 'Sum' } },
        { Id: 'peak', MetricStat: { Metric: metric, Period: 3600, Stat: 'Maximum' } },
        { Id: 'samples', MetricStat: { Metric: metric, Period: 3600, Stat: 'SampleCount' } },
        { Id: 'named', Label: "${PROP('MetricName')} in ${PROP('Region')} of ${PROP('AccountId')}", MetricStat: { Metric: metric, Period: 3600, Stat: 'Average' } },
      ],
    }),
  );
  const byId = new Map(answer.MetricDataResults!.map((result) => [result.Id!, result]));
  const minutes = byId.get('minutes')!;
  t.same([...minutes.Values!].reverse(), first!.Values, 'the same minutes as SEARCH found, ascending');
  t.equal(byId.get('hour')!.Values![0], sum(minutes.Values));
  t.equal(byId.get('peak')!.Values![0], Math.max(...minutes.Values!));
  t.equal(byId.get('samples')!.Values![0], minutes.Values!.length);
  t.equal(byId.get('named')!.Label, `OutputTokenCount in us-east-1 of ${FIRST_ACCOUNT}`);
  t.equal(byId.get('named')!.Values![0], sum(minutes.Values) / minutes.Values!.length);
  t.equal(byId.get('hour')!.Timestamps![0]!.getTime(), start.getTime(), 'periods start on the hour');
});

t.test('each region and account sees its own metrics; a monitoring account may search another', async (t) => {
  const now = new Date(`${TODAY}T12:00:00Z`);
  const start = new Date(dayStartMs(SETTLED_DAY));
  const end = new Date(start.getTime() + DAY_S * 1000);
  const final = DATASET.itemsOn(SETTLED_DAY, now);
  const billedIn = (region: string, account: string) =>
    sum(final.filter((item) => seenByCloudWatch(item, 'input', region, account)).map((item) => Math.round(item.usageQuantity * item.truth.tokensPerUnit)));
  const other = DATASET.accounts.find((account) => billedIn('us-east-1', account.id) > 0 && account.id !== FIRST_ACCOUNT)!;
  t.ok(other, 'another account uses Bedrock in us-east-1');
  const expression = `SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 3600)`;

  const own = await cloudWatch(t, { now, accessKeyId: `AKIAEMULATOR${other.id}` });
  t.equal(sum((await search(own.client, expression, start, end)).flatMap((result) => result.Values!)), billedIn('us-east-1', other.id), "the account's own keys");
  const alone = await cloudWatch(t, { now });
  const linked = `SEARCH('{AWS/Bedrock,ModelId} :aws.AccountId="${other.id}" MetricName="InputTokenCount"', 'Sum', 3600)`;
  t.same(await search(alone.client, linked, start, end), [], 'an account that is not a monitoring account sees no other');
  const monitoring = await cloudWatch(t, { now, monitoringAccount: FIRST_ACCOUNT });
  t.equal(sum((await search(monitoring.client, linked, start, end)).flatMap((result) => result.Values!)), billedIn('us-east-1', other.id), 'searched from the first account');

  const euRegion = final.find((item) => seenByCloudWatch(item, 'input', item.region, FIRST_ACCOUNT) && item.region !== 'us-east-1')!.region;
  const eu = await cloudWatch(t, { now, region: euRegion });
  t.equal(sum((await search(eu.client, expression, start, end)).flatMap((result) => result.Values!)), billedIn(euRegion, FIRST_ACCOUNT), `${euRegion} alone`);
});

t.test('invocations, errors, throttles and the quota estimate come with the tokens; mantle models by project and model', async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const { Metrics = [] } = await client.send(new ListMetricsCommand({ Namespace: 'AWS/Bedrock' }));
  const names = new Set(Metrics.map((metric) => metric.MetricName));
  for (const name of ['InputTokenCount', 'OutputTokenCount', 'Invocations', 'InvocationThrottles', 'InvocationClientErrors', 'InvocationServerErrors', 'EstimatedTPMQuotaUsage']) {
    t.ok(names.has(name), name);
  }
  t.ok(Metrics.every((metric) => metric.Dimensions!.length === 1 && metric.Dimensions![0]!.Name === 'ModelId'));
  const mantle = await client.send(new ListMetricsCommand({ Namespace: 'AWS/BedrockMantle', Dimensions: [{ Name: 'Project' }] }));
  t.ok((mantle.Metrics ?? []).length > 0, 'mantle metrics');
  t.ok(mantle.Metrics!.every((metric) => metric.Dimensions!.map((dimension) => dimension.Name).sort().join() === 'Model,Project'));
  const start = new Date(dayStartMs(SETTLED_DAY));
  const end = new Date(start.getTime() + DAY_S * 1000);
  const invocations = sum((await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="Invocations"', 'Sum', 3600)`, start, end)).flatMap((r) => r.Values!));
  const throttles = sum((await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="InvocationThrottles"', 'Sum', 3600)`, start, end)).flatMap((r) => r.Values!));
  t.ok(invocations > 0 && throttles < invocations * 0.05, 'a few throttles among many calls');
  const either = await search(client, `SEARCH('{AWS/Bedrock,ModelId} (MetricName="InputTokenCount" OR MetricName="OutputTokenCount")', 'Sum', 3600)`, start, end, "${PROP('MetricName')}");
  t.same([...new Set(either.map((result) => result.Label))].sort(), ['InputTokenCount', 'OutputTokenCount'], 'an OR group');
});

t.test('pages: MaxDatapoints splits the answer between whole series', async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const start = new Date(dayStartMs(SETTLED_DAY));
  const end = new Date(start.getTime() + DAY_S * 1000);
  const input = { StartTime: start, EndTime: end, MaxDatapoints: 2000, MetricDataQueries: [{ Id: 'q', Expression: `SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 60)` }] };
  const pages = [];
  for await (const page of paginateGetMetricData({ client }, input)) pages.push(page);
  t.ok(pages.length > 1, 'more than one page');
  const whole = await search(client, input.MetricDataQueries[0]!.Expression, start, end, "${PROP('Dim.ModelId')}");
  t.equal(pages.flatMap((page) => page.MetricDataResults!).length, whole.length, 'every series once');
});

t.test('bad requests are the SDK errors CloudWatch gives', async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const start = new Date(dayStartMs(SETTLED_DAY));
  const metric = { Namespace: 'AWS/Bedrock', MetricName: 'Invocations', Dimensions: [] };
  const send = (queries: object[], end = new Date(start.getTime() + 3_600_000)) =>
    client.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: queries as never }));
  await t.rejects(send([{ Id: 'q', MetricStat: { Metric: metric, Period: 90, Stat: 'Sum' } }]), { name: 'InvalidParameterValueException', message: /multiple of 60/ });
  await t.rejects(send([{ Id: 'Q', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }]), { name: 'InvalidParameterValueException' });
  await t.rejects(send([{ Id: 'q', MetricStat: { Metric: metric, Period: 60, Stat: 'p99' } }]), { name: 'InvalidParameterValueException' });
  await t.rejects(send([{ Id: 'q', Expression: 'METRICS()' }]), { name: 'InvalidParameterValueException', message: /SEARCH/ });
  await t.rejects(send([{ Id: 'q', Expression: "SEARCH('AWS/Bedrock', 'Sum', 60)" }]), { name: 'InvalidParameterValueException', message: /schema/ });
  await t.rejects(send([{ Id: 'q', Expression: "SEARCH('{AWS/Bedrock,ModelId} (MetricName=\"A\"', 'Sum', 60)" }]), { name: 'InvalidParameterValueException', message: /parentheses/ });
  await t.rejects(send([{ Id: 'q', Expression: "SEARCH('{AWS/Bedrock,ModelId} MetricName=\"A\")', 'Sum', 60)" }]), { name: 'InvalidParameterValueException', message: /parentheses/ });
  await t.rejects(send([{ Id: 'q' }]), { name: 'InvalidParameterValueException', message: /MetricStat or an Expression/ });
  await t.rejects(send([]), { name: 'InvalidParameterValueException' });
  await t.rejects(send([{ Id: 'q', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }], start), { name: 'InvalidParameterValueException', message: /StartTime/ });
});

t.test('SEARCH terms: quoted and bare values, dimension filters, an account', async (t) => {
  const parsed = parseSearch(`SEARCH('{AWS/Bedrock,ModelId} InputTokenCount ModelId="amazon.nova-pro-v1:0" :aws.AccountId="123456789012"', 'Maximum', 300)`);
  t.same(parsed, {
    namespace: 'AWS/Bedrock',
    dimensions: ['ModelId'],
    terms: [[['MetricName', 'InputTokenCount']], [['ModelId', 'amazon.nova-pro-v1:0']]],
    account: '123456789012',
    stat: 'Maximum',
    period: 300,
  });
  t.same(parseSearch(`SEARCH('{"AWS/BedrockMantle",Project,Model} MetricName=TotalInputTokens AND Project="default"', 'Sum', 60)`).terms, [
    [['MetricName', 'TotalInputTokens']],
    [['Project', 'default']],
  ]);
});

t.test('every runtime token model of the catalogue has a model id, whose parse is that model', async (t) => {
  for (const entry of CATALOGUE) {
    if (entry.truth.kind !== 'tokens' || entry.truth.tier === 'batch' || entry.usageType.includes('-mantle-')) continue;
    const id = MODEL_IDS[entry.truth.model];
    t.ok(id, `${entry.truth.model} has an id`);
    t.match(parseModelId(id!), { model: entry.truth.model, provider: entry.truth.provider }, id!);
  }
  const [item] = DATASET.itemsOn(SETTLED_DAY, new Date(`${TODAY}T12:00:00Z`)).filter((line) => callerOf(line) !== undefined);
  t.equal(callerOf({ ...item!, truth: { ...item!.truth, model: 'a-model-without-an-id' } }), undefined, 'a model without an id is not counted');
});

t.test('more filters: listing by metric and dimension value, searching by dimension, statistics and labels', async (t) => {
  const { client } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const { Metrics = [] } = await client.send(new ListMetricsCommand({ MetricName: 'OutputTokenCount' }));
  t.ok(Metrics.length > 0 && Metrics.every((metric) => metric.MetricName === 'OutputTokenCount'));
  const modelId = Metrics[0]!.Dimensions![0]!.Value!;
  const one = await client.send(new ListMetricsCommand({ Dimensions: [{ Name: 'ModelId', Value: modelId }] }));
  t.ok(one.Metrics!.every((metric) => metric.Dimensions![0]!.Value === modelId));

  // Five days: more than the emulator keeps computed at once, and series that start or stop between them.
  const start = new Date(dayStartMs('2026-11-12'));
  const end = new Date(dayStartMs('2026-11-17'));
  const found = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="OutputTokenCount" ModelId="${modelId}"', 'Minimum', 86400)`, start, end, "${PROP('Dim.Project')}|${PROP('Period')}");
  t.equal(found.length, 1, 'one series');
  t.equal(found[0]!.Label, "|${PROP('Period')}", 'a dimension it does not have is empty; an unknown property stays as written');
  t.ok(found[0]!.Values!.length >= 4 && found[0]!.Values!.every((value) => value > 0));
  const plain = await client.send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: 'Invocations' }, Period: 3600, Stat: 'Sum' } }],
    }),
  );
  t.same(plain.MetricDataResults, [], 'a metric without its dimensions is no metric');
  const now = new Date(`${TODAY}T12:00:00Z`);
  const ahead = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="OutputTokenCount"', 'Sum', 60)`, new Date(now.getTime() - 3_600_000), new Date(now.getTime() + 2 * DAY_S * 1000));
  t.ok(ahead.length > 0);
  t.ok(ahead.every((result) => result.Timestamps!.every((at) => at.getTime() <= now.getTime() - 3 * 60_000)), 'nothing after the last published minute, tomorrow neither');
  await t.rejects(client.send(new GetMetricDataCommand({ EndTime: end, MetricDataQueries: [{ Id: 'q', Expression: "SEARCH('{AWS/Bedrock,ModelId} Invocations', 'Sum', 60)" }] } as never)), {
    name: 'InvalidParameterValueException',
    message: /StartTime/,
  });
  await t.rejects(client.send(new GetMetricDataCommand({ StartTime: start, EndTime: end } as never)), { name: 'InvalidParameterValueException', message: /MetricDataQueries/ });
});

t.test('a model used on one day only has datapoints on that day only', async (t) => {
  const now = new Date(`${TODAY}T12:00:00Z`);
  const items = DATASET.itemsOn(SETTLED_DAY, now);
  const oneDay: Dataset = { accounts: DATASET.accounts, isSettled: () => true, itemsOn: (day) => (day === SETTLED_DAY ? items : []) };
  const emulator = await startEmulator({ dataset: oneDay, clock: () => now });
  const client = new CloudWatchClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  t.teardown(async () => {
    client.destroy();
    await emulator.close();
  });
  const start = new Date(dayStartMs(SETTLED_DAY) - DAY_S * 1000);
  const results = await search(client, `SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 3600)`, start, new Date(start.getTime() + 3 * DAY_S * 1000));
  t.ok(results.length > 0);
  for (const result of results) {
    t.equal(result.Values!.length, 24, `${result.Label}: the day's 24 hours`);
    t.ok(result.Timestamps!.every((at) => at.toISOString().startsWith(SETTLED_DAY)));
  }
});

t.test('faults reach CloudWatch callers as the errors CloudWatch gives', async (t) => {
  const { client, emulator } = await cloudWatch(t, { now: new Date(`${TODAY}T12:00:00Z`) });
  const start = new Date(dayStartMs(SETTLED_DAY));
  const input = { StartTime: start, EndTime: new Date(start.getTime() + 3_600_000), MetricDataQueries: [{ Id: 'q', Expression: `SEARCH('{AWS/Bedrock,ModelId} Invocations', 'Sum', 60)` }] };
  emulator.faults.add({ fault: 'http_500', operation: 'GetMetricData', count: 1 });
  await t.rejects(client.send(new GetMetricDataCommand(input)), { name: 'InternalFailure', $fault: 'server' });
  emulator.faults.add({ fault: 'expired_token', operation: 'GetMetricData', count: 1 });
  await t.rejects(client.send(new GetMetricDataCommand(input)), { name: 'ExpiredTokenException', $fault: 'client' });
  t.ok((await client.send(new GetMetricDataCommand(input))).MetricDataResults!.length > 0, 'then answers again');
  t.same(emulator.stats().faults, { http_500: 1, expired_token: 1 });
});
