// Pages a plan needs, counted from the emulator's data with the emulator's paging rule: one
// GetCostAndUsage query per service (grouped by account and usage type) over a run of days takes
// ceil(rows / page size) pages, a row per group per day, a day without groups still one row.
import { windowOf } from '../src/sources/windows.js';
import type { Config } from '../src/config.js';
import type { Dataset } from '../src/emulator/dataset.js';
import { dayOf, eachDay, type Day } from '../src/time.js';

export interface Requests {
  costAndUsage: number;
  dimensionValues: number;
}

/**
 * naive: the whole window on every refresh. minimum: per service, only the days that are unsettled
 * and the settled days not read since they settled (every settled day once, unsettled days on every refresh).
 */
export type ModelledPlan = 'naive' | 'minimum';

/** Distinct account x usage type groups per service on `day`, as Cost Explorer shows them at `asOf`. */
function groupsOn(dataset: Dataset, day: Day, asOf: Date): Map<string, number> {
  const seen = new Map<string, Set<string>>();
  for (const item of dataset.itemsOn(day, asOf)) {
    const groups = seen.get(item.service) ?? new Set<string>();
    groups.add(`${item.account}\u0000${item.usageType}`);
    seen.set(item.service, groups);
  }
  return new Map([...seen].map(([service, groups]) => [service, groups.size]));
}

export interface Modelled extends Requests {
  /** GetCostAndUsage pages per service. */
  byService: Map<string, number>;
}

/** Services are discovered as the collector does: one GetDimensionValues page, again after the rediscovery interval. */
export function modelledRequests(dataset: Dataset, times: readonly Date[], pageSize: number, plan: ModelledPlan, config: Config): Modelled {
  const settledGroups = new Map<Day, Map<string, number>>();
  const readSettled = new Set<string>();
  const modelled: Modelled = { costAndUsage: 0, dimensionValues: 0, byService: new Map() };
  let services: string[] = [];
  let discoveredAt = -Infinity;
  for (const asOf of times) {
    const { start, end } = windowOf(dayOf(asOf), config.collection.lookbackDays);
    const days = eachDay(start, end);
    const groups = new Map<Day, Map<string, number>>();
    for (const day of days) {
      const settled = dataset.isSettled(day, asOf);
      const found = (settled ? settledGroups.get(day) : undefined) ?? groupsOn(dataset, day, asOf);
      if (settled) settledGroups.set(day, found);
      groups.set(day, found);
    }
    if (asOf.getTime() - discoveredAt >= config.collection.rediscoverMs) {
      modelled.dimensionValues += 1;
      discoveredAt = asOf.getTime();
      services = [...new Set([...groups.values()].flatMap((perService) => [...perService.keys()]))];
    }
    for (const service of services) {
      let rows = 0;
      for (const day of [...days, undefined]) {
        const needed = day !== undefined && (plan === 'naive' || !dataset.isSettled(day, asOf) || !readSettled.has(`${service}|${day}`));
        if (needed) {
          if (dataset.isSettled(day, asOf)) readSettled.add(`${service}|${day}`);
          rows += Math.max(1, groups.get(day)?.get(service) ?? 0);
        } else if (rows > 0) {
          const pages = Math.ceil(rows / pageSize);
          modelled.costAndUsage += pages;
          modelled.byService.set(service, (modelled.byService.get(service) ?? 0) + pages);
          rows = 0;
        }
      }
    }
  }
  return modelled;
}
