import { family, type Family } from '../metrics/series.js';
import { addDays, monthStart, type Day, type DayRange } from '../time.js';

// What a daily source shows on a day: the days it holds, and the two windows of its gauges. Pure.

/** Days the exporter shows on `today`: the current month, yesterday (also on the 1st) and any lookback. */
export function windowOf(today: Day, lookbackDays = 0): DayRange {
  const candidates = [monthStart(today), addDays(today, -1), addDays(today, -lookbackDays)];
  return { start: candidates.reduce((a, b) => (a < b ? a : b)), end: addDays(today, 1) };
}

export const WINDOWS = ['daily', 'month_to_date'] as const;
export type Window = (typeof WINDOWS)[number];

/** What every family read from Cost Explorer says of its values, at the end of its help. */
export const CACHED = 'Read from AWS Cost Explorer in the background and cached; values change when the exporter refreshes.';

/** The span of a window, as a family's help says it. */
export const WINDOW_SPAN: Record<Window, string> = {
  daily: 'on the last complete UTC day',
  month_to_date: 'from the 1st of the current UTC month up to the latest data',
};

/** A family of one window: month to date grows through the day in a history (Family.accrues). */
export const windowFamily = (name: string, help: string, window: Window): Family => ({ ...family(name, help), accrues: window === 'month_to_date' });

/** The windows a day's usage counts in on `today`: daily is the last complete UTC day, month to date the 1st through today. */
export function windowsOn(day: Day, today: Day): Window[] {
  const windows: Window[] = [];
  if (day === addDays(today, -1)) windows.push('daily');
  if (day >= monthStart(today) && day <= today) windows.push('month_to_date');
  return windows;
}
