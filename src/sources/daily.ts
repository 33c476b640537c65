import { COST_EXPLORER_PRICE_USD } from '../cost-explorer/client.js';
import type { DecodedBucket } from '../cost-explorer/decode.js';
import { dayEntries, type DayEntry, type Ledger } from '../cost-explorer/ledger.js';
import type { LedgerStore } from '../cost-explorer/ledger-file.js';
import type { Logger } from '../log.js';
import { Pacer } from '../pacer.js';
import { addMonths, dayOf, eachDay, monthStart, type Day, type DayRange } from '../time.js';
import type { Contribution, History, HistoryPlan, RefreshContext, Source } from './source.js';
import { windowOf } from './windows.js';

// The base every daily Cost Explorer source shares: it plans its queries for the days the exporter
// shows, reads only the days the ledger does not hold settled, commits each answer as it arrives (what
// was paid for is never lost), keeps the ledger file, and offers the same reads day by day to `backfill`.
// A source on this base says what to ask and what its answers mean, nothing more.

/** One query whose daily answers the ledger keeps under `key`; every page it reads is a paid request. */
export interface DailyQuery {
  key: string;
  /** Who is read, for progress lines ("Amazon Bedrock", "3 services"). */
  label: string;
  read(start: Day, end: Day, signal?: AbortSignal): Promise<DecodedBucket[]>;
}

export interface DailyPlan {
  queries: DailyQuery[];
  /** The queries in one line, for the log and `backfill --dry-run`; the same text for the same plan. */
  description: string;
  /** The Bedrock services the plan covers, for the status page. */
  services: string[];
}

/** One paid read: a query over days [start, end). */
export interface Read {
  query: DailyQuery;
  start: Day;
  end: Day;
}

/**
 * Per query, from the first day the ledger lacks to the end of the range: one read, or with `byMonth`
 * one per calendar month that still lacks days (bounded answers, and progress a person can follow).
 */
export function readsFor(plan: DailyPlan, range: DayRange, ledger: Ledger, byMonth = false): Read[] {
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

/** Reads in order and commits each answer as it arrives; resolves to the entries read. */
export async function runReads(reads: readonly Read[], ledger: Ledger, options: { today: Day; settleDays: number; signal?: AbortSignal | undefined }): Promise<DayEntry[]> {
  const fetched: DayEntry[] = [];
  for (const read of reads) {
    const buckets = await read.query.read(read.start, read.end, options.signal);
    const entries = dayEntries(read.query.key, buckets, read.start, read.end, options.today, options.settleDays);
    ledger.commit(entries);
    fetched.push(...entries);
  }
  return fetched;
}

export interface DailyOptions {
  /** The ledger the process' Cost Explorer sources share, and its file. */
  store: LedgerStore;
  logger: Logger;
  settleDays: number;
  lookbackDays: number;
}

export abstract class DailySource implements Source {
  abstract readonly name: string;
  readonly history: History = { plan: (range, context) => this.#historyPlan(range, context) };
  protected readonly daily: DailyOptions;
  #loggedPlan: string | undefined;

  constructor(daily: DailyOptions) {
    this.daily = daily;
  }

  /** What to read for the days of `range` (service discovery may send requests). */
  abstract plan(range: DayRange, signal?: AbortSignal): Promise<DailyPlan>;

  /** Its series as the exporter serves them on `today`, from the ledger entries of the days that day shows. */
  abstract contribute(today: Day, entries: Iterable<DayEntry>, pacer?: Pacer): Promise<Contribution>;

  async refresh(context: RefreshContext): Promise<Contribution> {
    try {
      return await this.#refresh(context);
    } catch (error) {
      this.daily.store.ledger.readFailed(error);
      throw error;
    }
  }

  async #refresh({ now, signal, pacer }: RefreshContext): Promise<Contribution> {
    const { store, settleDays, lookbackDays } = this.daily;
    const today = dayOf(now);
    const range = windowOf(today, lookbackDays);
    const plan = await this.plan(range, signal);
    this.#logPlan(plan);
    let fetched: DayEntry[];
    try {
      fetched = await runReads(readsFor(plan, range, store.ledger), store.ledger, { today, settleDays, signal });
    } finally {
      // Even after a failed read: the settled days read before it are kept.
      await store.save();
    }
    // What was just read wins over the ledger, which may already have evicted some of it (ledger.max_days).
    const fresh = new Map(fetched.map((entry) => [`${entry.day}|${entry.queryKey}`, entry]));
    const days = eachDay(range.start, range.end);
    const entries = plan.queries.flatMap((query) => days.map((day) => fresh.get(`${day}|${query.key}`) ?? store.ledger.get(day, query.key)).filter((entry) => entry !== undefined));
    return { ...(await this.contribute(today, entries, pacer)), services: plan.services };
  }

  #logPlan(plan: DailyPlan): void {
    if (this.#loggedPlan === plan.description) return;
    this.#loggedPlan = plan.description;
    this.daily.logger.info(
      { source: this.name, queries: plan.queries.length, plan: plan.description },
      `query plan: ${plan.queries.length} GetCostAndUsage queries per refresh (one paid request per page; settled days are not read again)`,
    );
  }

  async #historyPlan(range: DayRange, { today, signal }: { today: Day; signal?: AbortSignal }): Promise<HistoryPlan> {
    const { store: { ledger }, settleDays } = this.daily;
    const plan = await this.plan(range, signal);
    const entriesOn = (day: Day): DayEntry[] => plan.queries.map((query) => ledger.get(day, query.key)).filter((entry) => entry !== undefined);
    return {
      description: plan.description,
      services: plan.services,
      reads: readsFor(plan, range, ledger, true).map((read) => ({
        label: read.query.label,
        start: read.start,
        end: read.end,
        priceUsd: COST_EXPLORER_PRICE_USD,
        run: async (readSignal) => (await runReads([read], ledger, { today, settleDays, signal: readSignal })).reduce((rows, entry) => rows + entry.rows.length, 0),
      })),
      // As Cost Explorer showed it: the days before `day` that `day` shows, then `day` itself too.
      contributeOn: async (day) => {
        const before = eachDay(windowOf(day).start, day).flatMap(entriesOn);
        return { atStart: await this.contribute(day, before), atEnd: await this.contribute(day, [...before, ...entriesOn(day)]) };
      },
      forgetBefore: (day) => ledger.forgetBefore(windowOf(day).start),
    };
  }
}
