// Exact totals over what a Dataset shows, for comparing the exporter's output with the truth.
import { eachDay, type Day } from '../time.js';
import type { Dataset, LineItem, Truth } from './dataset.js';

export interface TruthQuery {
  asOf: Date;
  from: Day;
  /** Exclusive. */
  to: Day;
  by: Array<keyof LineItem | keyof Truth>;
  where?: (item: LineItem) => boolean;
}

export interface TruthTotal {
  /** Unblended cost in USD. */
  cost: number;
  quantity: number;
  /** quantity x tokensPerUnit for kind tokens, else 0. */
  tokens: number;
}

/** Totals over visible items at asOf for days in [from, to), keyed by the `by` values joined with '|'. */
export function totals(dataset: Dataset, query: TruthQuery): Map<string, TruthTotal> {
  const result = new Map<string, TruthTotal>();
  for (const day of eachDay(query.from, query.to)) {
    for (const item of dataset.itemsOn(day, query.asOf)) {
      if (query.where && !query.where(item)) continue;
      const key = query.by.map((field) => String(field in item ? item[field as keyof LineItem] : item.truth[field as keyof Truth])).join('|');
      const total = result.get(key) ?? { cost: 0, quantity: 0, tokens: 0 };
      total.cost += item.unblendedCost;
      total.quantity += item.usageQuantity;
      if (item.truth.kind === 'tokens') total.tokens += item.usageQuantity * item.truth.tokensPerUnit;
      result.set(key, total);
    }
  }
  return result;
}
