import type { Classifier } from '../../billing/classifier.js';
import type { UsageClass } from '../../billing/usage-type.js';
import type { DayEntry, LedgerRow } from '../../cost-explorer/ledger.js';
import { Pacer } from '../../pacer.js';
import { addDays, dayStartMs, type Day } from '../../time.js';
import { addTo, family, renderLabels, set, type Family } from '../../metrics/series.js';
import type { Summary, Totals } from '../summary.js';
import { CACHED, WINDOW_SPAN, WINDOWS, windowFamily, windowsOn, type Window } from '../windows.js';

// From the ledger's daily rows grouped by usage type to the gauges of the contract (README, "Metrics").
// Pure: the same entries and day always give the same families.


function windowFamilies(window: Window) {
  const span = WINDOW_SPAN[window];
  return {
    tokens: windowFamily(`bedrock_tokens_${window}`, `Amazon Bedrock tokens used ${span}, from the bill. ${CACHED}`, window),
    cost: windowFamily(`bedrock_cost_usd_${window}`, `Amazon Bedrock unblended cost in US dollars ${span}, credits included. ${CACHED}`, window),
    usage: windowFamily(`bedrock_usage_${window}`, `Amazon Bedrock non-token usage ${span}, in the unit of the unit label. ${CACHED}`, window),
  };
}

const noTotals = (): Totals => ({ cost: 0, tokens: 0, tokenCost: 0 });

const add = (totals: Totals, cost: number, tokens: number, tokenCost: number): void => {
  totals.cost += cost;
  totals.tokens += tokens;
  totals.tokenCost += tokenCost;
};

const addTotals = (map: Map<string, Totals>, key: string, cost: number, tokens: number, tokenCost: number): void => {
  const totals = map.get(key) ?? noTotals();
  add(totals, cost, tokens, tokenCost);
  map.set(key, totals);
};

/** A row's classification and the rendered label sets of its series: info, cost, and tokens or (other kinds) usage. */
interface RowSeries {
  c: UsageClass;
  info: string;
  cost: string;
  measure: string;
}

const child = <V>(map: Map<string, V>, key: string, make: () => V): V => {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
};

/**
 * A month holds the same account x usage type on many days: each is classified and its label sets
 * rendered once per aggregation. Nested maps find them again without building a key string per row,
 * which saves most of a large refresh's work and garbage.
 */
function rowSeries(classify: Classifier): (row: LedgerRow) => RowSeries {
  const memo = new Map<string, Map<string, Map<string, Map<string, RowSeries>>>>();
  return (row) => {
    const byAccount = child(child(child(memo, row.service, () => new Map()), row.usageType, () => new Map()), row.unit, () => new Map<string, RowSeries>());
    return child(byAccount, row.account, () => {
      const c = classify(row.service, row.usageType, row.unit);
      const where = [['account', row.account], ['region', c.region], ['model', c.model], ['provider', c.provider]] as const;
      return {
        c,
        info: renderLabels([['usage_type', row.usageType], ['service', row.service], ['model', c.model], ['provider', c.provider], ['region', c.region],
          ['kind', c.kind], ['direction', c.direction], ['tier', c.tier], ['route', c.route]]),
        cost: renderLabels([...where, ['kind', c.kind], ['direction', c.direction], ['tier', c.tier], ['route', c.route]]),
        measure: renderLabels(c.kind === 'tokens' ? [...where, ['direction', c.direction], ['tier', c.tier], ['route', c.route]] : [...where, ['kind', c.kind], ['unit', c.unit]]),
      };
    });
  };
}

/** The gauges of the contract for `today`, before rendering: what a snapshot and the backfill share. */
export interface Aggregate {
  /** In exposition order: daily tokens, cost, usage; the same month to date; usage type info; account info; data day; estimated. */
  families: Family[];
  summary: Summary;
  unrecognized: Set<string>;
}

