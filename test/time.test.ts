import t from 'tap';
import { addDays, addMonths, dayOf, daysBetween, eachDay, isDay, monthStart } from '../src/time.js';

t.test('day arithmetic is UTC and calendar-correct', async (t) => {
  t.equal(addDays('2024-02-28', 1), '2024-02-29');
  t.equal(addDays('2024-03-01', -1), '2024-02-29');
  t.equal(addDays('2025-12-31', 1), '2026-01-01');
  t.equal(monthStart('2026-11-27'), '2026-11-01');
  t.equal(addMonths('2026-01-31', 1), '2026-02-01');
  t.equal(addMonths('2026-01-15', -13), '2024-12-01');
  t.equal(daysBetween('2026-11-01', '2026-11-27'), 26);
  t.equal(daysBetween('2026-11-27', '2026-11-01'), -26);
  t.equal(dayOf(Date.UTC(2026, 10, 27, 23, 59, 59)), '2026-11-27');
});

t.test('eachDay reads a period with an exclusive end', async (t) => {
  t.same(eachDay('2026-10-30', '2026-11-02'), ['2026-10-30', '2026-10-31', '2026-11-01']);
  t.same(eachDay('2026-11-01', '2026-11-01'), []);
});

t.test('isDay accepts only real calendar days', async (t) => {
  t.ok(isDay('2024-02-29'));
  t.notOk(isDay('2023-02-29'));
  t.notOk(isDay('2026-13-01'));
  t.notOk(isDay('2026-1-01'));
  t.notOk(isDay('yesterday'));
});
