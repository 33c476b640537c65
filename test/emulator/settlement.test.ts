import t from 'tap';
import {
  dataCutoffMs, firstRefreshAtOrAfterMs, isDaySettled, isMonthClosed, lastRefreshMs, LATE_RECORDS_SHARE, settlesAtMs, shownShare,
} from '../../src/emulator/settlement.js';
import { generateDataset } from '../../src/emulator/dataset.js';

const at = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);

t.test('Cost Explorer refreshes at 02:00, 10:00 and 18:00 UTC', async (t) => {
  t.equal(lastRefreshMs(ms('2026-11-20T01:59:59Z')), ms('2026-11-19T18:00:00Z'));
  t.equal(lastRefreshMs(ms('2026-11-20T02:00:00Z')), ms('2026-11-20T02:00:00Z'));
  t.equal(lastRefreshMs(ms('2026-11-20T17:59:00Z')), ms('2026-11-20T10:00:00Z'));
  t.equal(lastRefreshMs(ms('2026-11-20T23:00:00Z')), ms('2026-11-20T18:00:00Z'));
  t.equal(firstRefreshAtOrAfterMs(ms('2026-11-20T00:00:00Z')), ms('2026-11-20T02:00:00Z'));
  t.equal(firstRefreshAtOrAfterMs(ms('2026-11-20T10:00:00Z')), ms('2026-11-20T10:00:00Z'));
  t.equal(firstRefreshAtOrAfterMs(ms('2026-11-20T10:00:01Z')), ms('2026-11-20T18:00:00Z'));
  t.equal(firstRefreshAtOrAfterMs(ms('2026-11-20T18:30:00Z')), ms('2026-11-21T02:00:00Z'));
  t.equal(dataCutoffMs(at('2026-11-20T12:00:00Z')), ms('2026-11-20T04:00:00Z'), 'data is 6 hours behind the last refresh');
});

t.test('a day settles at the first refresh at or after its end + 30h', async (t) => {
  t.equal(settlesAtMs('2026-11-10'), ms('2026-11-12T10:00:00Z'));
  t.notOk(isDaySettled('2026-11-10', at('2026-11-12T09:59:59Z')));
  t.ok(isDaySettled('2026-11-10', at('2026-11-12T10:00:00Z')));
});

t.test('what a day shows: partial, then 2% short, then final', async (t) => {
  t.equal(shownShare('2026-11-20', at('2026-11-20T03:00:00Z')), 0, 'nothing before the cutoff reaches the day');
  t.equal(shownShare('2026-11-20', at('2026-11-20T12:00:00Z')), (4 / 24) * (1 - LATE_RECORDS_SHARE), 'usage up to 04:00');
  t.equal(shownShare('2026-11-19', at('2026-11-20T12:00:00Z')), 1 - LATE_RECORDS_SHARE, 'complete but late records missing');
  t.equal(shownShare('2026-11-18', at('2026-11-20T12:00:00Z')), 1, 'settled');
  t.equal(shownShare('2026-11-25', at('2026-11-20T12:00:00Z')), 0, 'after asOf');
});

t.test('a month closes at the first refresh 3 days into the next month', async (t) => {
  t.notOk(isMonthClosed('2026-10-15', at('2026-11-04T01:59:59Z')));
  t.ok(isMonthClosed('2026-10-15', at('2026-11-04T02:00:00Z')));
  t.notOk(isMonthClosed('2026-11-01', at('2026-11-20T12:00:00Z')));
});

t.test('a data set shows its final items through the model', async (t) => {
  const dataset = generateDataset({ seed: 1, size: 'tiny', today: '2026-11-20' });
  const final = dataset.itemsOn('2026-11-19', at('2026-12-01T00:00:00Z'));
  const now = at('2026-11-20T12:00:00Z');
  const shown = dataset.itemsOn('2026-11-19', now);
  t.equal(shown.length, final.length);
  shown.forEach((item, i) => {
    const full = final[i]!;
    t.equal(item.usageType, full.usageType);
    t.equal(item.unblendedCost, full.unblendedCost * 0.98);
    t.equal(item.amortizedCost, full.amortizedCost * 0.98);
    t.equal(item.netUnblendedCost, full.netUnblendedCost * 0.98);
    t.equal(item.usageQuantity, full.usageQuantity * 0.98);
  });
  t.notOk(dataset.isSettled('2026-11-19', now));
  t.ok(dataset.isSettled('2026-11-18', now));
  t.same(dataset.itemsOn('2026-11-21', now), []);
  t.equal(dataset.itemsOn('2026-11-18', now), dataset.itemsOn('2026-11-18', now), 'settled days are served as they are');
});
