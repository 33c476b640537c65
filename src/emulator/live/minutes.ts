// CloudWatch's minutes, from the emulator's bill: a day's final tokens per caller are spread over its
// 1,440 minutes (busier in the working hours, with noise) so that a settled day's minutes add up to
// the tokens billed for what CloudWatch sees; a runaway's tokens (runaway.ts) go to the minutes it
// runs in. A minute is published two minutes after it ends, first short of its final value, and
// revised to it five minutes after it ends.
import type { Day } from '../../time.js';
import type { Dataset } from '../dataset.js';
import { hashKeys, seededRandom } from '../random.js';
import { runawayMinutes, runawayTokens } from '../runaway.js';
import { settlesAtMs } from '../settlement.js';
import { callerOf, RUNTIME_NAMESPACE, TOKEN_METRICS, type Caller } from './callers.js';

export const MINUTES_PER_DAY = 1440;
export const MINUTE_MS = 60_000;
/** A minute is first published this long after it ends. */
export const PUBLISH_DELAY_MS = 2 * MINUTE_MS;
/** ... and shows its final value from this long after it ends; before, this share of it. */
export const REVISED_AFTER_MS = 5 * MINUTE_MS;
export const FIRST_SHARE = 0.8;

/** One CloudWatch metric's final values for every minute of a day (zeros where nothing happened). */
export interface MinuteSeries {
  caller: Caller;
  metric: string;
  minutes: Float64Array;
}

/** Every metric the emulator's organization publishes on `day`, by identity (see `seriesKey`). */
export function dayMinutes(dataset: Dataset, day: Day): Map<string, MinuteSeries> {
  const series = new Map<string, MinuteSeries>();
  const add = (caller: Caller, metric: string, minutes: ArrayLike<number>): void => {
    const key = seriesKey(caller, metric);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { caller, metric, minutes: new Float64Array(MINUTES_PER_DAY) };
      series.set(key, entry);
    }
    for (let minute = 0; minute < MINUTES_PER_DAY; minute++) entry.minutes[minute]! += minutes[minute]!;
  };
  for (const item of dataset.itemsOn(day, new Date(settlesAtMs(day)))) {
    const caller = callerOf(item);
    if (caller === undefined) continue;
    const hash = hashKeys(day, item.account, item.region, item.usageType, item.service, JSON.stringify(caller.dimensions));
    const runaway = runawayTokens(dataset.runaway, item);
    const tokens = spread(Math.round(item.usageQuantity * item.truth.tokensPerUnit) - runaway, hash);
    if (runaway > 0) {
      const { first, end } = runawayMinutes(dataset.runaway!, day);
      for (let minute = first; minute < end; minute++) tokens[minute]! += dataset.runaway!.tokensPerMinute;
    }
    add(caller, TOKEN_METRICS[caller.namespace]![item.truth.direction]!, tokens);
    for (const [metric, values] of derived(caller, item.truth.direction, item.truth.provider, tokens, hash)) add(caller, metric, values);
  }
  return series;
}

export function seriesKey(caller: Caller, metric: string): string {
  return [caller.account, caller.region, caller.namespace, metric, ...Object.entries(caller.dimensions).sort().flat()].join('\u0000');
}

/** What CloudWatch shows of a minute at `asOfMs`: nothing before it is published, then a share, then all. */
export function shownValue(finalValue: number, minuteEndMs: number, asOfMs: number): number | undefined {
  if (asOfMs < minuteEndMs + PUBLISH_DELAY_MS) return undefined;
  return asOfMs < minuteEndMs + REVISED_AFTER_MS ? Math.floor(finalValue * FIRST_SHARE) : finalValue;
}


// Busier from 08:00 to 20:00 UTC; never idle.
const DIURNAL = Float64Array.from({ length: MINUTES_PER_DAY }, (_, minute) => 1 + 0.6 * Math.sin((2 * Math.PI * (minute - 480)) / MINUTES_PER_DAY));

/** `total` whole tokens over the day's minutes, in proportion to noisy diurnal weights; they add up to `total`. */
function spread(total: number, hash: number): Float64Array {
  const random = seededRandom(hash);
  const weights = DIURNAL.map((weight) => weight * (0.5 + random()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const minutes = new Float64Array(MINUTES_PER_DAY);
  let given = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    minutes[minute] = Math.floor((total * weights[minute]!) / sum);
    given += minutes[minute]!;
  }
  // The rounding's remainder, one token per minute from a random start, so the day adds up exactly.
  for (let left = total - given, minute = Math.floor(random() * MINUTES_PER_DAY); left > 0; left--, minute = (minute + 1) % MINUTES_PER_DAY) minutes[minute]! += 1;
  return minutes;
}

/**
 * Invocations and their failures come with the input tokens (one call per some hundreds of tokens), and
 * the quota estimate with every direction that burns it (output five times for Anthropic models).
 */
function derived(caller: Caller, direction: string, provider: string, tokens: Float64Array, hash: number): Array<[string, Float64Array]> {
  const runtime = caller.namespace === RUNTIME_NAMESPACE;
  const burn = direction === 'output' ? (provider === 'anthropic' ? 5 : 1) : direction === 'cache_read' ? 0 : 1;
  const metrics: Array<[string, Float64Array]> = [];
  if (runtime && burn > 0) metrics.push(['EstimatedTPMQuotaUsage', tokens.map((value) => value * burn)]);
  if (direction !== 'input') return metrics;
  const tokensPerCall = 400 + (hash % 2600);
  const calls = tokens.map((value) => Math.ceil(value / tokensPerCall));
  // A few calls a minute fail now and then: rounded at random, the day's count is the rate's share.
  const random = seededRandom(hash ^ 0x5bd1e995);
  const share = (rate: number) => calls.map((value) => Math.floor(value * rate + random()));
  if (!runtime) return [...metrics, ['Inferences', calls], ['InferenceClientErrors', share(0.01)]];
  const throttled = 0.002 + ((hash >>> 12) % 20) / 1000;
  return [...metrics, ['Invocations', calls], ['InvocationThrottles', share(throttled)], ['InvocationClientErrors', share(0.01)], ['InvocationServerErrors', share(0.002)]];
}
