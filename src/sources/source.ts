import type { DecodedBucket } from '../cost-explorer/decode.js';
import type { DayEntry } from '../cost-explorer/ledger.js';
import type { Pacer } from '../pacer.js';
import type { Day } from '../time.js';
import type { Family } from '../metrics/series.js';
import type { Summary } from './usage-type/aggregate.js';

// A source is one way of reading Bedrock usage: it plans its queries, reads them day by day (through
// the shared request accounting of its client, into the shared ledger), and turns the ledger's
// entries into series. The pipeline (src/pipeline/) runs every source the same way for `serve` and
// `backfill`; adding one touches neither the loop, nor the HTTP layer, nor the other sources.

/** Days [start, end). */
export interface DayRange {
  start: Day;
  end: Day;
}

/** One query whose daily answers the ledger keeps under `key`; every page it reads is a paid request. */
export interface SourceQuery {
  key: string;
  /** Who is read, for progress lines ("Amazon Bedrock", "3 services"). */
  label: string;
  read(start: Day, end: Day, signal?: AbortSignal): Promise<DecodedBucket[]>;
}

export interface SourcePlan {
  queries: SourceQuery[];
  /** The queries in one line, for the log and `backfill --dry-run`; the same text for the same plan. */
  description: string;
  /** The Bedrock services the plan covers, for the status page. */
  services: string[];
}

export interface Contribution {
  families: Family[];
  /** Distinct `service|usage type` pairs that no grammar recognised. */
  unrecognized: ReadonlySet<string>;
  /** What the landing page shows without Grafana; from the source that sees the whole bill. */
  summary?: Summary;
}

export interface Source {
  /** The `source` label of its health series. */
  readonly name: string;
  /** What to read for the days of `range` (service discovery may send requests). */
  plan(range: DayRange, signal?: AbortSignal): Promise<SourcePlan>;
  /** Its series as the exporter serves them on `today`, from the ledger entries of the days that day shows. */
  contribute(today: Day, entries: Iterable<DayEntry>, pacer?: Pacer): Promise<Contribution>;
}
