// TimePeriod checks shared by the operations. Messages quoted from the real service where one was
// found in the wild; the others are written in its style.
import { addDays, addMonths, dayOf, dayStartMs, eachDay, isDay, monthStart, type Day } from '../time.js';
import { constraintError, validationError } from './service-error.js';
import { objectAt, required, requiredString } from './request.js';

// botocore ce service-2.json, shape YearMonthDay.
const YEAR_MONTH_DAY = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?$/;
const YEAR_MONTH_DAY_SOURCE = '(\\d{4}-\\d{2}-\\d{2})(T\\d{2}:\\d{2}:\\d{2}Z)?';
const RETENTION_MONTHS = 13;

export interface TimePeriod {
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  /** Whether either bound carries a time of day. */
  hasTime: boolean;
}

export function parseTimePeriod(value: unknown, path = 'timePeriod'): TimePeriod {
  const period = objectAt(required(value, path), path);
  const start = requiredString(period.Start, `${path}.start`);
  const end = requiredString(period.End, `${path}.end`);
  const startMs = instant(start, `${path}.start`, 'Start');
  const endMs = instant(end, `${path}.end`, 'End');
  // Wording as the service answers it (elC0mpa/aws-doctor#1).
  if (startMs >= endMs) throw validationError('Start date (and hour) should be before end date (and hour)');
  return { start, end, startMs, endMs, hasTime: start.length > 10 || end.length > 10 };
}

/** The calendar days the period touches. */
export function daysOf(period: TimePeriod): Day[] {
  return eachDay(dayOf(period.startMs), addDays(dayOf(period.endMs - 1), 1));
}

/** The earliest day Cost Explorer still holds at `asOf`: 13 months before the current month's 1st. */
export function retentionStart(asOf: Date): Day {
  return addMonths(monthStart(dayOf(asOf)), -RETENTION_MONTHS);
}

export function checkRetention(period: TimePeriod, asOf: Date): void {
  const earliest = retentionStart(asOf);
  if (period.startMs < dayStartMs(earliest)) {
    throw validationError(`Start date ${period.start} is outside the data retention window: the earliest available date is ${earliest} (13 months before the current month).`);
  }
}

/** GetCostAndUsage answers this when End goes past the 1st of next month (aws/aws-sdk-js#2732). */
export function checkEndNotBeyondNextMonth(period: TimePeriod, asOf: Date): void {
  if (period.endMs > dayStartMs(addMonths(monthStart(dayOf(asOf)), 1))) {
    throw validationError('end date past the beginning of next month');
  }
}

function instant(text: string, path: string, name: string): number {
  if (!YEAR_MONTH_DAY.test(text)) {
    throw constraintError(path, text, `Member must satisfy regular expression pattern: ${YEAR_MONTH_DAY_SOURCE}`);
  }
  const day = text.slice(0, 10);
  const ms = Date.parse(text.length > 10 ? text : `${day}T00:00:00Z`);
  if (!isDay(day) || Number.isNaN(ms)) throw validationError(`${name} date ${text} is not a valid date.`);
  return ms;
}
