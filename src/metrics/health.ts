import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AwsApi, AwsRequest } from '../aws/requests.js';

/** Names and help of the exporter's own families, for the live registry and for the backfilled history alike. */
export const OWN = {
  refreshSuccess: { name: 'bedrock_exporter_refresh_success', help: "Whether every source's latest refresh succeeded (1) or not (0)." },
  lastSuccess: { name: 'bedrock_exporter_last_refresh_success_timestamp_seconds', help: "Unix time of the last refresh after which every source's latest refresh had succeeded." },
  unrecognized: { name: 'bedrock_exporter_unrecognized_usage_types', help: 'Distinct Bedrock usage types in the current data that no known grammar recognises (exported with kind="unknown").' },
  sourceSuccess: { name: 'bedrock_exporter_source_refresh_success', help: 'Whether the last refresh of each source succeeded (1) or failed (0); a failed source keeps serving its last good series.' },
  sourceLastSuccess: { name: 'bedrock_exporter_source_last_refresh_success_timestamp_seconds', help: 'Unix time of the last successful refresh of each source.' },
} as const;

/** The exporter's own metrics; small, so prom-client renders them on each scrape. */
export class HealthMetrics {
  readonly registry = new Registry();
  readonly refreshSuccess: Gauge;
  readonly lastSuccess: Gauge;
  readonly refreshDuration: Gauge;
  readonly requests: Counter<'api' | 'operation' | 'outcome'>;
  readonly spend: Counter<'api'>;
  readonly unrecognized: Gauge;
  readonly sourceSuccess: Gauge<'source'>;
  readonly sourceLastSuccess: Gauge<'source'>;

  constructor(version: string, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const info = new Gauge({ name: 'bedrock_exporter_build_info', help: 'Build information of the exporter (value 1).', labelNames: ['version', 'nodejs'], registers });
    info.set({ version, nodejs: process.version }, 1);
    this.refreshSuccess = new Gauge({ ...OWN.refreshSuccess, registers });
    this.lastSuccess = new Gauge({ ...OWN.lastSuccess, registers });
    this.refreshDuration = new Gauge({ name: 'bedrock_exporter_refresh_duration_seconds', help: "How long the slowest source's latest refresh took.", registers });
    this.sourceSuccess = new Gauge({ ...OWN.sourceSuccess, labelNames: ['source'], registers });
    this.sourceLastSuccess = new Gauge({ ...OWN.sourceLastSuccess, labelNames: ['source'], registers });
    this.requests = new Counter({
      name: 'bedrock_exporter_aws_requests_total',
      help: 'Requests sent to AWS (every page and every retry is one), by API, operation and outcome.',
      labelNames: ['api', 'operation', 'outcome'],
      registers,
    });
    this.spend = new Counter({ name: 'bedrock_exporter_aws_spend_usd_total', help: "What the exporter's AWS requests cost in US dollars at each API's list price, by API.", labelNames: ['api'], registers });
    this.unrecognized = new Gauge({ ...OWN.unrecognized, registers });
    this.refreshSuccess.set(0);
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named *_total fail `promtool check metrics`; each is the sum of its per-type gauge (nodejs_active_handles{type}).
      for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    }
  }

  /** Spend per API in millionths of a dollar: adding 0.01 over and over drifts (0.12999999999999998). */
  readonly #microDollars = new Map<string, number>();

  /** An API the sources call: every series of its operations exists from the start at 0, so increase() sees the first error. */
  declareApi({ api, operations }: AwsApi): void {
    for (const operation of operations) {
      for (const outcome of ['success', 'throttled', 'error'] as const) this.requests.inc({ api, operation, outcome }, 0);
    }
    this.spend.inc({ api }, 0);
  }

  countRequest({ api, operation, outcome, costUsd }: AwsRequest): void {
    this.requests.inc({ api, operation, outcome });
    if (costUsd === 0) return;
    const micro = (this.#microDollars.get(api) ?? 0) + Math.round(costUsd * 1e6);
    this.#microDollars.set(api, micro);
    this.spend.remove({ api });
    this.spend.inc({ api }, micro / 1e6);
  }
}
