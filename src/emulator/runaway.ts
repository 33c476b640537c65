// The runaway scenario: from a set minute, one caller of the organization's first account sends its
// model input tokens at a fixed dollar pace on top of its usual use, for a few hours, as an agent
// stuck in a loop would. The bill carries the tokens on the days they fall on, and CloudWatch's
// minutes show them evenly over the minutes they run, so the two planes still agree.
import { dayStartMs, type Day } from '../time.js';
import type { LineItem } from './dataset.js';

/** How long a runaway lasts before someone stops it. */
export const RUNAWAY_HOURS = 4;
/** Its pace when not told otherwise: a few dozen times the demo organization's busiest hour. */
export const RUNAWAY_USD_PER_HOUR = 2000;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

export interface RunawayOptions {
  /** When it begins (rounded down to the minute). */
  at: Date;
  usdPerHour?: number;
}

/** One usage type of one account and region, running away from `startMs` to `endMs`. */
export interface Runaway {
  account: string;
  region: string;
  service: string;
  usageType: string;
  startMs: number;
  endMs: number;
  /** Whole tokens a minute, so that its minutes add up to the bill's quantity exactly. */
  tokensPerMinute: number;
  /** Tokens in one unit the bill counts (its usage type's). */
  tokensPerUnit: number;
}

/** The runaway of `options` on a usage type billed at `usdPerUnit` for `tokensPerUnit` tokens. */
export function runawayOf(options: RunawayOptions, line: Pick<Runaway, 'account' | 'region' | 'service' | 'usageType'>, usdPerUnit: number, tokensPerUnit: number): Runaway {
  const startMs = options.at.getTime() - (options.at.getTime() % MINUTE_MS);
  const usdPerMinute = (options.usdPerHour ?? RUNAWAY_USD_PER_HOUR) / 60;
  return { ...line, startMs, endMs: startMs + RUNAWAY_HOURS * 3_600_000, tokensPerMinute: Math.round((usdPerMinute / usdPerUnit) * tokensPerUnit), tokensPerUnit };
}

/** The minutes of `day` the runaway runs in, [first, end), by index from 00:00 UTC; empty when it does not. */
export function runawayMinutes(runaway: Runaway, day: Day): { first: number; end: number } {
  const start = dayStartMs(day);
  const first = Math.min(DAY_MINUTES, Math.max(0, (runaway.startMs - start) / MINUTE_MS));
  const end = Math.min(DAY_MINUTES, Math.max(0, (runaway.endMs - start) / MINUTE_MS));
  return { first, end: Math.max(first, end) };
}

/** The runaway's tokens in a line item of `day`: 0 for every other line. */
export function runawayTokens(runaway: Runaway | undefined, item: Pick<LineItem, 'day' | 'account' | 'region' | 'service' | 'usageType'>): number {
  if (runaway === undefined || item.account !== runaway.account || item.region !== runaway.region || item.service !== runaway.service || item.usageType !== runaway.usageType) return 0;
  const { first, end } = runawayMinutes(runaway, item.day);
  return (end - first) * runaway.tokensPerMinute;
}

/** The runaway's quantity on the bill in a line item of `day`, in the usage type's units: 0 for every other line. */
export function runawayQuantity(runaway: Runaway | undefined, item: Pick<LineItem, 'day' | 'account' | 'region' | 'service' | 'usageType'>): number {
  return runaway === undefined ? 0 : runawayTokens(runaway, item) / runaway.tokensPerUnit;
}
