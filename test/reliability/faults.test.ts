// Every fault the emulator can inject, over HTTP with the real SDK: the exporter keeps serving the last
// good snapshot byte for byte, says how stale it is, leaves the ledger alone, retries as configured,
// and recovers fully once Cost Explorer answers again.
import t from 'tap';
import { Ledger } from '../../src/cost-explorer/ledger.js';
import type { Fault } from '../../src/emulator/faults.js';
import { parseExposition } from '../helpers/exposition.js';
import { capturingLogger, counter, dataPart, gauge, startProxy, startRig, truthDifferences, until, watchProcess } from '../helpers/rig.js';

const ATTEMPTS = 3;
const HOUR = 3_600_000;

interface Case {
  fault: Fault;
  /** Whether the SDK retries it (up to aws.max_attempts) within the refresh. */
  retried: boolean;
  outcome?: 'throttled' | 'error';
  /** A failure on the second page of the first query's answer, after one good page. */
  page?: number;
  delayMs?: number;
}

const CASES: Case[] = [
  { fault: 'throttle', retried: true, outcome: 'throttled' },
  { fault: 'http_500', retried: true },
  { fault: 'http_503', retried: true },
  { fault: 'slow', retried: true, delayMs: 5_000 },
  { fault: 'hang', retried: true },
  { fault: 'truncated', retried: true },
  { fault: 'malformed', retried: false },
  { fault: 'data_unavailable', retried: false },
  { fault: 'expired_token', retried: false },
  { fault: 'http_503', retried: true, page: 2 },
  { fault: 'malformed', retried: false, page: 2 },
];

const watcher = watchProcess();
t.teardown(() => watcher.stop());

for (const c of CASES) {
  t.test(`${c.fault}${c.page ? ` on page ${c.page}` : ''}: the last good snapshot stays, then a full recovery`, async (t) => {
    const commits = t.capture(Ledger.prototype, 'commit', Ledger.prototype.commit);
    const rig = await startRig({ size: 'small', pageSize: 7, flags: [`--aws.max-attempts=${ATTEMPTS}`, '--aws.request-timeout=1s'] });
    t.teardown(() => rig.close());
    const { collector } = rig.exporter;
    t.ok(await collector.refresh(), 'the first refresh succeeds');
    const good = await rig.metricsText();
    const goodData = dataPart(good);
    const lastSuccess = gauge(good, 'bedrock_exporter_last_refresh_success_timestamp_seconds')!;
    t.equal(lastSuccess, rig.clock.now.getTime() / 1000);
    const ledger = commits()[0]!.receiver as Ledger;
    const ledgerBefore = JSON.stringify(ledger.entries());

    rig.emulator.faults.add({ fault: c.fault, operation: 'GetCostAndUsage', ...(c.page ? { page: c.page } : {}), ...(c.delayMs ? { delayMs: c.delayMs } : {}) });
    const ages: number[] = [];
    for (const step of [1, 2]) {
      rig.clock.now = new Date(rig.clock.now.getTime() + HOUR);
      const before = rig.emulator.stats().requests.GetCostAndUsage ?? 0;
      t.notOk(await collector.refresh(), `refresh ${step} under the fault fails`);
      const sent = (rig.emulator.stats().requests.GetCostAndUsage ?? 0) - before;
      // The first query reads its pages in order: page 1 answers, page 2 fails.
      const expected = (c.page ? c.page - 1 : 0) + (c.retried ? ATTEMPTS : 1);
      if (step === 1) t.equal(sent, expected, `${expected} requests: aws.max_attempts is honoured, and nothing after the failed page`);

      const text = await rig.metricsText();
      t.equal(dataPart(text), goodData, 'the last good snapshot is served unchanged, byte for byte');
      t.equal(gauge(text, 'bedrock_exporter_refresh_success'), 0);
      ages.push(rig.clock.now.getTime() / 1000 - gauge(text, 'bedrock_exporter_last_refresh_success_timestamp_seconds')!);
      t.notMatch(collector.status.lastError ?? '', /\n/, 'the error is one line');
    }
    t.same(ages, [3600, 7200], 'time() - last success grows with the clock');
    t.equal(commits().length, 0, 'a failed refresh commits nothing to the ledger');
    t.equal(JSON.stringify(ledger.entries()), ledgerBefore, 'and the ledger holds what it held');
    t.equal((await fetch(`${rig.url}/-/ready`)).status, 200, 'still ready: there is data to serve');

    const failures = counter(await rig.metricsText(), 'bedrock_exporter_aws_requests_total', { api: 'cost_explorer', operation: 'GetCostAndUsage', outcome: c.outcome ?? 'error' });
    t.ok(failures >= (c.retried ? ATTEMPTS : 1), `every failed attempt is counted (${failures})`);

    rig.emulator.faults.clear();
    rig.clock.now = new Date(rig.clock.now.getTime() + 24 * HOUR);
    t.ok(await collector.refresh(), 'the next good refresh succeeds');
    const recovered = await rig.metricsText();
    t.equal(gauge(recovered, 'bedrock_exporter_refresh_success'), 1);
    t.equal(gauge(recovered, 'bedrock_exporter_last_refresh_success_timestamp_seconds'), rig.clock.now.getTime() / 1000);
    t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(recovered)), [], 'and equals the ground truth a day later');
    t.same(watcher.problems, [], 'no unhandled rejection, no uncaught error, no listener leak');
  });
}

