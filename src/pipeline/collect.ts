import { dayEntries, type DayEntry, type Ledger } from '../cost-explorer/ledger.js';
import type { DayRange, Source, SourcePlan, SourceQuery } from '../sources/source.js';
import { addDays, addMonths, eachDay, monthStart, type Day } from '../time.js';

// One refresh, the same for `serve` and `backfill`: every source plans its queries for a range of
// days, reads only the days the ledger does not hold settled, and commits what it read. A source
// that fails is reported as failed and leaves the others untouched.

/** Days the exporter shows on `today`: the current month, yesterday (also on the 1st) and any lookback. */
export function windowOf(today: Day, lookbackDays = 0): DayRange {
  const candidates = [monthStart(today), addDays(today, -1), addDays(today, -lookbackDays)];
  return { start: candidates.reduce((a, b) => (a < b ? a : b)), end: addDays(today, 1) };
}

/** One paid read: a query over days [start, end). */
export interface Read {
  query: SourceQuery;
  start: Day;
  end: Day;
}

export interface SourceReads {
  source: Source;
  plan: SourcePlan;
  reads: Read[];
}

/**
 * Per query, from the first day the ledger lacks to the end of the range: one read, or with `byMonth`
 * one per calendar month that still lacks days (bounded answers, and progress a person can follow).
 */
export function readsFor(plan: SourcePlan, range: DayRange, ledger: Ledger, byMonth = false): Read[] {
  const reads: Read[] = [];
  const spans = byMonth ? monthsOf(range) : [range];
  for (const query of plan.queries) {
    for (const span of spans) {
      const missing = ledger.unsettled(eachDay(span.start, span.end), query.key);
      if (missing.length > 0) reads.push({ query, start: missing[0]!, end: span.end });
    }
  }
  return reads;
}

function monthsOf({ start, end }: DayRange): DayRange[] {
  const months: DayRange[] = [];
  for (let month = monthStart(start); month < end; month = addMonths(month, 1)) {
    const next = addMonths(month, 1);
    months.push({ start: month < start ? start : month, end: next < end ? next : end });
  }
  return months;
}

export interface ReadOptions {
  today: Day;
  settleDays: number;
  signal?: AbortSignal;
  onRead?: (read: Read, entries: readonly DayEntry[]) => void;
}

/** Reads in order and commits each answer as it arrives, so what was paid for is never lost; resolves to the entries read. */
export async function runReads(reads: readonly Read[], ledger: Ledger, options: ReadOptions): Promise<DayEntry[]> {
  const fetched: DayEntry[] = [];
  for (const read of reads) {
    const buckets = await read.query.read(read.start, read.end, options.signal);
    const entries = dayEntries(read.query.key, buckets, read.start, read.end, options.today, options.settleDays);
    ledger.commit(entries);
    fetched.push(...entries);
    options.onRead?.(read, entries);
  }
  return fetched;
}

/** What one source's refresh gave: its entries for the range, or why it failed. */
export type SourceOutcome =
  | { source: Source; ok: true; plan: SourcePlan; entries: DayEntry[] }
  | { source: Source; ok: false; error: unknown };

/** Runs every source for `range`; the entries of a successful one are its view of every day in the range. */
export async function collect(sources: readonly Source[], range: DayRange, ledger: Ledger, options: ReadOptions & { onPlan?: (source: Source, plan: SourcePlan) => void }): Promise<SourceOutcome[]> {
  const outcomes: SourceOutcome[] = [];
  for (const source of sources) {
    try {
      const plan = await source.plan(range, options.signal);
      options.onPlan?.(source, plan);
      const fetched = await runReads(readsFor(plan, range, ledger), ledger, options);
      // What was just read wins over the ledger, which may already have evicted some of it (ledger.max_days).
      const fresh = new Map(fetched.map((entry) => [`${entry.day}|${entry.queryKey}`, entry]));
      const days = eachDay(range.start, range.end);
      const entries = plan.queries.flatMap((query) => days.map((day) => fresh.get(`${day}|${query.key}`) ?? ledger.get(day, query.key)).filter((entry) => entry !== undefined));
      outcomes.push({ source, ok: true, plan, entries });
    } catch (error) {
      outcomes.push({ source, ok: false, error });
    }
  }
  return outcomes;
}
