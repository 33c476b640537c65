import type { Config } from '../config.js';
import type { CostSource } from '../cost-explorer/client.js';
import { ServiceDiscovery } from '../cost-explorer/discovery.js';
import type { LedgerStore } from '../cost-explorer/ledger-file.js';
import type { Logger } from '../log.js';
import type { Source } from './source.js';
import { AllocationSource } from './allocation/source.js';
import { UsageTypeSource } from './usage-type/source.js';

export interface SourceDependencies {
  client: CostSource;
  /** The ledger the Cost Explorer sources share. */
  store: LedgerStore;
  logger: Logger;
  clock?: () => Date;
}

/** The sources a configuration turns on, in the order their series appear. */
export function sourcesFor(config: Pick<Config, 'collection'>, { client, store, logger, clock }: SourceDependencies): Source[] {
  const { services, serviceSearch, rediscoverMs, accountBreakdown, settleDays, lookbackDays, allocationTags, costCategories } = config.collection;
  const discovery = new ServiceDiscovery({ client, logger, services, search: serviceSearch, rediscoverMs, ...(clock ? { clock } : {}) });
  const daily = { client, discovery, store, logger, settleDays, lookbackDays };
  const sources: Source[] = [new UsageTypeSource({ ...daily, accountBreakdown })];
  if (allocationTags.length + costCategories.length > 0) sources.push(new AllocationSource({ ...daily, tags: allocationTags, costCategories }));
  return sources;
}
