import { memoizedClassifier } from '../../billing/classifier.js';
import type { CostSource } from '../../cost-explorer/client.js';
import type { ServiceDiscovery } from '../../cost-explorer/discovery.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import { describePlan, planGroupedQueries, type Grouping } from '../../cost-explorer/plan.js';
import { oneLine } from '../../errors.js';
import { Pacer } from '../../pacer.js';
import type { Day, DayRange } from '../../time.js';
import { DailySource, type DailyOptions, type DailyPlan } from '../daily.js';
import type { Contribution } from '../source.js';
import { aggregateAllocation, type Allocation } from './aggregate.js';

export interface AllocationSourceOptions extends DailyOptions {
  client: Pick<CostSource, 'fetchDaily' | 'listTags' | 'listCostCategories'>;
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
  readonly title = 'who spends (Cost Explorer)';
  readonly #options: AllocationSourceOptions;
  readonly #classify = memoizedClassifier();
  readonly #groupings: Array<Extract<Grouping, { type: 'TAG' | 'COST_CATEGORY' }>>;
  readonly #allocations = new Map<string, Allocation>();
  #checked = false;

  constructor(options: AllocationSourceOptions) {
    super(options);
    this.#options = options;
    // A key given twice is read once: its series would otherwise count its spend twice.
    this.#groupings = [
      ...[...new Set(options.tags)].map((key) => ({ type: 'TAG' as const, key })),
      ...[...new Set(options.costCategories)].map((key) => ({ type: 'COST_CATEGORY' as const, key })),
    ];
  }

  async plan(range: DayRange, signal?: AbortSignal): Promise<DailyPlan> {
    const { client, discovery } = this.#options;
    if (!this.#checked) {
      this.#checked = true;
      await this.#checkKeys(range, signal);
    }
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

  /**
   * Says once which of the configured keys Cost Explorer knows, with their values, and warns about the
   * others: a key that is not activated (or tags no spend) leaves all its spend without a value. A
   * check that fails costs a warning, never the refresh.
   */
  async #checkKeys(range: DayRange, signal?: AbortSignal): Promise<void> {
    const { client, logger, tags, costCategories } = this.#options;
    const kinds = [
      { kind: 'cost allocation tag', configured: tags, list: (key?: string) => client.listTags(range.start, range.end, key, signal), hint: 'activate it in the Billing console (Cost allocation tags); spend before activation stays untagged' },
      { kind: 'cost category', configured: costCategories, list: (key?: string) => client.listCostCategories(range.start, range.end, key, signal), hint: 'check its name in the Billing console (Cost categories)' },
    ];
    for (const { kind, configured, list, hint } of kinds) {
      if (configured.length === 0) continue;
      try {
        const known = new Set(await list());
        for (const key of configured) {
          if (!known.has(key)) {
            logger.warn({ key, known: [...known] }, `${kind} ${JSON.stringify(key)} has no spend in Cost Explorer from ${range.start}: ${hint}; until then all its spend has no allocation_value`);
            continue;
          }
          const values = await list(key);
          logger.info({ key, values: values.slice(0, 50), count: values.length }, `${kind} ${JSON.stringify(key)}: ${values.length} values in Cost Explorer from ${range.start}`);
        }
      } catch (error) {
        logger.warn({ err: error }, `could not list the ${kind} keys Cost Explorer knows, reading them anyway: ${oneLine(error)}`);
      }
    }
  }

  async contribute(today: Day, entries: Iterable<DayEntry>, pacer = new Pacer()): Promise<Contribution> {
    return aggregateAllocation(entries, today, this.#classify, (key) => this.#allocations.get(key)!, pacer);
  }
}