t.test('a slow answer within aws.request_timeout is simply waited for', async (t) => {
  const rig = await startRig({ size: 'tiny', flags: ['--aws.request-timeout=5s'] });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  rig.emulator.faults.add({ fault: 'slow', delayMs: 200 });
  rig.clock.now = new Date(rig.clock.now.getTime() + 24 * HOUR);
  t.ok(await rig.exporter.collector.refresh(), 'the refresh succeeds');
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), []);
});

t.test('the SDK backs off between its attempts, and says how often it tried', async (t) => {
  const { logger, lines } = capturingLogger('info');
  const rig = await startRig({ size: 'tiny', logger, flags: [`--aws.max-attempts=${ATTEMPTS}`] });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  rig.emulator.faults.add({ fault: 'throttle' });
  t.notOk(await rig.exporter.collector.refresh());
  const failed = lines.map((line) => JSON.parse(line) as { msg: string; err?: { $metadata?: { attempts?: number; totalRetryDelay?: number } } }).find((line) => line.msg.startsWith('refresh failed'));
  t.equal(failed?.err?.$metadata?.attempts, ATTEMPTS, 'the SDK made every attempt');
  t.ok((failed?.err?.$metadata?.totalRetryDelay ?? 0) > 0, 'and waited between them');
});

t.test('the collector backs off between failed refreshes: exponential, jittered, capped', async (t) => {
  const { logger, lines } = capturingLogger('debug');
  const rig = await startRig({ size: 'tiny', logger, faults: [{ fault: 'http_500' }], flags: ['--refresh.retry-base=10ms', '--refresh.retry-max=40ms'] });
  t.teardown(() => rig.close());
  const schedules = () => lines.map((line) => JSON.parse(line) as { msg: string; delayMs: number; failures: number }).filter((line) => line.msg === 'next refresh scheduled');
  t.ok(await until(() => schedules().length >= 8, 20_000), 'the loop retried by itself');
  rig.emulator.faults.clear();
  t.ok(await until(() => schedules().some((s) => s.failures === 0), 20_000), 'and recovered by itself');

  const retries = schedules().filter((s) => s.failures > 0);
  for (const [index, { failures, delayMs }] of retries.entries()) {
    t.equal(failures, index + 1, 'failures are counted one by one');
    const ceiling = Math.min(40, 10 * 2 ** (failures - 1));
    t.ok(delayMs >= ceiling / 2 && delayMs <= ceiling, `retry ${failures}: ${delayMs} ms within [${ceiling / 2}, ${ceiling}]`);
  }
  const capped = retries.filter((s) => s.failures >= 3).map((s) => s.delayMs);
  t.ok(new Set(capped).size > 1, `jittered: ${capped.join(', ')} ms`);
  const success = schedules().find((s) => s.failures === 0)!;
  t.ok(success.delayMs >= 0.9 * 4 * HOUR && success.delayMs <= 1.1 * 4 * HOUR, 'after a success: the regular interval, with its jitter');
  t.equal(gauge(await rig.metricsText(), 'bedrock_exporter_refresh_success'), 1);
});

