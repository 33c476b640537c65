// Which GetCostAndUsage queries yield what a source needs per day for the fewest paid pages. Cost
// Explorer allows two GroupBy entries; the second is always USAGE_TYPE. A Marketplace usage type names
// no model (only its SERVICE does), so SERVICE must be known for every row: grouped by anything but
// SERVICE, a query reads one service.

/** A dimension a query may be grouped by first. */
export type GroupKey = 'LINKED_ACCOUNT' | 'SERVICE';

/** The first GroupBy entry: a dimension, or a cost allocation tag or cost category by its key, verbatim. */
export type Grouping = { type: 'DIMENSION'; key: GroupKey } | { type: 'TAG' | 'COST_CATEGORY'; key: string };

export interface PlannedQuery {
  /** Identifies what the query returns; ledger entries are stored under it. */
  key: string;
  services: string[];
  groupBy: Grouping;
}

const distinct = (services: readonly string[]): string[] => [...new Set(services)].sort();

/** The bill by usage type: per service and account, or (without accounts) one query grouped by service. */
export function planQueries(services: readonly string[], accountBreakdown: boolean): PlannedQuery[] {
  const sorted = distinct(services);
  if (sorted.length === 0) return [];
  if (!accountBreakdown) {
    return [{ key: `services:${sorted.join('|')}`, services: sorted, groupBy: { type: 'DIMENSION', key: 'SERVICE' } }];
  }
  return sorted.map((service) => ({ key: `service:${service}`, services: [service], groupBy: { type: 'DIMENSION', key: 'LINKED_ACCOUNT' } }));
}

/** The bill by usage type and the values of a tag or cost category: one query per service. */
export function planGroupedQueries(services: readonly string[], groupBy: Extract<Grouping, { type: 'TAG' | 'COST_CATEGORY' }>): PlannedQuery[] {
  const kind = groupBy.type === 'TAG' ? 'tag' : 'cost_category';
  return distinct(services).map((service) => ({ key: `service:${service}|${kind}:${groupBy.key}`, services: [service], groupBy }));
}

const describeGrouping = (groupBy: Grouping): string => (groupBy.type === 'DIMENSION' ? groupBy.key : `${groupBy.type === 'TAG' ? 'tag' : 'cost category'} ${JSON.stringify(groupBy.key)}`);

export function describePlan(queries: readonly PlannedQuery[]): string {
  return queries.map((query) => `${query.services.length === 1 ? query.services[0] : `${query.services.length} services`} by ${describeGrouping(query.groupBy)}+USAGE_TYPE`).join('; ');
}
