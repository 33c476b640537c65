// What the live plane takes from the bill: the regions to read, which it waits for until the bill is
// first read, and reads again whenever the ledger changes, settled or not.
import t from 'tap';
import { memoizedClassifier } from '../../src/billing/classifier.js';
import { Ledger, type DayEntry } from '../../src/cost-explorer/ledger.js';
import { BillView } from '../../src/sources/live/bill.js';

const tokens = (day: string, region: string, settled: boolean): DayEntry => ({
  day,
  queryKey: 'usage',
  rows: [{ account: '123456789012', service: 'Amazon Bedrock', usageType: `${region}-NovaPro-input-tokens`, cost: 1, quantity: 1250, unit: 'Units' }],
  estimated: !settled,
  settled,
});

t.test('the regions wait for the first read of the bill, then follow every change', async (t) => {
  const ledger = new Ledger(10);
  const bill = new BillView(ledger, memoizedClassifier());
  const first = bill.regions(new AbortController().signal);
  ledger.commit([tokens('2026-11-18', 'USE1', true)]);
  t.same(await first, ['us-east-1'], 'the first answer waits for the bill');
  ledger.commit([tokens('2026-11-20', 'EU', false)]);
  t.same(await bill.regions(new AbortController().signal), ['eu-west-1', 'us-east-1'], 'a region new today, not settled yet');
});

t.test('a bill that is not read leaves the live plane a one-line reason, as soon as its read fails', async (t) => {
  const ledger = new Ledger(10);
  const bill = new BillView(ledger, memoizedClassifier());
  await t.rejects(bill.regions(AbortSignal.abort()), { message: 'the bill, which says where Bedrock is used, has not been read yet; or set --live.regions' });
  const waiting = bill.regions(new AbortController().signal);
  ledger.readFailed(new Error('no AWS credentials found'));
  await t.rejects(waiting, { message: 'the bill, which says where Bedrock is used, could not be read (no AWS credentials found); or set --live.regions' });
});

t.test('the settled day to reconcile with, and its tokens; none before a day settles', async (t) => {
  const ledger = new Ledger(10);
  const bill = new BillView(ledger, memoizedClassifier());
  t.equal(bill.settledDay(), undefined);
  t.same([...bill.billedTokens().keys()], []);
  ledger.commit([tokens('2026-11-17', 'USE1', true), tokens('2026-11-18', 'USE1', true), tokens('2026-11-19', 'USE1', false)]);
  t.equal(bill.settledDay(), '2026-11-18');
  t.same([...bill.billedTokens().values()].map((sum) => sum.tokens), [1_250_000], 'that day only');
});