t.test('a ledger smaller than the window still gives the whole month (days evicted are read again)', async (t) => {
  const rig = await startRig({ size: 'small', flags: ['--ledger.max-days=5'] });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), []);
  rig.clock.now = new Date(rig.clock.now.getTime() + 24 * HOUR);
  t.ok(await rig.exporter.collector.refresh());
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), []);
});

type Answer = Record<string, unknown>;
const groupsOf = (answer: Answer) => ((answer.ResultsByTime as Answer[] | undefined) ?? []).flatMap((result) => (result.Groups as Answer[] | undefined) ?? []);
const WRONG_ANSWERS: Array<{ what: string; code: string; flags?: string[]; rewrite: (operation: string, answer: Answer) => Answer }> = [
  {
    what: 'an amount that is not a number',
    code: 'BUE_ERR_AWS_ANSWER',
    rewrite: (operation, answer) => {
      if (operation === 'GetCostAndUsage') for (const group of groupsOf(answer)) (group.Metrics as Record<string, Answer>).UnblendedCost!.Amount = 'twelve';
      return answer;
    },
  },
  {
    what: 'a day that is not a day',
    code: 'BUE_ERR_AWS_ANSWER',
    rewrite: (operation, answer) => {
      if (operation === 'GetCostAndUsage') for (const result of (answer.ResultsByTime as Answer[]) ?? []) result.TimePeriod = { Start: 'yesterday', End: 'today' };
      return answer;
    },
  },
  {
    what: 'a NextPageToken that repeats',
    code: 'BUE_ERR_AWS_ANSWER',
    rewrite: (() => {
      let first: unknown;
      // Page 2 points back at page 2.
      return (operation: string, answer: Answer) => {
        if (operation !== 'GetCostAndUsage' || answer.NextPageToken === undefined) return answer;
        first ??= answer.NextPageToken;
        return { ...answer, NextPageToken: first };
      };
    })(),
  },
  {
    what: 'more pages than collection.max_pages',
    code: 'BUE_ERR_AWS_ANSWER',
    flags: ['--collection.max-pages=2'],
    rewrite: (_operation, answer) => answer,
  },
];

for (const wrong of WRONG_ANSWERS) {
  t.test(`well-formed JSON, wrong content: ${wrong.what}`, async (t) => {
    let rewriting = false;
    let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
    const { logger, lines } = capturingLogger('info');
    const rig = await startRig({
      size: 'small',
      pageSize: 7,
      logger,
      flags: wrong.flags ?? [],
      endpoint: async (emulatorUrl) => (proxy = await startProxy(emulatorUrl, (operation, answer) => (rewriting ? wrong.rewrite(operation, answer) : answer))).url,
    });
    t.teardown(async () => {
      await rig.close();
      await proxy!.close();
    });
    const { collector } = rig.exporter;
    if (wrong.flags) {
      t.notOk(await collector.refresh(), 'the first refresh fails: no snapshot yet');
      t.equal((await fetch(`${rig.url}/-/ready`)).status, 503, 'not ready');
      t.match(collector.status.lastError, /^more than 2 pages/);
      return;
    }
    t.ok(await collector.refresh());
    const good = dataPart(await rig.metricsText());
    rewriting = true;
    rig.clock.now = new Date(rig.clock.now.getTime() + HOUR);
    t.notOk(await collector.refresh(), 'the refresh fails');
    const failed = lines.map((line) => JSON.parse(line) as { msg: string; err?: { code?: string } }).find((line) => line.msg.startsWith('refresh failed'));
    t.equal(failed?.err?.code, wrong.code, `with ${wrong.code}`);
    t.equal(dataPart(await rig.metricsText()), good, 'the last good snapshot stays');
    rewriting = false;
    t.ok(await collector.refresh(), 'and an honest answer recovers');
    t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), []);
  });
}
