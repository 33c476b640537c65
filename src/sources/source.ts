import type { Family } from '../metrics/series.js';
import type { Pacer } from '../pacer.js';
import type { Day, DayRange } from '../time.js';
import type { Breakdown, LiveToday, Summary } from './summary.js';

// A source is one way of reading Bedrock usage, on its own schedule: a refresh returns everything it
// contributes, and what it must remember between refreshes (a ledger of settled days, a window of
// minutes) stays with it. The collector (src/pipeline/) runs every source behind this interface;
// adding one touches neither the loop, nor the snapshot, nor the HTTP layer, nor the other sources.

/** When a source refreshes: at once, then every interval with jitter, sooner with backoff after a failure. */
export interface RefreshTiming {
  intervalMs: number;
  /** Spread of the interval, a fraction: 0.1 is +-10%. */
  jitter: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Deadline of one refresh. */
  timeoutMs: number;
}

export interface Contribution {
  /** Its series; a family's name belongs to one source. */
  families: Family[];
  /** What it read but could not interpret (`service|usage type`), counted in the exporter's health. */
  unrecognized?: ReadonlySet<string>;
  /** What the landing page shows; from the source that sees the whole bill. */
  summary?: Summary;
  /** Today so far from the live plane, for the landing page. */
  today?: LiveToday;
  /** More tables for the landing page: spend by team, say. */
  breakdowns?: readonly Breakdown[];
  /** The Bedrock services it read, for the landing page. */
  services?: readonly string[];
}

export interface RefreshContext {
  now: Date;
  /** Aborted at the deadline or when the exporter stops. */
  signal: AbortSignal;
  /** Long computations pause on it so scrapes are never stalled. */
  pacer: Pacer;
}

export interface Source {
  /** The `source` label of its health series. */
  readonly name: string;
  /** What a person calls it ("the bill (Cost Explorer)"); its name when left out. */
  readonly title?: string;
  /** Its own schedule; the exporter's refresh settings when left out. */
  readonly timing?: RefreshTiming;
  /** Everything it contributes now; throws when it cannot, and its last good contribution is served. */
  refresh(context: RefreshContext): Promise<Contribution>;
  /** How it would have contributed on past days, for `backfill`; sources without a history are left out. */
  readonly history?: History;
}

export interface History {
  /** What writing days [start, end) takes (planning may send requests). */
  plan(range: DayRange, context: { today: Day; signal?: AbortSignal }): Promise<HistoryPlan>;
}

export interface HistoryPlan {
  /** The queries in one line, for `backfill --dry-run`. */
  description: string;
  services: readonly string[];
  /** Paid reads still to make, each over days [start, end); a day is written after the reads that cover it. */
  reads: HistoryRead[];
  /** What it contributed at the start of `day` and at its end, from what its reads gave. */
  contributeOn(day: Day): Promise<{ atStart: Contribution; atEnd: Contribution }>;
  /** No day before `day` will be written again: what only those days needed may be dropped. */
  forgetBefore(day: Day): void;
}

export interface HistoryRead {
  /** Who is read, for progress lines ("Amazon Bedrock", "3 services"). */
  label: string;
  start: Day;
  end: Day;
  /** The least it costs (one page). */
  priceUsd: number;
  /** Reads and keeps the answer; resolves to the rows it gave. */
  run(signal?: AbortSignal): Promise<number>;
}
