import t from 'tap';
import { isSettled, Ledger, type DayEntry } from '../../src/cost-explorer/ledger.js';

const entry = (day: string, queryKey: string, settled: boolean): DayEntry => ({ day, queryKey, rows: [], estimated: !settled, settled });

t.test('a day settles when it is old enough and no longer estimated', async (t) => {
  t.ok(isSettled('2026-11-25', '2026-11-27', false, 2));
  t.notOk(isSettled('2026-11-26', '2026-11-27', false, 2), 'yesterday is never settled');
  t.notOk(isSettled('2026-11-01', '2026-11-27', true, 2), 'estimated days are read again');
});

t.test('only unsettled or missing days are read again, per query', async (t) => {
  const ledger = new Ledger(10);
  ledger.commit([entry('2026-11-24', 'a', true), entry('2026-11-25', 'a', false), entry('2026-11-24', 'b', false)]);
  const days = ['2026-11-24', '2026-11-25', '2026-11-26'];
  t.same(ledger.unsettled(days, 'a'), ['2026-11-25', '2026-11-26']);
  t.same(ledger.unsettled(days, 'b'), days);
  t.same(ledger.unsettled(days, 'c'), days);
  t.equal(ledger.get('2026-11-24', 'a')?.settled, true);
  t.equal(ledger.entries().length, 3);
});

t.test('bounded: the least recently used day goes first', async (t) => {
  const ledger = new Ledger(2);
  ledger.commit([entry('2026-11-01', 'a', true), entry('2026-11-02', 'a', true)]);
  ledger.get('2026-11-01', 'a');
  ledger.commit([entry('2026-11-03', 'a', true)]);
  t.equal(ledger.size, 2);
  t.equal(ledger.get('2026-11-02', 'a'), undefined);
  t.ok(ledger.get('2026-11-01', 'a'));
});

t.test('a reader can wait for the next commit, and stop waiting', async (t) => {
  const ledger = new Ledger(10);
  t.equal(ledger.commits, 0);
  const next = ledger.nextCommit(new AbortController().signal);
  ledger.commit([entry('2026-11-24', 'a', false)]);
  await next;
  t.equal(ledger.commits, 1, 'an unsettled answer is a change too');
  t.equal(ledger.revision, 0, 'but not one a saved copy lacks');

  const stop = new AbortController();
  const abandoned = ledger.nextCommit(stop.signal);
  stop.abort(new Error('stopping'));
  await t.rejects(abandoned, { message: 'stopping' });
  await t.rejects(ledger.nextCommit(stop.signal), { message: 'stopping' }, 'an aborted signal does not wait');
  ledger.commit([entry('2026-11-25', 'a', false)]);
  t.equal(ledger.commits, 2, 'an abandoned wait is forgotten');

  const waiting = ledger.nextCommit(new AbortController().signal);
  ledger.readFailed(new Error('no credentials'));
  await t.rejects(waiting, { message: 'no credentials' }, 'a failed read is told at once');
  ledger.readFailed(new Error('again'));
  ledger.commit([entry('2026-11-26', 'a', false)]);
  t.equal(ledger.commits, 3, 'a told wait is forgotten');
});
