// GetCostForecast: a deliberately simple, deterministic forecast. The mean daily amount over the
// 28 days that ended two days ago (mostly settled), projected flat; the prediction interval is
// the normal one for the day-to-day spread at the requested level.
import { addDays, addMonths, dayOf, dayStartMs, eachDay, monthStart, type Day } from '../time.js';
import type { QueryContext } from './cost-and-usage.js';
import { compileFilter } from './filter.js';
import { Aggregate, FORECAST_METRICS, formatAmount } from './metrics.js';
import { enumString, type JsonObject } from './request.js';
import { constraintError, ServiceError, validationError } from './service-error.js';
import { daysOf, parseTimePeriod } from './time-period.js';

const HISTORY_DAYS = 28;
const HISTORY_LAG_DAYS = 2;
const HORIZON_MONTHS = 12;
const DEFAULT_LEVEL = 80;

// GetCostForecast names metrics in UPPER_SNAKE; map them to GetCostAndUsage's names.
const METRIC_NAME: Record<(typeof FORECAST_METRICS)[number], string> = {
  AMORTIZED_COST: 'AmortizedCost',
  BLENDED_COST: 'BlendedCost',
  NET_AMORTIZED_COST: 'NetAmortizedCost',
  NET_UNBLENDED_COST: 'NetUnblendedCost',
  NORMALIZED_USAGE_AMOUNT: 'NormalizedUsageAmount',
  UNBLENDED_COST: 'UnblendedCost',
  USAGE_QUANTITY: 'UsageQuantity',
};

export function getCostForecast(body: JsonObject, context: QueryContext): JsonObject {
  const { asOf, dataset } = context;
  const period = parseTimePeriod(body.TimePeriod);
  const metric = METRIC_NAME[enumString(body.Metric, 'metric', FORECAST_METRICS)];
  const granularity = enumString(body.Granularity, 'granularity', ['DAILY', 'MONTHLY', 'HOURLY'] as const);
  if (granularity === 'HOURLY') throw validationError('HOURLY granularity is not supported for forecasts; use DAILY or MONTHLY.');
  const today = dayOf(asOf);
  if (period.startMs < dayStartMs(today)) throw validationError(`Start date ${period.start} must be on or after the current date ${today}.`);
  const horizon = addMonths(monthStart(today), HORIZON_MONTHS + 1);
  if (period.endMs > dayStartMs(horizon)) throw validationError(`End date ${period.end} is too far in the future: forecasts reach ${horizon} at most.`);
  const level = levelOf(body.PredictionIntervalLevel);
  const filter = body.Filter === undefined || body.Filter === null ? () => true : compileFilter(body.Filter);

  const history = eachDay(addDays(today, -(HISTORY_DAYS + HISTORY_LAG_DAYS)), addDays(today, -HISTORY_LAG_DAYS));
  const total = new Aggregate();
  let seen = 0;
  const daily = history.map((day) => {
    const sums = new Aggregate();
    for (const item of dataset.itemsOn(day, asOf)) {
      if (!filter(item)) continue;
      sums.add(item);
      total.add(item);
      seen++;
    }
    return sums.amountOf(metric);
  });
  if (seen === 0) throw new ServiceError('DataUnavailableException', 'Insufficient amount of historical data to generate forecast.');
  const mean = daily.reduce((sum, value) => sum + value, 0) / daily.length;
  const spread = Math.sqrt(daily.reduce((sum, value) => sum + (value - mean) ** 2, 0) / daily.length);
  const z = normalQuantile(0.5 + level / 200);
  const unit = total.unitOf(metric);

  const days = daysOf(period);
  const buckets: Array<{ start: Day; end: Day; days: number }> = [];
  for (const day of days) {
    const last = buckets[buckets.length - 1];
    if (granularity === 'MONTHLY' && last && monthStart(last.start) === monthStart(day)) {
      last.end = addDays(day, 1);
      last.days++;
    } else {
      buckets.push({ start: day, end: addDays(day, 1), days: 1 });
    }
  }
  return {
    Total: { Amount: formatAmount(mean * days.length), Unit: unit },
    ForecastResultsByTime: buckets.map((bucket) => {
      const half = z * spread * Math.sqrt(bucket.days);
      return {
        TimePeriod: { Start: bucket.start, End: bucket.end },
        MeanValue: formatAmount(mean * bucket.days),
        PredictionIntervalLowerBound: formatAmount(mean * bucket.days - half),
        PredictionIntervalUpperBound: formatAmount(mean * bucket.days + half),
      };
    }),
  };
}

function levelOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_LEVEL;
  if (!Number.isInteger(value) || (value as number) < 51 || (value as number) > 99) {
    throw constraintError('predictionIntervalLevel', value, 'Member must have value between 51 and 99');
  }
  return value as number;
}

/** Inverse of the standard normal CDF (Winitzki's approximation of erf^-1, plenty for a toy forecast). */
function normalQuantile(p: number): number {
  const x = 2 * p - 1;
  const a = 0.147;
  const ln = Math.log(1 - x * x);
  const first = 2 / (Math.PI * a) + ln / 2;
  return Math.SQRT2 * Math.sqrt(Math.sqrt(first * first - ln / a) - first);
}
