import type { ProfileDirectory } from '../../bedrock/profiles.js';
import { parseModelId, type InvokedModel } from '../../billing/model-ids.js';
import { oneLine } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { LiveMetrics, MetricQuery } from '../../cloudwatch/client.js';
import { addTo, family, renderLabels, set, type Family } from '../../metrics/series.js';
import type { Contribution, RefreshContext, RefreshTiming, Source } from '../source.js';
import { MinuteCounts } from './minutes.js';
import { rateKey, type BillRate } from './rates.js';

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

const RUNTIME_METRICS = [...Object.keys(RUNTIME_TOKENS), 'Invocations', 'InvocationThrottles', 'InvocationClientErrors', 'InvocationServerErrors'];
const MANTLE_METRICS = [...Object.keys(MANTLE_TOKENS), 'Inferences', 'InferenceClientErrors'];
const anyOf = (names: readonly string[]): string => `(${names.map((name) => `MetricName="${name}"`).join(' OR ')})`;
const SEPARATOR = '|';

/** One SEARCH per namespace, each metric it finds labelled with its account, name and model. */
export const LIVE_QUERIES: readonly MetricQuery[] = [
  {
    id: 'runtime',
    expression: `SEARCH('{AWS/Bedrock,ModelId} ${anyOf(RUNTIME_METRICS)}', 'Sum', 60)`,
    label: ["${PROP('AccountId')}", "${PROP('MetricName')}", "${PROP('Dim.ModelId')}"].join(SEPARATOR),
  },
  {
    id: 'mantle',
    expression: `SEARCH('{AWS/BedrockMantle,Model,Project} ${anyOf(MANTLE_METRICS)}', 'Sum', 60)`,
    label: ["${PROP('AccountId')}", "${PROP('MetricName')}", "${PROP('Dim.Model')}"].join(SEPARATOR),
  },
];

export interface LiveSourceOptions {
  metrics: LiveMetrics;
  /** The regions to read. */
  regions: (signal: AbortSignal) => Promise<readonly string[]>;
  timing: RefreshTiming;
  /** How far back each poll reads again: CloudWatch's late and revised minutes. */
  rereadMs: number;
  /** The bill's own price of a token, by rateKey, as of `now`. */
  rates: (now: Date) => ReadonlyMap<string, BillRate>;
  /** Bedrock: the model behind an application inference profile. */
  profiles: ProfileDirectory;
  logger: Logger;
}

const MINUTE_MS = 60_000;

export class LiveSource implements Source {
  readonly name = 'cloudwatch_live';
  readonly timing: RefreshTiming;
  readonly #options: LiveSourceOptions;
  readonly #minutes = new MinuteCounts();
  /** Application profiles resolved so far, by region and ARN or id. */
  readonly #models = new Map<string, InvokedModel>();
  #warned = false;

  constructor(options: LiveSourceOptions) {
    this.#options = options;
    this.timing = options.timing;
  }

