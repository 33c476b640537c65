import { assumeRole, STS } from '../aws/assume-role.js';
import type { ClientSettings } from '../aws/regional.js';
import type { OnRequest } from '../aws/requests.js';
import { BEDROCK, BedrockProfiles } from '../bedrock/profiles.js';
import { CLOUDWATCH, CloudWatchMetrics } from '../cloudwatch/client.js';
import type { Config } from '../config.js';
import { COST_EXPLORER, CostExplorerSource, sourceOptions, type CostSource } from '../cost-explorer/client.js';
import { Ledger } from '../cost-explorer/ledger.js';
import { LedgerStore } from '../cost-explorer/ledger-file.js';
import type { Logger } from '../log.js';
import type { HealthMetrics } from '../metrics/health.js';
import { Collector } from '../pipeline/collector.js';
import { PRICING, PriceList } from '../pricing/price-list.js';
import { SERVICE_QUOTAS, ServiceQuotas } from '../service-quotas/token-quotas.js';
import { sourcesFor } from '../sources/index.js';
import type { LiveReader } from '../sources/live/source.js';

/** An application profile Bedrock did not list is looked for again after this long. */
const PROFILES_RELIST_MS = 60 * 60_000;
/** List prices change seldom: a region's products serve for a day. */
const PRICE_LIST_RELIST_MS = 24 * 60 * 60_000;
/** Quotas change when someone asks AWS: an hour-old list is fresh enough. */
const QUOTAS_RELIST_MS = 60 * 60_000;

export interface CollectorParts {
  health: HealthMetrics;
  logger: Logger;
  clock?: (() => Date) | undefined;
  /** Tests fix the jitter. */
  random?: () => number;
  /** Tests and the demo point the client at the emulator. */
  target?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** Stands between the sources and the client (the benchmarks count its reads). */
  wrap?: (client: CostSource) => CostSource;
}

export interface RunningCollector {
  collector: Collector;
  /** Restores the ledger file, then starts every source's loop. */
  start(): Promise<void>;
  /** Stops the loops, saves what was read and not yet saved, and closes the client. */
  close(): Promise<void>;
}

/** The collector a configuration describes, over a Cost Explorer client whose requests `health` counts. */
export function createCollector(config: Config, { health, logger, clock, random, target, wrap }: CollectorParts): RunningCollector {
  const onRequest: OnRequest = (request) => health.countRequest(request);
  health.declareApi(COST_EXPLORER);
  const settings = sourceOptions(config, onRequest, target);
  const client = new CostExplorerSource(settings);
  const store = new LedgerStore(new Ledger(config.ledger.maxDays), config.ledger.file, logger);
  const live = config.live.enabled ? liveReaders(config.live.roleArns, config.collection.allocationTags, settings) : undefined;
  if (live) {
    health.declareApi(CLOUDWATCH);
    health.declareApi(BEDROCK);
    health.declareApi(SERVICE_QUOTAS);
    health.declareApi(PRICING);
    if (config.live.roleArns.length > 0) health.declareApi(STS);
  }
  const collector = new Collector({
    sources: sourcesFor(config, { client: wrap ? wrap(client) : client, store, logger, ...(clock ? { clock } : {}), ...(live ? { live } : {}) }),
    health,
    logger,
    refresh: config.refresh,
    ...(clock ? { clock } : {}),
    ...(random ? { random } : {}),
  });
  return {
    collector,
    async start() {
      await store.restore();
      collector.start();
    },
    async close() {
      await collector.stop();
      await store.save();
      client.destroy();
      live?.destroy();
    },
  };
}

/** The live plane's readers (the exporter's own credentials, then a role in each other account) and the Price List. */
function liveReaders(roleArns: readonly string[], tagKeys: readonly string[], settings: ClientSettings & { region: string; maxPages: number; onRequest: OnRequest }): { readers: LiveReader[]; priceList: PriceList; destroy(): void } {
  const priceList = new PriceList({ ...settings, relistAfterMs: PRICE_LIST_RELIST_MS });
  const made: Array<{ destroy(): void }> = [priceList];
  const reader = (who: string, as: typeof settings, ready?: () => Promise<unknown>): LiveReader => {
    const metrics = new CloudWatchMetrics(as);
    const profiles = new BedrockProfiles({ ...as, relistAfterMs: PROFILES_RELIST_MS, tagKeys });
    const quotas = new ServiceQuotas({ ...as, relistAfterMs: QUOTAS_RELIST_MS });
    made.push(metrics, profiles, quotas);
    return { who, metrics, profiles, quotas, ...(ready ? { ready } : {}) };
  };
  const readers = [reader("the exporter's own credentials", settings)];
  for (const arn of roleArns) {
    const role = assumeRole(arn, settings);
    made.push(role);
    readers.push(reader(arn, { ...settings, credentials: role.credentials }, role.credentials));
  }
  return { readers, priceList, destroy: () => made.forEach((client) => client.destroy()) };
}