/** Works in slices (see Pacer) so a large refresh never stalls scrapes. */
export async function aggregate(entries: Iterable<DayEntry>, today: Day, classify: Classifier, pacer = new Pacer()): Promise<Aggregate> {
  const yesterday = addDays(today, -1);
  const families = { daily: windowFamilies('daily'), month_to_date: windowFamilies('month_to_date') };
  const info = family('bedrock_usage_type_info', `Classification of each Bedrock usage type seen in the current month or on the last complete day (value 1). ${CACHED}`);
  const accountNames = new Map<string, string>();
  const unrecognized = new Set<string>();
  const summary: Summary = {
    today,
    dataDay: yesterday,
    monthToDate: noTotals(),
    daily: noTotals(),
    byModel: new Map(),
    byRegion: new Map(),
    byAccount: new Map(),
    accountNames,
    tokensByDay: new Map(),
    estimated: { daily: false, monthToDate: false },
  };
  let sawDaily = false;
  const seriesOf = rowSeries(classify);

  for (const entry of entries) {
    const inWindows = windowsOn(entry.day, today);
    if (entry.day === yesterday) {
      sawDaily = true;
      summary.estimated.daily ||= entry.estimated;
    }
    if (inWindows.includes('month_to_date')) summary.estimated.monthToDate ||= entry.estimated;

    for (const row of entry.rows) {
      if (pacer.due()) await pacer.pause();
      const series = seriesOf(row);
      const { c } = series;
      const tokens = c.kind === 'tokens' ? row.quantity * c.tokensPerUnit : 0;
      if (tokens !== 0) {
        const perModel = summary.tokensByDay.get(entry.day) ?? new Map<string, number>();
        perModel.set(c.model, (perModel.get(c.model) ?? 0) + tokens);
        summary.tokensByDay.set(entry.day, perModel);
      }
      if (inWindows.length === 0) continue;

      if (c.kind === 'unknown') unrecognized.add(`${row.service}|${row.usageType}`);
      info.series.set(series.info, 1);
      if (row.accountName !== undefined) accountNames.set(row.account, row.accountName);

      for (const window of inWindows) {
        const f = families[window];
        addTo(f.cost, series.cost, row.cost);
        if (c.kind === 'tokens') addTo(f.tokens, series.measure, tokens);
        else addTo(f.usage, series.measure, row.quantity);
        const tokenCost = c.kind === 'tokens' ? row.cost : 0;
        add(window === 'daily' ? summary.daily : summary.monthToDate, row.cost, tokens, tokenCost);
        if (window === 'month_to_date') {
          addTotals(summary.byModel, c.model, row.cost, tokens, tokenCost);
          addTotals(summary.byRegion, c.region, row.cost, tokens, tokenCost);
          addTotals(summary.byAccount, row.account, row.cost, tokens, tokenCost);
        }
      }
    }
  }
  if (!sawDaily) summary.estimated.daily = true;

  const dataDay = family('bedrock_data_day_timestamp_seconds', 'Start of the UTC day that the bedrock_*_daily gauges describe, in Unix seconds.');
  set(dataDay, [], dayStartMs(yesterday) / 1000);
  const estimated = family('bedrock_data_estimated', 'Whether Cost Explorer still marks the window as estimated (1) or final (0); estimated values are revised upward as late records arrive.');
  set(estimated, [['window', 'daily']], summary.estimated.daily ? 1 : 0);
  set(estimated, [['window', 'month_to_date']], summary.estimated.monthToDate ? 1 : 0);

  const accounts = family('bedrock_account_info', `Name of each AWS account with Bedrock usage in the current month or on the last complete day, as Cost Explorer gives it (value 1); join on account to show names. ${CACHED}`);
  for (const [account, name] of accountNames) set(accounts, [['account', account], ['account_name', name]], 1);

  const all: Family[] = [];
  for (const window of WINDOWS) all.push(families[window].tokens, families[window].cost, families[window].usage);
  all.push(info, accounts, dataDay, estimated);
  return { families: all, summary, unrecognized };
}

