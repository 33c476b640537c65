// The emulator's ledger: Bedrock line items as Cost Explorer shows them, with ground truth attached.
import type { Day } from '../time.js';
import type { Runaway } from './runaway.js';

export type RecordType = 'Usage' | 'Credit' | 'Refund' | 'Other';

/** Ground truth written by hand from the docs for each usage type, independent of any parser. */
export interface Truth {
  model: string;
  provider: string;
  kind: string;
  direction: string;
  tier: string;
  route: string;
  /** Tokens per unit of UsageQuantity: 1000 or 1e6 for token usage types, 0 otherwise. */
  tokensPerUnit: number;
}

export interface LineItem {
  day: Day;
  /** 12-digit linked account id. */
  account: string;
  service: string;
  usageType: string;
  /** REGION dimension value, e.g. 'us-east-1'. */
  region: string;
  recordType: RecordType;
  unblendedCost: number;
  amortizedCost: number;
  netUnblendedCost: number;
  usageQuantity: number;
  /** Cost Explorer's UsageQuantity unit string for this usage type. */
  unit: string;
  /** Cost allocation tags as Cost Explorer shows them that day (active keys only); none when absent. */
  tags?: Readonly<Record<string, string>>;
  /** Cost category values; uncategorized when absent. */
  costCategories?: Readonly<Record<string, string>>;
  truth: Truth;
}

export interface Account {
  id: string;
  name: string;
}

export interface Dataset {
  readonly accounts: ReadonlyArray<Account>;
  /** Line items as Cost Explorer shows them at `asOf` (partial for recent days, final once settled); [] for days after asOf. */
  itemsOn(day: Day, asOf: Date): readonly LineItem[];
  isSettled(day: Day, asOf: Date): boolean;
  /** The runaway scenario's caller, when there is one (its tokens are in the line items already). */
  readonly runaway?: Runaway;
}

export { generateDataset, type GenerateOptions } from './generator.js';
export { loadDataset } from './ledger-file.js';
