import { LRUCache } from 'lru-cache';
import { daysBetween, eachDay, type Day } from '../time.js';
import type { DecodedBucket } from './decode.js';

export interface LedgerRow {
  account: string;
  /** The account's name, when Cost Explorer gave one with the answer. */
  accountName?: string;
  /** The value of the tag or cost category the query is grouped by ('' for spend without it); only then. */
  group?: string;
  service: string;
  usageType: string;
  cost: number;
  quantity: number;
  unit: string;
}

/** One query's answer for one day. */
export interface DayEntry {
  day: Day;
  queryKey: string;
  rows: LedgerRow[];
  /** Cost Explorer marked the day's bucket Estimated. */
  estimated: boolean;
  /** The answer can no longer change: it is kept and never fetched again. */
  settled: boolean;
}

/**
 * A day is settled once Cost Explorer no longer marks it Estimated and it is at least `settleDays`
 * old: both, because the flag's meaning is undocumented and late records arrive for a day or two.
 */
export function isSettled(day: Day, today: Day, estimated: boolean, settleDays: number): boolean {
  return !estimated && daysBetween(day, today) >= settleDays;
}

/** One query's answer over [start, end) as day entries; a day Cost Explorer did not answer for stays unsettled. */
export function dayEntries(queryKey: string, buckets: readonly DecodedBucket[], start: Day, end: Day, today: Day, settleDays: number): DayEntry[] {
  const byDay = new Map(buckets.map((bucket) => [bucket.day, bucket]));
  return eachDay(start, end).map((day) => {
    const bucket = byDay.get(day);
    const estimated = bucket?.estimated ?? true;
    return { day, queryKey, rows: bucket?.rows ?? [], estimated, settled: isSettled(day, today, estimated, settleDays) };
  });
}

/** Daily answers per query; settled days are bounded by an LRU over days, unsettled ones are replaced on every refresh. */
export class Ledger {
  readonly #days: LRUCache<Day, Map<string, DayEntry>>;
  #revision = 0;
  #commits = 0;
  #waiting: Array<{ wake: () => void; fail: (error: unknown) => void }> = [];

  constructor(maxDays: number) {
    this.#days = new LRUCache({ max: maxDays });
  }

  get(day: Day, queryKey: string): DayEntry | undefined {
    return this.#days.get(day)?.get(queryKey);
  }

  /** Days of `days` whose answer for `queryKey` must be (re)read. */
  unsettled(days: readonly Day[], queryKey: string): Day[] {
    return days.filter((day) => this.#days.peek(day)?.get(queryKey)?.settled !== true);
  }

  /** Stores a whole refresh's answers at once, so a failed refresh leaves the ledger as it was. */
  commit(entries: readonly DayEntry[]): void {
    for (const entry of entries) {
      if (entry.settled) this.#revision += 1;
      const forDay = this.#days.get(entry.day) ?? new Map<string, DayEntry>();
      forDay.set(entry.queryKey, entry);
      this.#days.set(entry.day, forDay);
    }
    this.#commits += 1;
    for (const waiter of this.#waiting.splice(0)) waiter.wake();
  }

  /** A read of the bill failed: whoever waits for the next commit learns why now, not at the next read that works. */
  readFailed(error: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.fail(error);
  }

  /** Resolves at the next commit; rejects with the read's error when a read fails first, or the signal's reason when it is aborted. */
  nextCommit(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const settle = (done: () => void): void => {
        signal.removeEventListener('abort', abort);
        done();
      };
      const waiter = { wake: () => settle(resolve), fail: (error: unknown) => settle(() => reject(error)) };
      const abort = (): void => {
        this.#waiting = this.#waiting.filter((other) => other !== waiter);
        reject(signal.reason);
      };
      this.#waiting.push(waiter);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  /** Drops the days before `day`, for a caller that walks through time and will not look back. */
  forgetBefore(day: Day): void {
    for (const held of [...this.#days.keys()]) if (held < day) this.#days.delete(held);
  }

  entries(): DayEntry[] {
    return [...this.#days.values()].flatMap((forDay) => [...forDay.values()]);
  }

  /** Grows with every settled entry committed: what a saved copy of the ledger may lack. */
  get revision(): number {
    return this.#revision;
  }

  /** Grows with every commit, settled or not: the answers may have changed. */
  get commits(): number {
    return this.#commits;
  }

  get size(): number {
    return this.#days.size;
  }
}
