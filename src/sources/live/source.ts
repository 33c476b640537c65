import type { ProfileDirectory } from '../../bedrock/profiles.js';
import { parseModelId, type InvokedModel } from '../../billing/model-ids.js';
import { AwsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { LiveMetrics, MetricQuery } from '../../cloudwatch/client.js';
import { addTo, family, renderLabels, set, type Family } from '../../metrics/series.js';
import type { Contribution, RefreshContext, RefreshTiming, Source } from '../source.js';
import type { LiveToday } from '../summary.js';
import type { QuotaDirectory, TokenQuota } from '../../service-quotas/token-quotas.js';
import { MinuteCounts } from './minutes.js';
import { calledKey, quotaFamilies, type QuotaUsageSeries } from './quota-usage.js';
import { rateKey, type BillRate } from './rates.js';
import { reconcileKey, type BilledTokens } from './reconcile.js';
import { WarnOnce, type PollFailure } from './warn-once.js';
import { dayStartMs, type Day } from '../../time.js';

// Now, not tomorrow: Bedrock's own per-minute counts from CloudWatch, in every region read, since
// 00:00 UTC. CloudWatch publishes a minute late and revises it, so every poll reads the last minutes
// again; the bill stays the truth for what was spent (the billing plane), this plane says what is
// happening.

const RUNTIME_TOKENS: Readonly<Record<string, string>> = {
  InputTokenCount: 'input',
  OutputTokenCount: 'output',
  CacheReadInputTokenCount: 'cache_read',
  CacheWriteInputTokenCount: 'cache_write',
};
const MANTLE_TOKENS: Readonly<Record<string, string>> = { TotalInputTokens: 'input', TotalOutputTokens: 'output' };
const INVOCATIONS = new Set(['Invocations', 'Inferences']);
const THROTTLES = new Set(['InvocationThrottles']);
const ERRORS: Readonly<Record<string, string>> = { InvocationClientErrors: 'client', InvocationServerErrors: 'server', InferenceClientErrors: 'client' };

const QUOTA_USAGE = 'EstimatedTPMQuotaUsage';
const ROUTES = ['regional', 'global'] as const;

const RUNTIME_METRICS = [...Object.keys(RUNTIME_TOKENS), 'Invocations', 'InvocationThrottles', 'InvocationClientErrors', 'InvocationServerErrors', QUOTA_USAGE];
const MANTLE_METRICS = [...Object.keys(MANTLE_TOKENS), 'Inferences', 'InferenceClientErrors'];
const anyOf = (names: readonly string[]): string => `(${names.map((name) => `MetricName="${name}"`).join(' OR ')})`;
const SEPARATOR = '|';

/** A token metric's direction; undefined for the other metrics. */
const directionOf = (metric: string): string | undefined => RUNTIME_TOKENS[metric] ?? MANTLE_TOKENS[metric];

/** A series read today: what its name says, and its minutes by start (ms). */
interface Reading {
  region: string;
  account: string;
  metric: string;
  /** Undefined for an application profile Bedrock has not resolved, or a resource that names no model. */
  model: InvokedModel | undefined;
  /** An application profile's values of the configured allocation tags; none for other ids. */
  tags: Readonly<Record<string, string>>;
  minutes: ReadonlyMap<number, number>;
}

/** An application profile resolved: its model, and its values of the configured allocation tags. */
interface ProfileModel {
  model: InvokedModel;
  tags: Readonly<Record<string, string>>;
  /** False when Bedrock refused the tags: the profile is asked again next poll. */
  tagsRead: boolean;
}

/** A series read: `region|account|metric|model id`, the region ahead of the query's label. */
function seriesParts(series: string): { region: string; account: string; metric: string; modelId: string } {
  const [region = '', account = '', metric = '', modelId = ''] = series.split(SEPARATOR);
  return { region, account, metric, modelId };
}

/** One SEARCH per namespace, each metric it finds labelled with its account, name and model; a datapoint per period. */
export function liveQueries(periodSeconds: number): MetricQuery[] {
  return [
    {
      id: 'runtime',
      expression: `SEARCH('{AWS/Bedrock,ModelId} ${anyOf(RUNTIME_METRICS)}', 'Sum', ${periodSeconds})`,
      label: ["${PROP('AccountId')}", "${PROP('MetricName')}", "${PROP('Dim.ModelId')}"].join(SEPARATOR),
    },
    {
      id: 'mantle',
      expression: `SEARCH('{AWS/BedrockMantle,Model,Project} ${anyOf(MANTLE_METRICS)}', 'Sum', ${periodSeconds})`,
      label: ["${PROP('AccountId')}", "${PROP('MetricName')}", "${PROP('Dim.Model')}"].join(SEPARATOR),
    },
  ];
}

/** Every minute. */
export const LIVE_QUERIES: readonly MetricQuery[] = liveQueries(60);
/** A settled day in one datapoint, to reconcile with the bill. */
const DAY_QUERIES: readonly MetricQuery[] = liveQueries(86_400);
const DAY_MS = 86_400_000;

/** One set of credentials the live plane reads with: the exporter's own, or a role in another account. */
export interface LiveReader {
  /** Who reads, for messages: "the exporter's own credentials" or the role's ARN. */
  who: string;
  metrics: LiveMetrics;
  /** Bedrock: the model behind an application inference profile. */
  profiles: ProfileDirectory;
  /** Service Quotas: the account's tokens-per-minute quota per model. */
  quotas: QuotaDirectory;
  /** Resolves once the reader can read (a role's keys in hand), once per poll: a role refused fails every region at once. */
  ready?: () => Promise<unknown>;
}

/** A read that failed: a reader's (`region` absent) or one region's. */
interface Failure {
  reader: LiveReader;
  region?: string;
  error: unknown;
}

export interface LiveSourceOptions {
  readers: readonly LiveReader[];
  /** The regions to read. */
  regions: (signal: AbortSignal) => Promise<readonly string[]>;
  timing: RefreshTiming;
  /** How far back each poll reads again: CloudWatch's late and revised minutes. */
  rereadMs: number;
  /** The bill's own price of a token, by rateKey, as of `now`. */
  rates: (now: Date) => ReadonlyMap<string, BillRate>;
  /** The AWS Price List's price of a token in a region, by rateKey: for what the bill has not priced yet. */
  listRates: (region: string, now: Date, signal: AbortSignal) => Promise<ReadonlyMap<string, BillRate>>;
  /** The bill's latest settled day, and its tokens for what CloudWatch counts, by reconcileKey. */
  settled: { day: () => Day | undefined; billed: () => ReadonlyMap<string, BilledTokens> };
  /** Cost allocation tag keys: who spends now, by the tags of the application profiles called. */
  allocationTags: readonly string[];
  logger: Logger;
}

const MINUTE_MS = 60_000;

export class LiveSource implements Source {
  readonly name = 'cloudwatch_live';
  readonly title = 'the live plane (CloudWatch)';
  readonly timing: RefreshTiming;
  readonly #options: LiveSourceOptions;
  readonly #minutes = new MinuteCounts();
  /** Per reader and region: the end of the last read that succeeded (ms). */
  readonly #readUntil = new Map<string, number>();
  /** The reader whose credentials can look up a series' application profile. */
  readonly #readerOf = new Map<string, LiveReader>();
  /** Application profiles resolved so far, by region and ARN or id. */
  readonly #models = new Map<string, ProfileModel>();
  /** CloudWatch's tokens on the bill's latest settled day, by series; complete once every read succeeded. */
  #reconciled: { day: Day; series: Map<string, { reader: LiveReader; tokens: number }>; complete: boolean } | undefined;
  /** Per reader and region: the quotas last read. */
  readonly #quotas = new Map<string, { region: string; quotas: readonly TokenQuota[] }>();
  readonly #warnings: WarnOnce;

  constructor(options: LiveSourceOptions) {
    this.#options = options;
    this.timing = options.timing;
    this.#warnings = new WarnOnce(options.logger);
  }

  async refresh({ now, signal }: RefreshContext): Promise<Contribution> {
    const minutes = this.#minutes;
    if (minutes.startDay(now)) this.#readerOf.clear();
    const endMs = now.getTime() - (now.getTime() % MINUTE_MS);
    const regions = await this.#options.regions(signal);
    const { ready, failed: refused } = await this.#readyReaders();
    const failed = await eachRegion(ready, regions, (reader, region) => this.#read(reader, region, endMs, signal));
    // Nothing read: the source fails, and its last good series are served.
    if (refused.length + failed.length > 0 && ready.length * regions.length === failed.length) throw withOffSwitch((refused[0] ?? failed[0])!.error);
    this.#warnings.poll('cloudwatch', [...refused, ...failed].map(({ reader, region, error }) => ({
      key: failureKey(reader, region),
      error,
      message: `could not read CloudWatch${region === undefined ? '' : ` in ${region}`} with ${reader.who}, its live series keep their last values`,
    })));
    await this.#readSettledDay(ready, regions, signal);
    await this.#resolveProfiles(now, signal);
    await this.#readQuotas(ready, regions, now, signal);
    const readings = this.#readings();
    const billed = this.#options.rates(now);
    const families = familiesOf(readings, { billed, listed: await this.#listed(billed, readings, now, signal) }, minutes.through(), this.#options.allocationTags);
    const [tokens, cost] = families;
    return { families: [...families, ...this.#headroom(readings), ...this.#reconciliation()], today: todayOf(tokens!, cost!, minutes) };
  }

  /** Today's series, each read once a poll: its parts and model. */
  #readings(): Reading[] {
    return [...this.#minutes.entries()].map(([series, minutes]) => {
      const { region, account, metric, modelId } = seriesParts(series);
      return { region, account, metric, ...this.#lookup(region, modelId), minutes };
    });
  }

  /** The Price List's rates in the regions where a live series has no bill rate yet; a failure leaves those unpriced and warns once until it succeeds. */
  async #listed(billed: ReadonlyMap<string, BillRate>, readings: readonly Reading[], now: Date, signal: AbortSignal): Promise<ReadonlyMap<string, BillRate>> {
    const regions = new Set<string>();
    for (const { region, metric, model } of readings) {
      const direction = directionOf(metric);
      if (direction !== undefined && model !== undefined && billRate(billed, region, model, metric, direction) === undefined) regions.add(region);
    }
    const listed = new Map<string, BillRate>();
    const failures: PollFailure[] = [];
    for (const region of regions) {
      try {
        for (const [key, rate] of await this.#options.listRates(region, now, signal)) listed.set(key, rate);
      } catch (error) {
        failures.push({ key: '', error, message: `could not read the AWS Price List for ${region}, models the bill has not priced yet have no estimated cost` });
      }
    }
    this.#warnings.poll('price_list', failures);
    return listed;
  }

  /** Each reader's quotas in each region (Service Quotas lists them for an hour); a failure keeps the last ones and warns once until all are read again. */
  async #readQuotas(readers: readonly LiveReader[], regions: readonly string[], now: Date, signal: AbortSignal): Promise<void> {
    const failed = await eachRegion(readers, regions, async (reader, region) => {
      this.#quotas.set(failureKey(reader, region), { region, quotas: await reader.quotas.tokenQuotas(region, now, signal) });
    });
    this.#warnings.poll('quotas', failed.map(({ reader, region, error }) => ({ key: '', error, message: `could not read Bedrock's quotas in ${region} with ${reader.who}, headroom keeps its last values` })));
  }

  /** The busiest recent minute of quota usage beside the quota, for the models called today. */
  #headroom(readings: readonly Reading[]): Family[] {
    const usage: QuotaUsageSeries[] = [];
    const called = new Set<string>();
    for (const { region, account, metric, model, minutes } of readings) {
      if (model === undefined) continue;
      if (metric === QUOTA_USAGE) usage.push({ account, region, model, minutes });
      else called.add(calledKey(account, region, model.model));
    }
    const quotas = [...this.#quotas.values()].flatMap(({ region, quotas: listed }) => listed.map((quota) => ({ ...quota, region })));
    return quotaFamilies(usage, quotas, called, this.#minutes.through());
  }

  /** The readers that can read this poll; each of the others is one failure, whatever the regions. */
  async #readyReaders(): Promise<{ ready: LiveReader[]; failed: Failure[] }> {
    const ready: LiveReader[] = [];
    const failed: Failure[] = [];
    for (const reader of this.#options.readers) {
      try {
        await reader.ready?.();
        ready.push(reader);
      } catch (error) {
        failed.push({ reader, error });
      }
    }
    return { ready, failed };
  }

  /** Once per settled day (again while a read fails): CloudWatch's tokens that day, one datapoint per series. */
  async #readSettledDay(readers: readonly LiveReader[], regions: readonly string[], signal: AbortSignal): Promise<void> {
    const day = this.#options.settled.day();
    if (day === undefined || (this.#reconciled?.day === day && this.#reconciled.complete)) return;
    const series = new Map<string, { reader: LiveReader; tokens: number }>();
    // The minutes' reads warn about the same failures; the day is read again next poll.
    const failed = await eachRegion(readers, regions, async (reader, region) => {
      for (const { label, points } of await reader.metrics.read(region, DAY_QUERIES, dayStartMs(day), dayStartMs(day) + DAY_MS, signal)) {
        const tokens = points.reduce((sum, [, value]) => sum + value, 0);
        if (tokens > 0) series.set(`${region}${SEPARATOR}${label}`, { reader, tokens });
      }
    });
    this.#reconciled = { day, series, complete: failed.length === 0 && readers.length === this.#options.readers.length };
  }

  /** CloudWatch's tokens over the bill's, per account, region, model and direction, on the bill's latest settled day. */
  #reconciliation(): Family[] {
    const ratio = family('bedrock_live_reconciliation_ratio', "Tokens CloudWatch counted on the bill's latest settled day over the tokens the bill shows for what CloudWatch sees (not batch, not mantle cache): 1 is in step, 0 an account or region the live plane does not read.");
    const day = family('bedrock_live_reconciliation_day_timestamp_seconds', 'Start of the settled day the live plane was last reconciled with.');
    const reconciled = this.#reconciled;
    if (reconciled === undefined || reconciled.day !== this.#options.settled.day()) return [ratio, day];
    const billed = this.#options.settled.billed();
    const byAccount = [...billed.values()].some((sum) => sum.account !== '');
    const live = new Map<string, number>();
    for (const [series, { tokens }] of reconciled.series) {
      const { region, account, metric, modelId } = seriesParts(series);
      const direction = directionOf(metric);
      const { model } = this.#lookup(region, modelId);
      if (direction === undefined || model === undefined) continue;
      const key = reconcileKey(byAccount ? account : '', region, model.model, direction);
      live.set(key, (live.get(key) ?? 0) + tokens);
    }
    for (const [key, sum] of billed) {
      const labels: Array<[string, string]> = [['account', sum.account], ['region', sum.region], ['model', sum.model], ['provider', sum.provider], ['direction', sum.direction]];
      set(ratio, labels, (live.get(key) ?? 0) / sum.tokens);
    }
    set(day, [], dayStartMs(reconciled.day) / 1000);
    return [ratio, day];
  }

  /** Reads a region's minutes since the last read, and the last ten minutes again. */
  async #read(reader: LiveReader, region: string, endMs: number, signal: AbortSignal): Promise<void> {
    const minutes = this.#minutes;
    const key = failureKey(reader, region);
    const startMs = Math.max(minutes.dayStartMs, (this.#readUntil.get(key) ?? minutes.dayStartMs) - this.#options.rereadMs);
    if (startMs >= endMs) return;
    for (const { label, points } of await reader.metrics.read(region, LIVE_QUERIES, startMs, endMs, signal)) {
      const series = `${region}${SEPARATOR}${label}`;
      this.#readerOf.set(series, reader);
      for (const [atMs, value] of points) minutes.record(series, region, atMs, value);
    }
    this.#readUntil.set(key, endMs);
  }

  /** A model id's model (an application profile's as Bedrock resolved it) and its allocation tags. */
  #lookup(region: string, modelId: string): { model: InvokedModel | undefined; tags: Readonly<Record<string, string>> } {
    const parsed = parseModelId(modelId);
    if (parsed.kind === 'model') return { model: parsed, tags: {} };
    const profile = this.#models.get(`${region}${SEPARATOR}${modelId}`);
    return { model: profile?.model, tags: profile?.tags ?? {} };
  }

  /** Asks Bedrock for the profiles not yet known, today's and the settled day's; a failure leaves their model unknown and warns once. */
  async #resolveProfiles(now: Date, signal: AbortSignal): Promise<void> {
    const { profiles, tags } = await this.#resolveNewProfiles(now, signal);
    this.#warnings.poll('profiles', profiles);
    this.#warnings.poll('profile_tags', tags);
  }

  /** Profiles whose model is known but whose tags could not be read are asked again next poll. */
  async #resolveNewProfiles(now: Date, signal: AbortSignal): Promise<{ profiles: PollFailure[]; tags: PollFailure[] }> {
    const tags: PollFailure[] = [];
    const read: Array<[series: string, reader: LiveReader | undefined]> = [...this.#minutes.series()].map((series) => [series, this.#readerOf.get(series)]);
    for (const [series, { reader }] of this.#reconciled?.series ?? []) read.push([series, reader]);
    for (const [series, reader] of read) {
      const { region, modelId } = seriesParts(series);
      const parsed = parseModelId(modelId);
      const key = `${region}${SEPARATOR}${modelId}`;
      if (parsed.kind !== 'application_profile' || this.#models.get(key)?.tagsRead === true || reader === undefined) continue;
      try {
        const resolved = await reader.profiles.resolve(region, parsed.id, now, signal);
        if (resolved === undefined) continue;
        const model = parseModelId(resolved.modelId);
        const tagsRead = resolved.tagsError === undefined;
        if (model.kind === 'model') this.#models.set(key, { model: { ...model, route: resolved.route, tier: parsed.tier, quota: resolved.quota }, tags: resolved.tags, tagsRead });
        if (!tagsRead) tags.push({ key: '', error: resolved.tagsError, message: 'could not read the tags of application inference profiles, their live series have no allocation_value' });
      } catch (error) {
        return { profiles: [{ key: '', error, message: 'could not resolve application inference profiles, their live series have no model' }], tags };
      }
    }
    return { profiles: [], tags };
  }
}

/** A live plane denied its first API says how to leave it out: it is on by default, and optional. */
function withOffSwitch(error: unknown): unknown {
  if (!(error instanceof AwsError) || error.code !== 'BUE_ERR_AWS_ACCESS_DENIED') return error;
  return new AwsError(error.code, `${error.message}; or --live.enabled=false leaves the live plane out`, { cause: error.cause });
}

/** Today so far for the landing page: the estimated cost and the tokens, through the latest minute read. */
function todayOf(tokens: Family, cost: Family, minutes: MinuteCounts): LiveToday | undefined {
  const through = Math.max(...minutes.through().values());
  if (!Number.isFinite(through)) return undefined;
  const total = (family: Family): number => [...family.series.values()].reduce((sum, value) => sum + value, 0);
  return { cost: total(cost), tokens: total(tokens), throughMs: through };
}

/** Reads every region with every reader, one after another; returns the reads that failed. */
async function eachRegion(readers: readonly LiveReader[], regions: readonly string[], read: (reader: LiveReader, region: string) => Promise<void>): Promise<Failure[]> {
  const failed: Failure[] = [];
  for (const reader of readers) {
    for (const region of regions) {
      try {
        await read(reader, region);
      } catch (error) {
        failed.push({ reader, region, error });
      }
    }
  }
  return failed;
}

const failureKey = (reader: LiveReader, region: string | undefined): string => `${reader.who}${SEPARATOR}${region ?? ''}`;

/**
 * The bill's price of a series' token. The mantle endpoint's metrics name the model but not its route
 * (a global call is billed under a usage type of its own), so a mantle series takes the bill's rate
 * for either route when its own has none.
 */
function billRate(billed: ReadonlyMap<string, BillRate>, region: string, model: Pick<InvokedModel, 'model' | 'route' | 'tier'>, metric: string, direction: string): BillRate | undefined {
  const exact = billed.get(rateKey(region, model.model, direction, model.route, model.tier));
  if (exact !== undefined || MANTLE_TOKENS[metric] === undefined) return exact;
  return ROUTES.map((route) => billed.get(rateKey(region, model.model, direction, route, model.tier))).find((rate) => rate !== undefined);
}

/** A token's price: the bill's own where it has one, else the Price List's. */
interface Prices {
  billed: ReadonlyMap<string, BillRate>;
  listed: ReadonlyMap<string, BillRate>;
}

function familiesOf(readings: readonly Reading[], { billed, listed }: Prices, through: ReadonlyMap<string, number>, allocationTags: readonly string[]): Family[] {
  const tokens = family('bedrock_live_tokens_total', 'Tokens Bedrock counted since 00:00 UTC today (CloudWatch, per minute; resets at midnight UTC), by direction.', 'counter');
  const cost = family('bedrock_live_estimated_cost_usd_total', "The live tokens since 00:00 UTC today priced at the bill's own rate for their region, model, direction, route and tier over the last settled days, or the AWS Price List's where the bill has none yet (resets at midnight UTC).", 'counter');
  const prices = family('bedrock_unit_price_usd', "The price of one token: what the bill charged over the last settled days divided by its tokens (source=\"bill\"), or the AWS Price List's where the bill has not priced a live series yet (source=\"price_list\").");
  const invocations = family('bedrock_live_invocations_total', 'Model invocations since 00:00 UTC today (CloudWatch; resets at midnight UTC).', 'counter');
  const throttles = family('bedrock_live_throttles_total', 'Invocations throttled since 00:00 UTC today (CloudWatch; resets at midnight UTC).', 'counter');
  const errors = family('bedrock_live_errors_total', 'Invocations that failed since 00:00 UTC today, by type: client or server (CloudWatch; resets at midnight UTC).', 'counter');
  const listedUsed = new Map<string, BillRate>();
  const readThrough = family('bedrock_live_data_timestamp_seconds', 'End of the latest minute CloudWatch has published and the exporter read, by region.');
  const byTag = family('bedrock_live_allocation_tokens_total', 'The live tokens since 00:00 UTC today by a cost allocation tag of the application inference profile called (allocation_value left out for calls through other ids or untagged profiles; resets at midnight UTC).', 'counter');
  const costByTag = family('bedrock_live_allocation_estimated_cost_usd_total', 'The live estimated cost since 00:00 UTC today by a cost allocation tag of the application inference profile called, priced as bedrock_live_estimated_cost_usd_total (resets at midnight UTC).', 'counter');
  for (const { region, account, metric, minutes, tags, ...reading } of readings) {
    const model = reading.model ?? { model: '', provider: 'unknown', route: 'regional', tier: 'standard', quota: 'on_demand' };
    const who: Array<[string, string]> = [['account', account], ['region', region], ['model', model.model], ['provider', model.provider]];
    let total = 0;
    for (const value of minutes.values()) total += value;
    const direction = directionOf(metric);
    if (direction !== undefined) {
      const labels = renderLabels([...who, ['direction', direction], ['route', model.route]]);
      addTo(tokens, labels, total);
      const key = rateKey(region, model.model, direction, model.route, model.tier);
      const billedRate = billRate(billed, region, model, metric, direction);
      const rate = billedRate ?? listed.get(key);
      if (rate !== undefined) addTo(cost, labels, total * rate.usdPerToken);
      if (rate !== undefined && billedRate === undefined) listedUsed.set(key, rate);
      for (const tagKey of allocationTags) {
        const value = tags[tagKey];
        const allocated = renderLabels([['allocation_type', 'tag'], ['allocation_key', tagKey], ...(value === undefined ? [] : [['allocation_value', value] as [string, string]]), ...who, ['direction', direction], ['route', model.route]]);
        addTo(byTag, allocated, total);
        if (rate !== undefined) addTo(costByTag, allocated, total * rate.usdPerToken);
      }
    }
    else if (INVOCATIONS.has(metric)) addTo(invocations, renderLabels(who), total);
    else if (THROTTLES.has(metric)) addTo(throttles, renderLabels(who), total);
    else if (ERRORS[metric] !== undefined) addTo(errors, renderLabels([...who, ['type', ERRORS[metric]!]]), total);
  }
  for (const [region, atMs] of through) set(readThrough, [['region', region]], atMs / 1000);
  for (const [source, rates] of [['bill', billed.values()], ['price_list', listedUsed.values()]] as const) {
    for (const { region, model, provider, direction, route, tier, usdPerToken } of rates) {
      set(prices, [['region', region], ['model', model], ['provider', provider], ['direction', direction], ['route', route], ['tier', tier], ['source', source]], usdPerToken);
    }
  }
  return [tokens, cost, invocations, throttles, errors, readThrough, prices, ...(allocationTags.length > 0 ? [byTag, costByTag] : [])];
}
