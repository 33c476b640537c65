import { memoizedClassifier } from '../../billing/classifier.js';
import type { CostSource } from '../../cost-explorer/client.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import { describePlan, planQueries } from '../../cost-explorer/plan.js';
import type { Logger } from '../../log.js';
import { Pacer } from '../../pacer.js';
import type { Day } from '../../time.js';
import { ISSUES_URL } from '../../version.js';
import type { Contribution, DayRange, Source, SourcePlan } from '../source.js';
import { aggregate } from './aggregate.js';

export interface UsageTypeSourceOptions {
  client: CostSource;
  logger: Logger;
  /** Bedrock SERVICE values to read; empty: discover them with `serviceSearch`, again after `rediscoverMs`. */
  services: readonly string[];
  serviceSearch: string;
  rediscoverMs: number;
  accountBreakdown: boolean;
  clock?: () => Date;
}

/** Cost Explorer by usage type (and account): the bill-wide source the base families come from. */
export class UsageTypeSource implements Source {
  readonly name = 'cost_explorer_usage_type';
  readonly #options: UsageTypeSourceOptions;
  readonly #clock: () => Date;
  readonly #classify = memoizedClassifier();
  readonly #reportedUnknown = new Set<string>();
  #discovered: { names: string[]; at: number } | undefined;

  constructor(options: UsageTypeSourceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  async plan(range: DayRange, signal?: AbortSignal): Promise<SourcePlan> {
    const { client, accountBreakdown } = this.#options;
    const services = await this.#services(range, signal);
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

  async #services({ start, end }: DayRange, signal?: AbortSignal): Promise<string[]> {
    const { client, services, serviceSearch, rediscoverMs, logger } = this.#options;
    if (services.length > 0) return [...services];
    const now = this.#clock().getTime();
    if (this.#discovered && now - this.#discovered.at < rediscoverMs) return this.#discovered.names;
    const names = await client.discoverServices(serviceSearch, start, end, signal);
    if (this.#discovered?.names.join('\n') !== names.join('\n')) logger.info({ services: names }, 'discovered Bedrock services in Cost Explorer');
    this.#discovered = { names, at: now };
    return names;
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
