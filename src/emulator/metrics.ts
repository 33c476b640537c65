// Cost Explorer metrics over line items, and amounts as the decimal strings the service sends.
import type { LineItem } from './dataset.js';
import { listAt, required, stringAt } from './request.js';
import { validationError } from './service-error.js';

type Measure = 'unblended' | 'amortized' | 'netUnblended' | 'quantity' | 'normalized';

// GetCostAndUsage takes the CamelCase names; the service also accepts the UPPER_SNAKE ones.
const MEASURE_BY_METRIC: Readonly<Record<string, Measure>> = {
  UnblendedCost: 'unblended',
  BlendedCost: 'unblended',
  AmortizedCost: 'amortized',
  NetUnblendedCost: 'netUnblended',
  NetAmortizedCost: 'netUnblended',
  UsageQuantity: 'quantity',
  NormalizedUsageAmount: 'normalized',
  UNBLENDED_COST: 'unblended',
  BLENDED_COST: 'unblended',
  AMORTIZED_COST: 'amortized',
  NET_UNBLENDED_COST: 'netUnblended',
  NET_AMORTIZED_COST: 'netUnblended',
  USAGE_QUANTITY: 'quantity',
  NORMALIZED_USAGE_AMOUNT: 'normalized',
};

export const FORECAST_METRICS = [
  'AMORTIZED_COST', 'BLENDED_COST', 'NET_AMORTIZED_COST', 'NET_UNBLENDED_COST', 'NORMALIZED_USAGE_AMOUNT', 'UNBLENDED_COST', 'USAGE_QUANTITY',
] as const;

export function parseMetrics(value: unknown, path = 'metrics'): string[] {
  const list = listAt(required(value, path), path).map((name, index) => stringAt(name, `${path}.${index + 1}`));
  if (list.length === 0) throw validationError('Metrics must contain at least one metric.');
  const unknown = list.find((name) => !(name in MEASURE_BY_METRIC));
  if (unknown !== undefined) {
    throw validationError(`Invalid metric ${unknown}. Valid metrics are ${FORECAST_METRICS.join(', ')} (or their CamelCase forms).`);
  }
  return [...new Set(list)];
}

/** Sums of one bucket or group. */
export class Aggregate {
  unblended = 0;
  amortized = 0;
  netUnblended = 0;
  quantity = 0;
  /** The UsageQuantity unit shared by every item added; null once units differ. */
  private unit: string | null | undefined;

  add(item: LineItem, share = 1): void {
    this.unblended += item.unblendedCost * share;
    this.amortized += item.amortizedCost * share;
    this.netUnblended += item.netUnblendedCost * share;
    this.quantity += item.usageQuantity * share;
    this.unit = this.unit === undefined || this.unit === item.unit ? item.unit : null;
  }

  amountOf(metric: string): number {
    const measure = MEASURE_BY_METRIC[metric]!;
    return measure === 'normalized' ? 0 : this[measure];
  }

  unitOf(metric: string): string {
    const measure = MEASURE_BY_METRIC[metric]!;
    if (measure === 'normalized') return 'N/A';
    if (measure !== 'quantity') return 'USD';
    return this.unit ?? 'N/A';
  }

  metricValues(metrics: readonly string[]): Record<string, { Amount: string; Unit: string }> {
    return Object.fromEntries(metrics.map((metric) => [metric, { Amount: formatAmount(this.amountOf(metric)), Unit: this.unitOf(metric) }]));
  }
}

/** Up to 10 decimals, no trailing zeros, never "-0": "27.1012915374", "-15", "0". */
export function formatAmount(value: number): string {
  const fixed = value.toFixed(10).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}