  async refresh({ now, signal }: RefreshContext): Promise<Contribution> {
    const minutes = this.#minutes;
    minutes.startDay(now);
    const endMs = now.getTime() - (now.getTime() % MINUTE_MS);
    for (const region of await this.#options.regions(signal)) {
      const startMs = Math.max(minutes.dayStartMs, (minutes.through().get(region) ?? minutes.dayStartMs) - this.#options.rereadMs);
      if (startMs >= endMs) continue;
      for (const { label, points } of await this.#options.metrics.read(region, LIVE_QUERIES, startMs, endMs, signal)) {
        for (const [atMs, value] of points) minutes.record(`${region}${SEPARATOR}${label}`, region, atMs, value);
      }
    }
    await this.#resolveProfiles(now, signal);
    return { families: familiesOf(minutes, this.#options.rates(now), (region, modelId) => this.#modelOf(region, modelId)) };
  }

  #modelOf(region: string, modelId: string): InvokedModel | undefined {
    const parsed = parseModelId(modelId);
    return parsed.kind === 'model' ? parsed : this.#models.get(`${region}${SEPARATOR}${modelId}`);
  }

  /** Asks Bedrock for the profiles not yet known; a failure leaves their model unknown and warns once. */
  async #resolveProfiles(now: Date, signal: AbortSignal): Promise<void> {
    for (const series of this.#minutes.series()) {
      const [region = '', , , modelId = ''] = series.split(SEPARATOR);
      const parsed = parseModelId(modelId);
      const key = `${region}${SEPARATOR}${modelId}`;
      if (parsed.kind !== 'application_profile' || this.#models.has(key)) continue;
      try {
        const resolved = await this.#options.profiles.resolve(region, parsed.id, now, signal);
        if (resolved === undefined) continue;
        const model = parseModelId(resolved.modelId);
        if (model.kind === 'model') this.#models.set(key, { ...model, route: resolved.route, tier: parsed.tier });
      } catch (error) {
        if (!this.#warned) this.#options.logger.warn({ err: error }, `could not resolve application inference profiles, their live series have no model: ${oneLine(error)}`);
        this.#warned = true;
        return;
      }
    }
  }
}

function familiesOf(minutes: MinuteCounts, rates: ReadonlyMap<string, BillRate>, modelOf: (region: string, modelId: string) => InvokedModel | undefined): Family[] {
  const tokens = family('bedrock_live_tokens_total', 'Tokens Bedrock counted since 00:00 UTC today (CloudWatch, per minute; resets at midnight UTC), by direction.', 'counter');
  const cost = family('bedrock_live_estimated_cost_usd_total', "The live tokens since 00:00 UTC today priced at the bill's own rate for their region, model, direction, route and tier over the last settled days (resets at midnight UTC).", 'counter');
  const prices = family('bedrock_unit_price_usd', "The price of one token: what the bill charged over the last settled days divided by its tokens (source=\"bill\").");
  const invocations = family('bedrock_live_invocations_total', 'Model invocations since 00:00 UTC today (CloudWatch; resets at midnight UTC).', 'counter');
  const throttles = family('bedrock_live_throttles_total', 'Invocations throttled since 00:00 UTC today (CloudWatch; resets at midnight UTC).', 'counter');
  const errors = family('bedrock_live_errors_total', 'Invocations that failed since 00:00 UTC today, by type: client or server (CloudWatch; resets at midnight UTC).', 'counter');
  const through = family('bedrock_live_data_timestamp_seconds', 'End of the latest minute CloudWatch has published and the exporter read, by region.');
  for (const [series, total] of minutes.totals()) {
    const [region = '', account = '', metric = '', modelId = ''] = series.split(SEPARATOR);
    const model = modelOf(region, modelId) ?? { model: '', provider: 'unknown', route: 'regional', tier: 'standard' };
    const who: Array<[string, string]> = [['account', account], ['region', region], ['model', model.model], ['provider', model.provider]];
    const direction = RUNTIME_TOKENS[metric] ?? MANTLE_TOKENS[metric];
    if (direction !== undefined) {
      const labels = renderLabels([...who, ['direction', direction], ['route', model.route]]);
      addTo(tokens, labels, total);
      const rate = rates.get(rateKey(region, model.model, direction, model.route, model.tier));
      if (rate !== undefined) addTo(cost, labels, total * rate.usdPerToken);
    }
    else if (INVOCATIONS.has(metric)) addTo(invocations, renderLabels(who), total);
    else if (THROTTLES.has(metric)) addTo(throttles, renderLabels(who), total);
    else if (ERRORS[metric] !== undefined) addTo(errors, renderLabels([...who, ['type', ERRORS[metric]!]]), total);
  }
  for (const [region, atMs] of minutes.through()) set(through, [['region', region]], atMs / 1000);
  for (const { region, model, provider, direction, route, tier, usdPerToken } of rates.values()) {
    set(prices, [['region', region], ['model', model], ['provider', provider], ['direction', direction], ['route', route], ['tier', tier], ['source', 'bill']], usdPerToken);
  }
  return [tokens, cost, invocations, throttles, errors, through, prices];
}
