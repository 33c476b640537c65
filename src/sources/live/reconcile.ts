import type { Classifier } from '../../billing/classifier.js';
import { isMantleUsage } from '../../billing/first-party.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import type { Day } from '../../time.js';
import { settledTokenRows } from './token-rows.js';

// Once a day settles, the bill says how many tokens were used; CloudWatch said so too, minute by
// minute. Their ratio per account, region, model and direction shows what the live plane misses (an
// account without a role, a region not read) or counts twice. Only what CloudWatch can see is
// compared: batch jobs and the mantle endpoint's cache tokens are not in its metrics.

export interface BilledTokens {
  account: string;
  region: string;
  model: string;
  provider: string;
  direction: string;
  tokens: number;
}

export const reconcileKey = (account: string, region: string, model: string, direction: string): string => `${account}|${region}|${model}|${direction}`;

/** The tokens a settled day's bill shows for what CloudWatch counts, by reconcileKey; none where it shows none. */
export function billedTokens(entries: Iterable<DayEntry>, classify: Classifier, day: Day): Map<string, BilledTokens> {
  const billed = new Map<string, BilledTokens>();
  for (const { row, usage: c } of settledTokenRows(entries, classify, (entry) => entry.day === day)) {
    if (c.tier === 'batch' || (isMantleUsage(row.usageType) && c.direction.startsWith('cache'))) continue;
    const key = reconcileKey(row.account, c.region, c.model, c.direction);
    const sum = billed.get(key) ?? { account: row.account, region: c.region, model: c.model, provider: c.provider, direction: c.direction, tokens: 0 };
    sum.tokens += row.quantity * c.tokensPerUnit;
    billed.set(key, sum);
  }
  // Credits and corrections can leave nothing to compare with.
  for (const [key, sum] of billed) if (sum.tokens <= 0) billed.delete(key);
  return billed;
}

/** The latest day whose every answer in the ledger is settled, if any. */
export function lastSettledDay(entries: Iterable<DayEntry>): Day | undefined {
  const settled = new Map<Day, boolean>();
  for (const entry of entries) settled.set(entry.day, (settled.get(entry.day) ?? true) && entry.settled);
  let last: Day | undefined;
  for (const [day, all] of settled) if (all && (last === undefined || day > last)) last = day;
  return last;
}
