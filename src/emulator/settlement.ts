/*
 * Settlement model: how Cost Explorer's numbers for a day grow and then freeze.
 * The exporter re-reads only unsettled days, so this model is part of the emulator's contract.
 *
 * - Cost Explorer refreshes its data three times a day, at 02:00, 10:00 and 18:00 UTC.
 *   Let U be the last refresh at or before `asOf`.
 * - Data is 6 hours behind the refresh: day D shows the usage that happened before U - 6h
 *   (linear within the day), so D is partial while U - 6h falls inside it.
 * - Late records: until D settles, it shows 2% less than its final amounts.
 * - D settles at the first refresh at or after end(D) + 30h (10:00 UTC two days after D);
 *   from then on it shows its final amounts and never changes.
 * - DAILY and HOURLY buckets are Estimated while their day is unsettled. A MONTHLY bucket is
 *   Estimated while its month is open: until the first refresh at or after 3 days into the next
 *   month (all of the month's days have settled by then).
 * - Days after `asOf` show nothing.
 */
import { addMonths, DAY_MS, dayStartMs, monthStart, type Day } from '../time.js';

const HOUR_MS = 3_600_000;
const REFRESH_HOURS = [2, 10, 18] as const;
const DATA_DELAY_MS = 6 * HOUR_MS;
const SETTLE_AFTER_END_MS = 30 * HOUR_MS;
const MONTH_CLOSE_AFTER_END_MS = 3 * DAY_MS;
export const LATE_RECORDS_SHARE = 0.02;

/** The last refresh at or before `time` (ms since the epoch). */
export function lastRefreshMs(time: number): number {
  const dayStart = Math.floor(time / DAY_MS) * DAY_MS;
  for (let i = REFRESH_HOURS.length - 1; i >= 0; i--) {
    const refresh = dayStart + REFRESH_HOURS[i]! * HOUR_MS;
    if (refresh <= time) return refresh;
  }
  return dayStart - DAY_MS + REFRESH_HOURS[REFRESH_HOURS.length - 1]! * HOUR_MS;
}

/** The first refresh at or after `time`. */
export function firstRefreshAtOrAfterMs(time: number): number {
  const dayStart = Math.floor(time / DAY_MS) * DAY_MS;
  for (const hour of REFRESH_HOURS) {
    const refresh = dayStart + hour * HOUR_MS;
    if (refresh >= time) return refresh;
  }
  return dayStart + DAY_MS + REFRESH_HOURS[0] * HOUR_MS;
}

/** Usage that happened before this instant is visible at `asOf`. */
export function dataCutoffMs(asOf: Date): number {
  return lastRefreshMs(asOf.getTime()) - DATA_DELAY_MS;
}

export function settlesAtMs(day: Day): number {
  return firstRefreshAtOrAfterMs(dayStartMs(day) + DAY_MS + SETTLE_AFTER_END_MS);
}

export function isDaySettled(day: Day, asOf: Date): boolean {
  return lastRefreshMs(asOf.getTime()) >= settlesAtMs(day);
}

/** Share of the period [startMs, endMs) that lies before the data cutoff, 0..1. */
export function visibleShare(startMs: number, endMs: number, asOf: Date): number {
  const share = (dataCutoffMs(asOf) - startMs) / (endMs - startMs);
  return Math.min(1, Math.max(0, share));
}

/** What a day's final amounts are multiplied by to get what Cost Explorer shows at `asOf`. */
export function shownShare(day: Day, asOf: Date): number {
  if (isDaySettled(day, asOf)) return 1;
  const start = dayStartMs(day);
  return visibleShare(start, start + DAY_MS, asOf) * (1 - LATE_RECORDS_SHARE);
}

/** Whether the month holding `day` is closed (its MONTHLY bucket is final) at `asOf`. */
export function isMonthClosed(day: Day, asOf: Date): boolean {
  const nextMonthStart = dayStartMs(addMonths(monthStart(day), 1));
  return lastRefreshMs(asOf.getTime()) >= firstRefreshAtOrAfterMs(nextMonthStart + MONTH_CLOSE_AFTER_END_MS);
}

export { HOUR_MS };
