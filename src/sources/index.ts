import { memoizedClassifier } from '../billing/classifier.js';
import type { Config } from '../config.js';
import type { CostSource } from '../cost-explorer/client.js';
import { ServiceDiscovery } from '../cost-explorer/discovery.js';
import type { LedgerStore } from '../cost-explorer/ledger-file.js';
import type { Logger } from '../log.js';
import type { Source } from './source.js';
import { AllocationSource } from './allocation/source.js';
import { LiveSource, type LiveReader } from './live/source.js';
import { BillView } from './live/bill.js';
import { UsageTypeSource } from './usage-type/source.js';

/** Each poll reads CloudWatch's last ten minutes again: they arrive late and are revised. */
const LIVE_REREAD_MS = 10 * 60_000;

export interface SourceDependencies {
  client: CostSource;
  /** The ledger the Cost Explorer sources share. */
  store: LedgerStore;
  logger: Logger;
  clock?: () => Date;
  /** CloudWatch and Bedrock, with each set of credentials: given, the live plane reads them. */
  live?: readonly LiveReader[];
}

/** The sources a configuration turns on, in the order their series appear. */
export function sourcesFor(config: Pick<Config, 'collection' | 'live'>, { client, store, logger, clock, live }: SourceDependencies): Source[] {
  const { services, serviceSearch, rediscoverMs, accountBreakdown, settleDays, lookbackDays, allocationTags, costCategories } = config.collection;
  const discovery = new ServiceDiscovery({ client, logger, services, search: serviceSearch, rediscoverMs, ...(clock ? { clock } : {}) });
  const daily = { client, discovery, store, logger, settleDays, lookbackDays };
  const sources: Source[] = [new UsageTypeSource({ ...daily, accountBreakdown })];
  if (allocationTags.length + costCategories.length > 0) sources.push(new AllocationSource({ ...daily, tags: allocationTags, costCategories }));
  if (live !== undefined) {
    const { intervalMs, regions } = config.live;
    const bill = new BillView(store.ledger, memoizedClassifier());
    sources.push(
      new LiveSource({
        readers: live,
        logger,
        regions: async (signal) => (regions.length > 0 ? regions : bill.regions(signal)),
        timing: { intervalMs, jitter: 0.1, retryBaseMs: Math.min(30_000, intervalMs), retryMaxMs: intervalMs, timeoutMs: Math.min(intervalMs, 120_000) },
        rereadMs: LIVE_REREAD_MS,
        rates: (now) => bill.rates(now),
        settled: { day: () => bill.settledDay(), billed: () => bill.billedTokens() },
      }),
    );
  }
  return sources;
}
