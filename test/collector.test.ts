// The refresh loop with the real SDK against the emulator: what it reads, when, and what it keeps.
import t, { type Test } from 'tap';
import { createCollector } from '../src/commands/collector.js';
import { backoffDelay } from '../src/pipeline/loop.js';
import { loadConfig } from '../src/config.js';
import type { CostSource } from '../src/cost-explorer/client.js';
import type { PlannedQuery } from '../src/cost-explorer/plan.js';
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { HealthMetrics } from '../src/metrics/health.js';
import { dayOf } from '../src/time.js';
import { silentLogger } from './helpers/stack.js';

async function setup(t: Test, now: string, flags: string[] = []) {
  const clock = { now: new Date(now) };
  const dataset = generateDataset({ seed: 3, size: 'small', today: dayOf(clock.now) });
  const emulator = await startEmulator({ dataset, clock: () => clock.now, pageSize: 50 });
  t.teardown(() => emulator.close());
  // The billing plane's loop alone; the live plane's has its own tests (test/sources/live.test.ts).
  const { config } = loadConfig(['--live.enabled=false', ...flags], {});
  const health = new HealthMetrics('test', { processMetrics: false });
  const reads: string[] = [];
  const counting = (real: CostSource): CostSource => ({
    discoverServices: (...args) => real.discoverServices(...args),
    listTags: (...args) => real.listTags(...args),
    listCostCategories: (...args) => real.listCostCategories(...args),
    fetchDaily: (query: PlannedQuery, start, end, signal) => {
      reads.push(`${query.services.join('+')} ${start}..${end}`);
      return real.fetchDaily(query, start, end, signal);
    },
  });
  const running = createCollector({ ...config, aws: { ...config.aws, maxAttempts: 1 } }, {
    health, logger: silentLogger(), clock: () => clock.now, random: () => 0.5, target: { endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }, wrap: counting,
  });
  t.teardown(() => running.close());
  const collector = running.collector;
  return { clock, emulator, collector, reads, health };
}

t.test('settled days are read once; unsettled ones on every refresh', async (t) => {
  const { clock, collector, reads } = await setup(t, '2026-11-20T12:00:00Z');
  t.ok(await collector.refresh());
  const services = collector.status.services;
  t.ok(services.length >= 3, `services discovered: ${services.join(', ')}`);
  t.same(reads, services.map((s) => `${s} 2026-11-01..2026-11-21`), 'the first refresh reads the whole window');

  reads.length = 0;
  clock.now = new Date('2026-11-20T19:00:00Z');
  t.ok(await collector.refresh());
  t.same(reads, services.map((s) => `${s} 2026-11-19..2026-11-21`), 'the same day: only days that are not settled (the 18th settled at 10:00)');

  reads.length = 0;
  clock.now = new Date('2026-11-23T19:00:00Z');
  t.ok(await collector.refresh());
  t.same(reads, services.map((s) => `${s} 2026-11-19..2026-11-24`), 'days later: from the first day that was not settled at the last read');
});

t.test('services are rediscovered once a day', async (t) => {
  const { clock, collector, emulator } = await setup(t, '2026-11-20T12:00:00Z');
  await collector.refresh();
  clock.now = new Date('2026-11-20T20:00:00Z');
  await collector.refresh();
  t.equal(emulator.stats().requests.GetDimensionValues, 1);
  clock.now = new Date('2026-11-21T13:00:00Z');
  await collector.refresh();
  t.equal(emulator.stats().requests.GetDimensionValues, 2);
});

t.test('configured services skip discovery', async (t) => {
  const { collector, emulator, reads } = await setup(t, '2026-11-20T12:00:00Z', ['--collection.services=Amazon Bedrock']);
  t.ok(await collector.refresh());
  t.equal(emulator.stats().requests.GetDimensionValues ?? 0, 0);
  t.same(reads, ['Amazon Bedrock 2026-11-01..2026-11-21']);
});

t.test('never two refreshes at once', async (t) => {
  const { collector, emulator } = await setup(t, '2026-11-20T12:00:00Z');
  const [a, b] = await Promise.all([collector.refresh(), collector.refresh()]);
  t.same([a, b], [true, true]);
  t.equal(emulator.stats().requests.GetDimensionValues, 1, 'the second call joined the first');
});

t.test('every request is counted with its price', async (t) => {
  const { collector, emulator, health } = await setup(t, '2026-11-20T12:00:00Z');
  await collector.refresh();
  const text = await health.registry.metrics();
  const served = emulator.stats().requests;
  t.match(text, `bedrock_exporter_aws_requests_total{api="cost_explorer",operation="GetCostAndUsage",outcome="success"} ${served.GetCostAndUsage}`);
  t.match(text, `bedrock_exporter_aws_requests_total{api="cost_explorer",operation="GetDimensionValues",outcome="success"} ${served.GetDimensionValues}`);
  const spend = /^bedrock_exporter_aws_spend_usd_total\{api="cost_explorer"\} (\S+)$/m.exec(text)?.[1];
  t.equal(spend, (0.01 * emulator.stats().total).toFixed(2).replace(/\.?0+$/, ''), `exactly a cent per request, no float drift (${emulator.stats().total} requests)`);
});

t.test('the loop: next refresh after the interval, sooner with backoff after failures', async (t) => {
  const { clock, collector, emulator } = await setup(t, '2026-11-20T12:00:00Z', ['--refresh.interval=4h', '--refresh.retry-base=30s', '--refresh.retry-max=1m']);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  emulator.faults.add({ fault: 'http_500' });
  collector.start();
  t.notOk(await collector.refresh());
  await settle();
  const wait = () => collector.status.nextRefreshAt!.getTime() - clock.now.getTime();
  t.equal(wait(), 22_500, 'first retry: half to all of 30s (random 0.5)');
  t.equal(collector.status.consecutiveFailures, 1);
  t.notOk(await collector.refresh());
  t.notOk(await collector.refresh());
  emulator.faults.clear();
  t.ok(await collector.refresh());
  t.equal(collector.status.consecutiveFailures, 0);
  await collector.stop();
  t.notOk(collector.status.refreshing);
});

t.test('the loop schedules the regular interval after a success and stops cleanly', async (t) => {
  const { clock, collector } = await setup(t, '2026-11-20T12:00:00Z', ['--refresh.interval=4h', '--refresh.jitter=0.5']);
  t.equal(collector.start(), true);
  t.equal(collector.start(), false, 'a second start() starts no second loop');
  t.ok(await collector.refresh());
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(collector.status.nextRefreshAt!.getTime() - clock.now.getTime(), 4 * 3_600_000, 'random 0.5 is the middle of the jitter');
  await collector.stop();
});

t.test('backoff doubles per failure, is capped, and jitters between half and all', async (t) => {
  t.same([1, 2, 3, 4].map((n) => backoffDelay(n, 10_000, 25_000, 1)), [10_000, 20_000, 25_000, 25_000]);
  t.equal(backoffDelay(1, 10_000, 25_000, 0), 5_000);
  t.equal(backoffDelay(500, 10_000, 25_000, 1), 25_000, 'no overflow after many failures');
});

t.test('stop during the first refresh of the loop: abandoned, and nothing is scheduled after it', async (t) => {
  const { collector, emulator } = await setup(t, '2026-11-20T12:00:00Z', ['--aws.request-timeout=10m']);
  emulator.faults.add({ fault: 'hang' });
  collector.start();
  while (!collector.status.refreshing) await new Promise((resolve) => setTimeout(resolve, 10));
  await collector.stop();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(collector.status.nextRefreshAt, undefined, 'no next refresh');
  t.equal(collector.snapshot, undefined);
});
