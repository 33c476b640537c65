// Which GetCostAndUsage queries yield account x service x usage type per day for the fewest paid pages.
// Cost Explorer allows two GroupBy keys. A Marketplace usage type names no model (only its SERVICE
// does), so SERVICE must be known for every row: with accounts, one query per service grouped by
// (LINKED_ACCOUNT, USAGE_TYPE); without accounts, a single query grouped by (SERVICE, USAGE_TYPE).

/** The first GroupBy key; the second is always USAGE_TYPE. */
export type GroupKey = 'LINKED_ACCOUNT' | 'SERVICE';

export interface PlannedQuery {
  /** Identifies what the query returns; ledger entries are stored under it. */
  key: string;
  services: string[];
  groupBy: [GroupKey, 'USAGE_TYPE'];
}

export function planQueries(services: readonly string[], accountBreakdown: boolean): PlannedQuery[] {
  const sorted = [...new Set(services)].sort();
  if (sorted.length === 0) return [];
  if (!accountBreakdown) {
    return [{ key: `services:${sorted.join('|')}`, services: sorted, groupBy: ['SERVICE', 'USAGE_TYPE'] }];
  }
  return sorted.map((service) => ({ key: `service:${service}`, services: [service], groupBy: ['LINKED_ACCOUNT', 'USAGE_TYPE'] }));
}

export function describePlan(queries: readonly PlannedQuery[]): string {
  return queries.map((query) => `${query.services.length === 1 ? query.services[0] : `${query.services.length} services`} by ${query.groupBy.join('+')}`).join('; ');
}
