import type { Classifier } from '../../billing/classifier.js';
import type { Ledger } from '../../cost-explorer/ledger.js';
import { addDays, dayOf } from '../../time.js';
import { billRates, type BillRate } from './rates.js';
import { billedRegions } from './regions.js';

/** The live plane prices tokens at the bill's rate over this many days before today (the settled ones). */
const RATE_DAYS = 7;

/** What the live plane takes from the bill, read from the ledger again only when it or the day changes. */
export class BillView {
  readonly #ledger: Ledger;
  readonly #classify: Classifier;
  #regions: { commits: number; regions: string[] } | undefined;
  #rates: { key: string; rates: Map<string, BillRate> } | undefined;

  constructor(ledger: Ledger, classify: Classifier) {
    this.#ledger = ledger;
    this.#classify = classify;
  }

  /** The regions where the bill shows Bedrock tokens; before the bill is first read, waits for it. */
  async regions(signal: AbortSignal): Promise<string[]> {
    if (this.#ledger.commits === 0) {
      await this.#ledger.nextCommit(signal).catch((error: unknown) => {
        throw new Error('the bill, which says where Bedrock is used, has not been read yet (or set --live.regions)', { cause: error });
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
}
