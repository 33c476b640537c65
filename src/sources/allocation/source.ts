import { memoizedClassifier } from '../../billing/classifier.js';
import type { CostSource } from '../../cost-explorer/client.js';
import type { ServiceDiscovery } from '../../cost-explorer/discovery.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import { describePlan, planGroupedQueries, type Grouping } from '../../cost-explorer/plan.js';
import { Pacer } from '../../pacer.js';
import type { Day, DayRange } from '../../time.js';
import { DailySource, type DailyOptions, type DailyPlan } from '../daily.js';
import type { Contribution } from '../source.js';
import { aggregateAllocation, type Allocation } from './aggregate.js';

export interface AllocationSourceOptions extends DailyOptions {
  client: Pick<CostSource, 'fetchDaily'>;
  discovery: Pick<ServiceDiscovery, 'services'>;
  /** Cost allocation tag keys, verbatim. */
  tags: readonly string[];
  /** Cost category names, verbatim. */
  costCategories: readonly string[];
}

/**
 * Who spends: Cost Explorer by a cost allocation tag or cost category and usage type, one query per
 * service and key (two groupings at most, so no account here). Each key's values, spend without one
 * included, add up to the bill the usage-type source reads.
 */
export class AllocationSource extends DailySource {
  readonly name = 'cost_explorer_allocation';
  readonly #options: AllocationSourceOptions;
  readonly #classify = memoizedClassifier();
  readonly #groupings: Array<Extract<Grouping, { type: 'TAG' | 'COST_CATEGORY' }>>;
  readonly #allocations = new Map<string, Allocation>();

  constructor(options: AllocationSourceOptions) {
    super(options);
    this.#options = options;
    this.#groupings = [
      ...options.tags.map((key) => ({ type: 'TAG' as const, key })),
      ...options.costCategories.map((key) => ({ type: 'COST_CATEGORY' as const, key })),
    ];
  }

  async plan(range: DayRange, signal?: AbortSignal): Promise<DailyPlan> {
    const { client, discovery } = this.#options;
    const services = await discovery.services(range.start, range.end, signal);
    const planned = this.#groupings.flatMap((groupBy) => {
      const queries = planGroupedQueries(services, groupBy);
      for (const query of queries) this.#allocations.set(query.key, { type: groupBy.type === 'TAG' ? 'tag' : 'cost_category', key: groupBy.key });
      return queries;
    });
    return {
      services,
      description: describePlan(planned),
      queries: planned.map((query) => ({
        key: query.key,
        label: `${query.services.join(', ')} by ${query.groupBy.key}`,
        read: (start, end, readSignal) => client.fetchDaily(query, start, end, readSignal),
      })),
    };
  }

  async contribute(today: Day, entries: Iterable<DayEntry>, pacer = new Pacer()): Promise<Contribution> {
    return { families: await aggregateAllocation(entries, today, this.#classify, (key) => this.#allocations.get(key)!, pacer) };
  }
}
