import type { InvokedModel, QuotaScope } from '../../billing/model-ids.js';
import { family, set, type Family } from '../../metrics/series.js';

// Headroom: Bedrock's EstimatedTPMQuotaUsage (the tokens a minute's calls reserved against the
// model's quota, output counted several times for some models) beside the quota itself. Calls through
// a base id and through an application profile over it count against the same quota, so a minute is
// summed over every model id of one model and scope before the busiest minute is taken.

/** The busiest of this many latest minutes CloudWatch has published: a poll's worth at the default interval. */
export const QUOTA_USAGE_MINUTES = 5;
const MINUTE_MS = 60_000;

/** One EstimatedTPMQuotaUsage series read today. */
export interface QuotaUsageSeries {
  account: string;
  region: string;
  model: InvokedModel;
  minutes: ReadonlyMap<number, number>;
}

/** One per-minute token quota of an account in a region (Service Quotas). */
export interface RegionQuota {
  account: string;
  region: string;
  model: string;
  provider: string;
  scope: QuotaScope;
  tokensPerMinute: number;
}

const keyOf = (account: string, region: string, model: string, scope: string): string => [account, region, model, scope].join('|');

/**
 * The busiest minute of the last few per account, region, model and scope, and the quotas of the
 * models called today (`called`: keys of account, region and model); `through` is per region the end
 * of the latest minute read.
 */
export function quotaFamilies(usage: Iterable<QuotaUsageSeries>, quotas: Iterable<RegionQuota>, called: ReadonlySet<string>, through: ReadonlyMap<string, number>): Family[] {
  const limit = family('bedrock_quota_tokens_per_minute', "Bedrock's tokens-per-minute quota per model for calls in one region (quota=\"on_demand\"), through a geography's profile (\"cross_region\") or a global one (\"global\"), as Service Quotas applies it to the account; for the models called today.");
  const used = family('bedrock_live_quota_usage_tokens_per_minute', `The busiest of the last ${QUOTA_USAGE_MINUTES} minutes CloudWatch has published of EstimatedTPMQuotaUsage: the tokens calls reserved against the model's quota (output counts several times for some models), by quota scope.`);
  const perMinute = new Map<string, { labels: Array<[string, string]>; minutes: Map<number, number> }>();
  for (const { account, region, model, minutes } of usage) {
    const key = keyOf(account, region, model.model, model.quota);
    let entry = perMinute.get(key);
    if (entry === undefined) {
      entry = { labels: [['account', account], ['region', region], ['model', model.model], ['provider', model.provider], ['quota', model.quota]], minutes: new Map() };
      perMinute.set(key, entry);
    }
    for (const [atMs, value] of minutes) entry.minutes.set(atMs, (entry.minutes.get(atMs) ?? 0) + value);
  }
  for (const { labels, minutes } of perMinute.values()) {
    // A region with no minute read has no recent minute.
    const since = (through.get(labels[1]![1]) ?? Infinity) - QUOTA_USAGE_MINUTES * MINUTE_MS;
    let busiest = 0;
    for (const [atMs, value] of minutes) if (atMs >= since && value > busiest) busiest = value;
    set(used, labels, busiest);
  }
  for (const { account, region, model, provider, scope, tokensPerMinute } of quotas) {
    if (!called.has(calledKey(account, region, model))) continue;
    set(limit, [['account', account], ['region', region], ['model', model], ['provider', provider], ['quota', scope]], tokensPerMinute);
  }
  return [limit, used];
}

/** The key of a model called by an account in a region, for `called`. */
export const calledKey = (account: string, region: string, model: string): string => [account, region, model].join('|');
