import type { Classifier } from '../../billing/classifier.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';
import { addTo, renderLabels, type Family } from '../../metrics/series.js';
import { Pacer } from '../../pacer.js';
import type { Day } from '../../time.js';
import type { Breakdown, Totals } from '../summary.js';
import { CACHED, WINDOW_SPAN, WINDOWS, windowFamily, windowsOn, type Window } from '../windows.js';

// From the ledger's daily rows grouped by a cost allocation tag or cost category and usage type to the
// allocation gauges of the contract (README, "Who spends"). Pure: the same entries give the same families.

/** What a query's rows are grouped by, as the allocation labels name it. */
export interface Allocation {
  type: 'tag' | 'cost_category';
  /** The key as configured. */
  key: string;
}

function windowFamilies(window: Window) {
  const span = WINDOW_SPAN[window];
  const by = 'by the value of a cost allocation tag or cost category (allocation_value left out for spend without one)';
  return {
    cost: windowFamily(`bedrock_allocation_cost_usd_${window}`, `Amazon Bedrock unblended cost in US dollars ${span}, ${by}, credits included. ${CACHED}`, window),
    tokens: windowFamily(`bedrock_allocation_tokens_${window}`, `Amazon Bedrock tokens used ${span}, ${by}. ${CACHED}`, window),
  };
}

/** A row's label sets, rendered once per service, usage type, unit and allocation value. */
interface RowSeries {
  cost: string;
  tokens: string | undefined;
  tokensPerUnit: number;
  /** This month's totals of the row's key and value, for the landing page. */
  month?: Totals;
}

/**
 * The allocation gauges for `today` from the entries of the allocation queries; every key's
 * values, untagged included, add up to the whole bill, as Cost Explorer answers each grouping.
 */
export async function aggregateAllocation(
  entries: Iterable<DayEntry>,
  today: Day,
  classify: Classifier,
  allocationOf: (queryKey: string) => Allocation,
  pacer = new Pacer(),
): Promise<{ families: Family[]; breakdowns: Breakdown[] }> {
  const families = { daily: windowFamilies('daily'), month_to_date: windowFamilies('month_to_date') };
  const memo = new Map<string, RowSeries>();
  const breakdowns = new Map<string, Breakdown>();
  const monthOf = (allocation: Allocation, value: string): Totals => {
    const title = `${allocation.type === 'tag' ? 'tag' : 'cost category'} ${allocation.key}`;
    let breakdown = breakdowns.get(title);
    if (breakdown === undefined) {
      breakdown = { title, totals: new Map() };
      breakdowns.set(title, breakdown);
    }
    let totals = breakdown.totals.get(value);
    if (totals === undefined) {
      totals = { cost: 0, tokens: 0, tokenCost: 0 };
      breakdown.totals.set(value, totals);
    }
    return totals;
  };
  for (const entry of entries) {
    const windows = windowsOn(entry.day, today);
    if (windows.length === 0) continue;
    const allocation = allocationOf(entry.queryKey);
    for (const row of entry.rows) {
      if (pacer.due()) await pacer.pause();
      const value = row.group ?? '';
      const id = `${allocation.type}\u0000${allocation.key}\u0000${value}\u0000${row.service}\u0000${row.usageType}\u0000${row.unit}`;
      let series = memo.get(id);
      if (series === undefined) {
        const c = classify(row.service, row.usageType, row.unit);
        const who = [['allocation_type', allocation.type], ['allocation_key', allocation.key], ['allocation_value', value], ['region', c.region], ['model', c.model], ['provider', c.provider]] as const;
        series = {
          cost: renderLabels([...who, ['kind', c.kind], ['direction', c.direction], ['tier', c.tier], ['route', c.route]]),
          tokens: c.kind === 'tokens' ? renderLabels([...who, ['direction', c.direction], ['tier', c.tier], ['route', c.route]]) : undefined,
          tokensPerUnit: c.tokensPerUnit,
        };
        memo.set(id, series);
      }
      const tokens = series.tokens === undefined ? 0 : row.quantity * series.tokensPerUnit;
      for (const window of windows) {
        addTo(families[window].cost, series.cost, row.cost);
        if (series.tokens !== undefined) addTo(families[window].tokens, series.tokens, tokens);
      }
      if (windows.includes('month_to_date')) {
        const month = (series.month ??= monthOf(allocation, value));
        month.cost += row.cost;
        month.tokens += tokens;
        if (series.tokens !== undefined) month.tokenCost += row.cost;
      }
    }
  }
  return { families: WINDOWS.flatMap((window) => [families[window].tokens, families[window].cost]), breakdowns: [...breakdowns.values()] };
}
