import type { Day } from '../time.js';

// What the landing page shows without Grafana, as plain figures: the source that sees the whole bill
// fills it in, the web layer renders it, and neither knows how the other works.

export interface Totals {
  cost: number;
  tokens: number;
  /** The spend on tokens (kind="tokens"): what a cost per million tokens divides, as the recording rule does. */
  tokenCost: number;
}

/** What the landing page shows without Grafana. */
export interface Summary {
  today: Day;
  dataDay: Day;
  monthToDate: Totals;
  daily: Totals;
  /** Month to date, by model ('' for usage without a model). */
  byModel: Map<string, Totals>;
  byRegion: Map<string, Totals>;
  /** Month to date, by account id ('' when the account breakdown is off). */
  byAccount: Map<string, Totals>;
  /** Account id -> name, where Cost Explorer gave one. */
  accountNames: Map<string, string>;
  /** Tokens per day and model over every day the ledger holds in the window. */
  tokensByDay: Map<Day, Map<string, number>>;
  estimated: { daily: boolean; monthToDate: boolean };
}

/** Today so far as the live plane counts it (CloudWatch, priced at the bill's rates): an estimate until the bill shows the day. */
export interface LiveToday {
  cost: number;
  tokens: number;
  /** The end of the latest minute read, in any region (ms). */
  throughMs: number;
}

/** A table of this month's spend and tokens by the values of one key: a team tag, a cost category. */
export interface Breakdown {
  /** What the values are values of, as a person reads it: `tag team`, `cost category business-unit`. */
  title: string;
  /** Value ('' for spend without one) -> month to date. */
  totals: Map<string, Totals>;
}
