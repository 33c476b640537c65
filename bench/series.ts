// Series sets of a chosen size with the contract's labels: ledger rows built from the emulator's
// catalogue of real usage types, for many accounts, turned into gauges by the exporter's own code.
import { Gauge, Registry } from 'prom-client';
import type { DayEntry, LedgerRow } from '../src/cost-explorer/ledger.js';
import { CATALOGUE, usageTypeIn } from '../src/emulator/catalogue.js';
import { seededRandom } from '../src/emulator/random.js';
import { memoizedClassifier } from '../src/billing/classifier.js';
import type { Family } from '../src/metrics/series.js';
import { aggregate } from '../src/sources/usage-type/aggregate.js';
import { addDays, type Day } from '../src/time.js';

/** The day the series describe: `daily` is the day before, `month_to_date` the 1st up to it. */
export const TODAY: Day = '2026-11-20';
/** Days of the month that carry usage, yesterday last. */
const DAYS_WITH_USAGE = 3;

const usageTypes = CATALOGUE.flatMap((entry) => entry.regions.map((code) => ({ service: entry.service, usageType: usageTypeIn(entry, code), unit: entry.unit })));

/** Every catalogue usage type for each of `accounts` accounts, on the last few days before TODAY. */
export function ledgerEntries(accounts: number, seed = 1): DayEntry[] {
  const random = seededRandom(seed);
  const rows: LedgerRow[] = [];
  for (let index = 0; index < accounts; index++) {
    const account = String(210_000_000_000 + index * 7919);
    for (const { service, usageType, unit } of usageTypes) {
      const quantity = Math.round(random() * 1e9) / 1e3;
      rows.push({ account, service, usageType, unit, quantity, cost: Math.round(quantity * 2.7e4) / 1e7 });
    }
  }
  return Array.from({ length: DAYS_WITH_USAGE }, (_, back) => ({
    day: addDays(TODAY, -1 - back),
    queryKey: 'bench',
    rows: rows.map((row) => ({ ...row, quantity: row.quantity * (1 - back / 10), cost: row.cost * (1 - back / 10) })),
    estimated: back < 2,
    settled: back >= 2,
  }));
}

async function seriesCount(accounts: number): Promise<number> {
  const { families } = await aggregate(ledgerEntries(accounts), TODAY, memoizedClassifier());
  return families.reduce((count, f) => count + f.series.size, 0);
}

/** How many accounts give about `target` series: the count grows linearly with accounts. */
export async function accountsFor(target: number): Promise<number> {
  const [one, two] = [await seriesCount(1), await seriesCount(2)];
  const perAccount = two - one;
  return Math.max(1, Math.round((target - (one - perAccount)) / perAccount));
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** '{a="x",b="y"}' -> { a: 'x', b: 'y' } */
function parseLabels(rendered: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, name, value] of rendered.matchAll(LABEL)) labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** The same series as prom-client gauges, the way an exporter that renders per scrape holds them. */
export function promClientRegistry(families: readonly Family[]): Registry {
  const registry = new Registry();
  for (const f of families) {
    const samples = [...f.series].map(([key, value]) => ({ labels: parseLabels(key), value }));
    const labelNames = [...new Set(samples.flatMap((sample) => Object.keys(sample.labels)))];
    const gauge = new Gauge({ name: f.name, help: f.help, labelNames, registers: [registry] });
    for (const { labels, value } of samples) gauge.set(labels, value);
  }
  return registry;
}
