import type { Classifier } from '../../billing/classifier.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import type { Day } from '../../time.js';
import { settledTokenRows } from './token-rows.js';

// The organization's own price of a token: what its bill charged over recent settled days, divided by
// the tokens it counted, per region, model, direction, route and tier. Discounts, credits and private
// pricing are in it; a price list is not.
//
// A latency-optimized call is chosen by a request parameter (`performanceConfig`), not by its model
// id, so CloudWatch counts it under the plain id with the standard calls: the rate for that series is
// the bill's over both tiers together.

export interface BillRate {
  region: string;
  model: string;
  provider: string;
  direction: string;
  route: string;
  tier: string;
  usdPerToken: number;
}

/** The tier as CloudWatch's `ModelId` tells it apart: priority and flex carry a suffix, latency-optimized does not. */
const liveTier = (tier: string): string => (tier === 'latency_optimized' ? 'standard' : tier);

export const rateKey = (region: string, model: string, direction: string, route: string, tier: string): string => `${region}|${model}|${direction}|${route}|${tier}`;

/** Rates from the settled days from `since` on, by rateKey; usage types without tokens or without cost give none. */
export function billRates(entries: Iterable<DayEntry>, classify: Classifier, since: Day): Map<string, BillRate> {
  const sums = new Map<string, { rate: BillRate; cost: number; tokens: number }>();
  for (const { row, usage: c } of settledTokenRows(entries, classify, (entry) => entry.day >= since)) {
    const tier = liveTier(c.tier);
    const key = rateKey(c.region, c.model, c.direction, c.route, tier);
    let sum = sums.get(key);
    if (sum === undefined) {
      sum = { rate: { region: c.region, model: c.model, provider: c.provider, direction: c.direction, route: c.route, tier, usdPerToken: 0 }, cost: 0, tokens: 0 };
      sums.set(key, sum);
    }
    sum.cost += row.cost;
    sum.tokens += row.quantity * c.tokensPerUnit;
  }
  const rates = new Map<string, BillRate>();
  for (const [key, { rate, cost, tokens }] of sums) if (tokens > 0 && cost > 0) rates.set(key, { ...rate, usdPerToken: cost / tokens });
  return rates;
}
