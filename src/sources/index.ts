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
import { ListedRates } from './live/list-rates.js';
import type { PriceCatalogue } from '../pricing/price-list.js';
import { UsageTypeSource } from './usage-type/source.js';

/** Each poll reads CloudWatch's last ten minutes again: they arrive late and are revised. */
const LIVE_REREAD_MS = 10 * 60_000;

export interface SourceDependencies {
  client: CostSource;
  /** The ledger the Cost Explorer sources share. */
  store: LedgerStore;
  logger: Logger;
  clock?: () => Date;
  /** Given, the live plane reads CloudWatch, Bedrock and Service Quotas with each reader's credentials, and the AWS Price List for what the bill has not priced yet. */
  live?: { readers: readonly LiveReader[]; priceList: PriceCatalogue };
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
    const classify = memoizedClassifier();
    const bill = new BillView(store.ledger, classify);
    const listed = new ListedRates(live.priceList, classify);
    sources.push(
      new LiveSource({
        readers: live.readers,
        logger,
        regions: async (signal) => (regions.length > 0 ? regions : bill.regions(signal)),
        timing: { intervalMs, jitter: 0.1, retryBaseMs: Math.min(30_000, intervalMs), retryMaxMs: intervalMs, timeoutMs: Math.min(intervalMs, 120_000) },
        rereadMs: LIVE_REREAD_MS,
        rates: (now) => bill.rates(now),
        listRates: (region, now, signal) => listed.rates(region, now, signal),
        settled: { day: () => bill.settledDay(), billed: () => bill.billedTokens() },
        allocationTags: config.collection.allocationTags,
      }),
    );
  }
  return sources;
}
