import type { Config } from '../config.js';
import type { CostSource } from '../cost-explorer/client.js';
import { ServiceDiscovery } from '../cost-explorer/discovery.js';
import type { Logger } from '../log.js';
import type { Source } from './source.js';
import { UsageTypeSource } from './usage-type/source.js';

/** The sources a configuration turns on, in the order their series appear. */
export function sourcesFor(config: Pick<Config, 'collection'>, client: CostSource, logger: Logger, clock?: () => Date): Source[] {
  const { services, serviceSearch, rediscoverMs, accountBreakdown } = config.collection;
  const discovery = new ServiceDiscovery({ client, logger, services, search: serviceSearch, rediscoverMs, ...(clock ? { clock } : {}) });
  return [new UsageTypeSource({ client, discovery, logger, accountBreakdown })];
}
