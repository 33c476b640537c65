import { addDays, monthStart, type Day, type DayRange } from '../time.js';

// What a daily source shows on a day: the days it holds, and the two windows of its gauges. Pure.

/** Days the exporter shows on `today`: the current month, yesterday (also on the 1st) and any lookback. */
export function windowOf(today: Day, lookbackDays = 0): DayRange {
  const candidates = [monthStart(today), addDays(today, -1), addDays(today, -lookbackDays)];
  return { start: candidates.reduce((a, b) => (a < b ? a : b)), end: addDays(today, 1) };
}

export const WINDOWS = ['daily', 'month_to_date'] as const;
export type Window = (typeof WINDOWS)[number];

/** The windows a day's usage counts in on `today`: daily is the last complete UTC day, month to date the 1st through today. */
export function windowsOn(day: Day, today: Day): Window[] {
  const windows: Window[] = [];
  if (day === addDays(today, -1)) windows.push('daily');
  if (day >= monthStart(today) && day <= today) windows.push('month_to_date');
  return windows;
}
