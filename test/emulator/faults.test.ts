import t, { type Test } from 'tap';
import { CostExplorerClient, GetCostAndUsageCommand, GetDimensionValuesCommand, type GetCostAndUsageCommandInput } from '@aws-sdk/client-cost-explorer';
import { generateDataset } from '../../src/emulator/dataset.js';
import { checkRule, FaultInjector, parseFaultSpec, slowDelayMs, type FaultRule } from '../../src/emulator/faults.js';
import { startEmulator, type EmulatorOptions } from '../../src/emulator/server.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const DATASET = generateDataset({ seed: 5, size: 'tiny', today: '2026-11-20' });
const INPUT: GetCostAndUsageCommandInput = { TimePeriod: { Start: '2026-11-01', End: '2026-11-20' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };

async function setup(t: Test, options: Partial<EmulatorOptions> = {}, client: { maxAttempts?: number; requestTimeout?: number } = {}) {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => NOW, ...options });
  const sdk = new CostExplorerClient({
    region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: client.maxAttempts ?? 1,
    // requestTimeout alone only logs a warning in this SDK version; throwOnRequestTimeout makes it an error.
    ...(client.requestTimeout ? { requestHandler: { requestTimeout: client.requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
  t.teardown(async () => {
    sdk.destroy();
    await emulator.close();
  });
  const query = (input: GetCostAndUsageCommandInput = INPUT) => sdk.send(new GetCostAndUsageCommand(input));
  const failure = async (input: GetCostAndUsageCommandInput = INPUT) => {
    try {
      await query(input);
    } catch (error) {
      const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
      return { name, message, status: $metadata?.httpStatusCode };
    }
    throw new Error('expected the request to fail');
  };
  return { emulator, sdk, query, failure };
}

t.test('each error fault reaches the SDK as the service would send it', async (t) => {
  const cases: Array<[FaultRule['fault'], string, string, number]> = [
    ['throttle', 'LimitExceededException', 'Rate limit exceeded', 400],
    ['data_unavailable', 'DataUnavailableException',
      'Data is not available. Please try to adjust the time period. If just enabled Cost Explorer, data might not be ingested yet', 400],
    ['http_500', 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500],
    ['http_503', 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503],
    ['expired_token', 'ExpiredTokenException', 'The security token included in the request is expired', 400],
  ];
  for (const [fault, name, message, status] of cases) {
    const { emulator, failure } = await setup(t, { faults: [{ fault }] });
    t.same(await failure(), { name, message, status }, fault);
    t.same(emulator.stats(), { requests: { GetCostAndUsage: 1 }, faults: { [fault]: 1 }, signedBy: { x: 1 }, total: 1 });
  }
});

t.test('the SDK retries throttling and 5xx; every attempt is counted', async (t) => {
  const { emulator, query } = await setup(t, { faults: [{ fault: 'http_503', count: 1 }, { fault: 'http_500', count: 1 }] }, { maxAttempts: 3 });
  const answer = await query();
  t.equal(answer.$metadata.attempts, 3);
  t.same(emulator.stats(), { requests: { GetCostAndUsage: 3 }, faults: { http_503: 1, http_500: 1 }, signedBy: { x: 3 }, total: 3 });
});

t.test('truncated and malformed bodies make the SDK fail cleanly', async (t) => {
  const { emulator, failure, query } = await setup(t, { faults: [{ fault: 'truncated', count: 1 }, { fault: 'malformed', count: 1 }] });
  const truncated = await failure();
  t.notMatch(truncated.name, /Exception$/, 'not mistaken for a service error');
  t.match(truncated.message, /aborted|socket|ECONNRESET|premature|terminated/i);
  const malformed = await failure();
  t.equal(malformed.name, 'SyntaxError');
  t.match(malformed.message, /Deserialization error/);
  t.ok((await query()).ResultsByTime!.length > 0, 'the next request is fine');
  t.same(emulator.stats().faults, { truncated: 1, malformed: 1 });
});

t.test('truncated and malformed error answers too', async (t) => {
  const { failure } = await setup(t, { faults: [{ fault: 'malformed' }] });
  const answer = await failure({ ...INPUT, Metrics: ['Nope'] });
  t.notSame(answer.name, 'ValidationException');
});

t.test('slow answers arrive late; a client timeout gives up on them', async (t) => {
  const quick = await setup(t, { faults: [{ fault: 'slow', delayMs: 30 }] });
  t.ok((await quick.query()).ResultsByTime!.length > 0);
  const late = await setup(t, { faults: [{ fault: 'slow', delayMs: 60_000 }] }, { requestTimeout: 150 });
  const failure = await late.failure();
  t.equal(failure.name, 'TimeoutError');
  t.same(late.emulator.stats().faults, { slow: 1 });
  t.equal(slowDelayMs({ fault: 'slow' }), 2000, 'slow without delayMs waits 2 s');
  t.equal(slowDelayMs({ fault: 'slow', delayMs: 10 }), 10);
});

t.test('a hung answer never comes; close() still returns', async (t) => {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => NOW, faults: [{ fault: 'hang' }] });
  const sdk = new CostExplorerClient({
    region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1,
    requestHandler: { requestTimeout: 150, throwOnRequestTimeout: true },
  });
  await t.rejects(sdk.send(new GetCostAndUsageCommand(INPUT)), { name: 'TimeoutError' });
  const pending = sdk.send(new GetCostAndUsageCommand(INPUT)).catch((error: Error) => error);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await emulator.close();
  t.type(await pending, Error, 'closing drops hung requests');
  t.equal(emulator.stats().faults.hang, 2);
  sdk.destroy();
});

t.test('selectors: operation, page, count and probability', async (t) => {
  const byOperation = await setup(t, { faults: [{ fault: 'throttle', operation: 'GetDimensionValues' }] });
  t.ok((await byOperation.query()).ResultsByTime);
  await t.rejects(byOperation.sdk.send(new GetDimensionValuesCommand({ TimePeriod: INPUT.TimePeriod, Dimension: 'SERVICE' })), { name: 'LimitExceededException' });

  const byPage = await setup(t, { pageSize: 5, faults: [{ fault: 'http_500', page: 2 }] });
  const first = await byPage.query();
  t.ok(first.NextPageToken);
  t.same((await byPage.failure({ ...INPUT, NextPageToken: first.NextPageToken })).name, 'InternalFailure');
  t.ok((await byPage.query()).ResultsByTime, 'first pages are spared');

  const byCount = await setup(t, { faults: [{ fault: 'throttle', count: 2 }] });
  t.equal((await byCount.failure()).name, 'LimitExceededException');
  t.equal((await byCount.failure()).name, 'LimitExceededException');
  t.ok((await byCount.query()).ResultsByTime);

  const never = await setup(t, { faults: [{ fault: 'throttle', probability: 0 }] });
  t.ok((await never.query()).ResultsByTime);
  t.same(never.emulator.stats().faults, {});
});

t.test('probabilistic faults repeat for the same seed', async (t) => {
  const pattern = (seed: number) => {
    const injector = new FaultInjector([{ fault: 'throttle', probability: 0.5 }], seed);
    return Array.from({ length: 40 }, () => (injector.pick('GetCostAndUsage', 1) ? 'x' : '.')).join('');
  };
  t.equal(pattern(7), pattern(7));
  t.not(pattern(7), pattern(8));
  t.match(pattern(7), /x/);
  t.match(pattern(7), /\./);

  const run = async (seed: number) => {
    const { query } = await setup(t, { seed, faults: [{ fault: 'throttle', probability: 0.5 }] });
    let outcome = '';
    for (let i = 0; i < 12; i++) outcome += await query().then(() => '.', () => 'x');
    return outcome;
  };
  t.equal(await run(3), await run(3), 'the same seed fails the same requests');
});

t.test('the fault plan can change at run time, in and out of process', async (t) => {
  const { emulator, query, failure } = await setup(t);
  emulator.faults.add({ fault: 'throttle' });
  t.equal((await failure()).name, 'LimitExceededException');
  emulator.faults.clear();
  t.ok((await query()).ResultsByTime);

  const post = (body: string) => fetch(`${emulator.url}/__emulator/faults`, { method: 'POST', body });
  const accepted = await post(JSON.stringify([{ fault: 'expired_token', operation: 'GetCostAndUsage', count: 1 }]));
  t.equal(accepted.status, 200);
  t.same(await accepted.json(), { rules: 1 });
  t.equal((await failure()).name, 'ExpiredTokenException');
  t.ok((await query()).ResultsByTime);

  for (const [body, message] of [
    ['{"fault":"throttle"}', 'the body must be a JSON array of fault rules'],
    ['[{"fault":"explode"}]', 'fault must be one of'],
    ['not json', 'JSON'],
  ]) {
    const rejected = await post(body!);
    t.equal(rejected.status, 400);
    t.match(((await rejected.json()) as { message: string }).message, message!);
  }
  emulator.faults.add({ fault: 'throttle', count: 1 });
  await post(JSON.stringify([]));
  t.ok((await query()).ResultsByTime, 'posting replaces the whole plan');
  t.throws(() => emulator.faults.add({ fault: 'nope' } as never), { code: 'BUE_ERR_EMULATOR_FAULT' });

  const stats = await fetch(`${emulator.url}/__emulator/stats`);
  t.equal(stats.status, 200);
  t.same(await stats.json(), emulator.stats());
  t.same(emulator.stats(), { requests: { GetCostAndUsage: 5 }, faults: { throttle: 1, expired_token: 1 }, signedBy: { x: 5 }, total: 5 });
  const missing = await fetch(`${emulator.url}/__emulator/nothing`);
  t.equal(missing.status, 404);
  t.match(await missing.json(), { message: 'no such emulator endpoint: GET /__emulator/nothing' });
});

t.test('fault rules and specs are checked', async (t) => {
  t.same(parseFaultSpec('throttle'), { fault: 'throttle' });
  t.same(parseFaultSpec('throttle:0.2'), { fault: 'throttle', probability: 0.2 });
  t.same(parseFaultSpec('slow:0.5:2000'), { fault: 'slow', probability: 0.5, delayMs: 2000 });
  t.same(parseFaultSpec('slow::100'), { fault: 'slow', delayMs: 100 });
  t.throws(() => parseFaultSpec('slow:1:2:3'), { message: 'fault "slow:1:2:3" has too many parts; use fault[:probability[:delayMs]]' });
  t.throws(() => parseFaultSpec('throttle:often'), { message: 'fault "throttle:often": "often" is not a number' });
  t.throws(() => parseFaultSpec('throttle:2'), { message: 'probability must be between 0 and 1; got 2' });
  t.throws(() => checkRule(null), { message: 'a fault rule must be an object' });
  t.throws(() => checkRule([]), { message: 'a fault rule must be an object' });
  t.throws(() => checkRule({ fault: 'throttle', when: 'always' }), { message: 'unknown fault rule key "when"' });
  t.throws(() => checkRule({ fault: 'throttle', operation: 3 }), { message: 'operation must be a string' });
  t.throws(() => checkRule({ fault: 'throttle', page: 0 }), { message: 'page must be a whole number >= 1; got 0' });
  t.throws(() => checkRule({ fault: 'throttle', count: 1.5 }), { message: 'count must be a whole number >= 0; got 1.5' });
  t.throws(() => checkRule({ fault: 'slow', delayMs: '5' }), { message: 'delayMs must be a number of milliseconds >= 0; got "5"' });
  t.same(checkRule({ fault: 'hang', operation: 'GetCostForecast', page: 2, probability: 1, count: 0, delayMs: 0 }),
    { fault: 'hang', operation: 'GetCostForecast', page: 2, probability: 1, count: 0, delayMs: 0 });
  const injector = new FaultInjector();
  injector.replace([{ fault: 'throttle', count: 0 }]);
  t.equal(injector.pick('GetCostAndUsage', 1), undefined, 'a spent rule no longer fires');
  t.throws(() => injector.replace([{ fault: 'throttle' }, { fault: 'bad' } as never]));
});
