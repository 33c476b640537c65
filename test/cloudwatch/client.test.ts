// The CloudWatch client with the real SDK: pages, their limit, answers with missing parts, refused keys,
// the SDK's own endpoint variable, and what each request costs.
import t, { type Test } from 'tap';
import type { AwsRequest } from '../../src/aws/requests.js';
import { CLOUDWATCH, CloudWatchMetrics, GET_METRIC_DATA_PRICE_USD_PER_METRIC, type CloudWatchOptions } from '../../src/cloudwatch/client.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { LIVE_QUERIES } from '../../src/sources/live/source.js';
import { dayStartMs } from '../../src/time.js';
import { forgetAwsEnvironment } from '../helpers/aws-environment.js';
import { answering as standIn } from '../helpers/stand-in.js';

const TODAY = '2026-11-20';
const DAYS_AGO = '2026-11-16';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };

forgetAwsEnvironment();

async function emulated(t: Test, options: Partial<CloudWatchOptions> = {}) {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => new Date(NOW) });
  const requests: AwsRequest[] = [];
  const metrics = new CloudWatchMetrics({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 100, onRequest: (request) => requests.push(request), endpoint: emulator.url, credentials: CREDENTIALS, ...options });
  t.teardown(async () => {
    metrics.destroy();
    await emulator.close();
  });
  return { emulator, metrics, requests };
}

t.test('four days and a half of minutes come in pages, each request counted and priced per metric', async (t) => {
  const { emulator, metrics, requests } = await emulated(t);
  const series = await metrics.read('us-east-1', LIVE_QUERIES, dayStartMs(DAYS_AGO), NOW);
  t.ok(emulator.stats().requests.GetMetricData! > 1, `${emulator.stats().requests.GetMetricData} pages`);
  t.equal(requests.length, emulator.stats().requests.GetMetricData);
  t.ok(requests.every((request) => request.api === 'cloudwatch' && request.operation === 'GetMetricData' && request.outcome === 'success'));
  const priced = requests.reduce((sum, request) => sum + request.costUsd, 0);
  t.ok(Math.abs(priced - series.length * GET_METRIC_DATA_PRICE_USD_PER_METRIC) < 1e-12, 'a metric read in one page is paid once');
  t.ok(series.every(({ points }) => points.every(([at], index) => index === 0 || at > points[index - 1]![0])), 'oldest first');
  t.ok(series.every(({ label }) => /^\d{12}\|\w+\|.+$/.test(label)));
});

t.test('more pages than allowed are refused in one line', async (t) => {
  const { metrics } = await emulated(t, { maxPages: 1 });
  await t.rejects(metrics.read('us-east-1', LIVE_QUERIES, dayStartMs(DAYS_AGO), NOW), { code: 'BUE_ERR_AWS_ANSWER', message: 'more than 1 pages of GetMetricData in us-east-1' });
});

t.test('refused keys: the error says so, and the next request resolves the keys again', async (t) => {
  const { emulator, metrics } = await emulated(t);
  emulator.faults.add({ fault: 'expired_token', operation: 'GetMetricData', count: 1 });
  await t.rejects(metrics.read('us-east-1', LIVE_QUERIES, NOW - 600_000, NOW), { message: /expired/i });
  t.ok((await metrics.read('us-east-1', LIVE_QUERIES, NOW - 600_000, NOW)).length > 0);
});

t.test("the endpoint and keys from the SDK's own variables", async (t) => {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => new Date(NOW) });
  Object.assign(process.env, { AWS_ENDPOINT_URL_CLOUDWATCH: emulator.url, AWS_ACCESS_KEY_ID: 'env', AWS_SECRET_ACCESS_KEY: 'env' });
  const metrics = new CloudWatchMetrics({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 100, onRequest: () => {} });
  t.teardown(async () => {
    forgetAwsEnvironment();
    metrics.destroy();
    await emulator.close();
  });
  t.ok((await metrics.read('eu-west-1', LIVE_QUERIES, NOW - 600_000, NOW)).length > 0);
  t.same(emulator.stats().signedBy, { env: 1 });
});

/** A CloudWatch stand-in that answers every request with the next of `answers` (AWS JSON 1.0). */
async function answering(t: Test, answers: object[]) {
  const endpoint = await standIn(t, answers.map((answer) => JSON.stringify(answer)), 'application/x-amz-json-1.0');
  const requests: AwsRequest[] = [];
  const metrics = new CloudWatchMetrics({
    maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 10, onRequest: (request) => requests.push(request),
    endpoint, credentials: CREDENTIALS,
  });
  t.teardown(() => metrics.destroy());
  return { metrics, requests };
}

t.test('answers with parts missing count nothing; a repeated NextToken is refused', async (t) => {
  const empty = await answering(t, [{}, { MetricDataResults: [{ Id: 'q', StatusCode: 'Complete' }] }]);
  t.same(await empty.metrics.read('us-east-1', LIVE_QUERIES, NOW - 600_000, NOW), [], 'no results');
  t.same(await empty.metrics.read('us-east-1', LIVE_QUERIES, NOW - 600_000, NOW), [{ label: '', points: [] }], 'a result without label or datapoints');
  t.same(empty.requests.map((request) => request.costUsd), [0, GET_METRIC_DATA_PRICE_USD_PER_METRIC]);
  const looping = await answering(t, [{ MetricDataResults: [], NextToken: 'again' }, { MetricDataResults: [], NextToken: 'again' }]);
  await t.rejects(looping.metrics.read('us-east-1', LIVE_QUERIES, NOW - 600_000, NOW), { code: 'BUE_ERR_AWS_ANSWER', message: 'CloudWatch repeated a NextToken' });
  t.equal(CLOUDWATCH.price('GetMetricData', {}, undefined), 0, 'nothing answered, nothing paid');
});
