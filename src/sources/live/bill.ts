import type { Classifier } from '../../billing/classifier.js';
import { oneLine } from '../../errors.js';
import type { Ledger } from '../../cost-explorer/ledger.js';
import { addDays, dayOf, type Day } from '../../time.js';
import { billRates, type BillRate } from './rates.js';
import { billedTokens, lastSettledDay, type BilledTokens } from './reconcile.js';
import { billedRegions } from './regions.js';

/** The live plane prices tokens at the bill's rate over this many days before today (the settled ones). */
const RATE_DAYS = 7;

/** What the live plane takes from the bill, read from the ledger again only when it or the day changes. */
export class BillView {
  readonly #ledger: Ledger;
  readonly #classify: Classifier;
  #regions: { commits: number; regions: string[] } | undefined;
  #rates: { key: string; rates: Map<string, BillRate> } | undefined;
  #settled: { revision: number; day: Day | undefined; billed?: Map<string, BilledTokens> } | undefined;

  constructor(ledger: Ledger, classify: Classifier) {
    this.#ledger = ledger;
    this.#classify = classify;
  }

  /** The regions where the bill shows Bedrock tokens; before the bill is first read, waits for it. */
  async regions(signal: AbortSignal): Promise<string[]> {
    if (this.#ledger.commits === 0) {
      await this.#ledger.nextCommit(signal).catch((error: unknown) => {
        const why = signal.aborted ? 'has not been read yet' : `could not be read (${oneLine(error)})`;
        throw new Error(`the bill, which says where Bedrock is used, ${why}; or set --live.regions`, { cause: error });
      });
    }
    const commits = this.#ledger.commits;
    if (this.#regions?.commits !== commits) this.#regions = { commits, regions: billedRegions(this.#ledger.entries(), this.#classify) };
    return this.#regions.regions;
  }

  /** The bill's price of a token over the settled days of the last week, by rateKey. */
  rates(now: Date): Map<string, BillRate> {
    const since = addDays(dayOf(now), -RATE_DAYS);
    const key = `${this.#ledger.revision}|${since}`;
    if (this.#rates?.key !== key) this.#rates = { key, rates: billRates(this.#ledger.entries(), this.#classify, since) };
    return this.#rates.rates;
  }

  /** The latest settled day on the bill: the one the live plane is reconciled with. */
  settledDay(): Day | undefined {
    return this.#settledView().day;
  }

  /** The tokens the bill shows for that day, for what CloudWatch counts. */
  billedTokens(): ReadonlyMap<string, BilledTokens> {
    const view = this.#settledView();
    if (view.day === undefined) return new Map();
    view.billed ??= billedTokens(this.#ledger.entries(), this.#classify, view.day);
    return view.billed;
  }

  #settledView(): { day: Day | undefined; billed?: Map<string, BilledTokens> } {
    if (this.#settled?.revision !== this.#ledger.revision) this.#settled = { revision: this.#ledger.revision, day: lastSettledDay(this.#ledger.entries()) };
    return this.#settled;
  }
}
