// Cost Explorer speaks in UTC calendar days ("YYYY-MM-DD", End exclusive); so does everything here.
export type Day = string;

/** Days [start, end). */
export interface DayRange {
  start: Day;
  end: Day;
}

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(value: string): value is Day {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function dayOf(time: Date | number): Day {
  return new Date(time).toISOString().slice(0, 10);
}

export function dayStartMs(day: Day): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: Day, days: number): Day {
  return dayOf(dayStartMs(day) + days * DAY_MS);
}

export function monthStart(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: Day, months: number): Day {
  const date = new Date(dayStartMs(monthStart(day)));
  date.setUTCMonth(date.getUTCMonth() + months);
  return dayOf(date);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS);
}

/** Every day in [start, end), the way Cost Explorer reads a TimePeriod. */
export function eachDay(start: Day, end: Day): Day[] {
  const days: Day[] = [];
  for (let day = start; day < end; day = addDays(day, 1)) days.push(day);
  return days;
}

export { DAY_MS };
