// The refresh loop on its own: one refresh at a time, backoff after failure, a deadline per refresh,
// and a stop that abandons the refresh under way.
import t from 'tap';
import { backoffDelay, RefreshLoop } from '../../src/pipeline/loop.js';

const timing = { intervalMs: 60_000, jitter: 0.1, retryBaseMs: 1000, retryMaxMs: 8000, timeoutMs: 5000 };

t.test('concurrent refreshes join the one under way', async (t) => {
  let runs = 0;
  let release!: () => void;
  const loop = new RefreshLoop({ timing, run: () => { runs += 1; return new Promise((resolve) => { release = resolve; }); } });
  const first = loop.refresh();
  const second = loop.refresh();
  t.equal(first, second, 'the same promise');
  t.equal(loop.status.refreshing, true);
  release();
  t.equal(await first, true);
  t.equal(runs, 1);
  t.equal(loop.status.refreshing, false);
  t.ok(loop.status.lastSuccessAt instanceof Date, 'the default clock stamps the success');
});

t.test('a failure counts, keeps its message on one line, and schedules a backoff', async (t) => {
  const scheduled: Array<[number, number]> = [];
  let fail = true;
  const loop = new RefreshLoop({
    timing,
    random: () => 1,
    clock: () => new Date('2026-11-20T00:00:00Z'),
    run: async () => { if (fail) throw new Error('first line\nsecond line'); },
    onScheduled: (delay, failures) => scheduled.push([delay, failures]),
  });
  t.equal(loop.start(), true);
  t.equal(loop.start(), false, 'a second start does nothing');
  while (scheduled.length === 0) await new Promise((resolve) => setImmediate(resolve));
  t.same(scheduled[0], [1000, 1], 'the first retry waits the base delay');
  t.equal(loop.status.consecutiveFailures, 1);
  t.notMatch(loop.status.lastError, /\n/);
  t.equal(loop.status.nextRefreshAt?.toISOString(), '2026-11-20T00:00:01.000Z');
  fail = false;
  t.equal(await loop.refresh(), true);
  t.equal(loop.status.consecutiveFailures, 0, 'a success resets the count');
  t.equal(loop.status.lastError, undefined);
  await loop.stop();
});

t.test('stop aborts the refresh under way and schedules nothing more', async (t) => {
  const scheduled: number[] = [];
  let sawAbort = false;
  const loop = new RefreshLoop({
    timing,
    onScheduled: (delay) => scheduled.push(delay),
    run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => { sawAbort = true; reject(signal.reason); })),
  });
  loop.start();
  await new Promise((resolve) => setImmediate(resolve));
  await loop.stop();
  t.equal(sawAbort, true);
  t.same(scheduled, []);
});

t.test('a refresh past its deadline fails', async (t) => {
  const loop = new RefreshLoop({
    timing: { ...timing, timeoutMs: 20 },
    run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  });
  // The deadline's timer does not hold the process open; this one does, until the refresh ends.
  const holdOpen = setInterval(() => {}, 1000);
  t.equal(await loop.refresh(), false);
  clearInterval(holdOpen);
  t.match(loop.status.lastError, /timeout|aborted/i);
});

t.test('backoff doubles up to its ceiling, with equal jitter', async (t) => {
  t.equal(backoffDelay(1, 1000, 8000, 1), 1000);
  t.equal(backoffDelay(3, 1000, 8000, 1), 4000);
  t.equal(backoffDelay(10, 1000, 8000, 1), 8000);
  t.equal(backoffDelay(3, 1000, 8000, 0), 2000, 'never less than half');
  t.equal(backoffDelay(0, 1000, 8000, 1), 1000, 'zero failures is treated as one');
});
