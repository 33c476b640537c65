import { memoizedClassifier } from '../../billing/classifier.js';
import type { CostSource } from '../../cost-explorer/client.js';
import type { ServiceDiscovery } from '../../cost-explorer/discovery.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import { describePlan, planQueries } from '../../cost-explorer/plan.js';
import { Pacer } from '../../pacer.js';
import type { Day, DayRange } from '../../time.js';
import { ISSUES_URL } from '../../version.js';
import { DailySource, type DailyOptions, type DailyPlan } from '../daily.js';
import type { Contribution } from '../source.js';
import { aggregate } from './aggregate.js';

export interface UsageTypeSourceOptions extends DailyOptions {
  client: Pick<CostSource, 'fetchDaily'>;
  /** The Bedrock services to read, shared with the process' other Cost Explorer sources. */
  discovery: Pick<ServiceDiscovery, 'services'>;
  accountBreakdown: boolean;
}

/** Cost Explorer by usage type (and account): the bill-wide source the base families come from. */
export class UsageTypeSource extends DailySource {
  readonly name = 'cost_explorer_usage_type';
  readonly title = 'the bill (Cost Explorer)';
  readonly #options: UsageTypeSourceOptions;
  readonly #classify = memoizedClassifier();
  readonly #reportedUnknown = new Set<string>();

  constructor(options: UsageTypeSourceOptions) {
    super(options);
    this.#options = options;
  }

  async plan(range: DayRange, signal?: AbortSignal): Promise<DailyPlan> {
    const { client, discovery, accountBreakdown } = this.#options;
    const services = await discovery.services(range.start, range.end, signal);
    const planned = planQueries(services, accountBreakdown);
    return {
      services,
      description: describePlan(planned),
      queries: planned.map((query) => ({
        key: query.key,
        label: query.services.join(', '),
        read: (start, end, readSignal) => client.fetchDaily(query, start, end, readSignal),
      })),
    };
  }

  async contribute(today: Day, entries: Iterable<DayEntry>, pacer = new Pacer()): Promise<Contribution> {
    const contribution = await aggregate(entries, today, this.#classify, pacer);
    for (const unknown of contribution.unrecognized) {
      if (this.#reportedUnknown.has(unknown)) continue;
      this.#reportedUnknown.add(unknown);
      const [service, usageType] = unknown.split('|');
      this.#options.logger.warn({ service, usageType }, `unrecognized Bedrock usage type: exported with kind="unknown"; please report it at ${ISSUES_URL}`);
    }
    return contribution;
  }
}
