import { AwsError } from '../errors.js';
import { isDay, type Day } from '../time.js';
import type { LedgerRow } from './ledger.js';
import type { Grouping } from './plan.js';

/** Cost Explorer answered something that is not a well-formed GetCostAndUsage page. */
export class AnswerError extends AwsError {
  constructor(message: string) {
    super('BUE_ERR_AWS_ANSWER', `malformed Cost Explorer answer: ${message}`);
  }
}

export interface DecodedBucket {
  day: Day;
  estimated: boolean;
  rows: LedgerRow[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function amount(metrics: Record<string, unknown>, name: string, where: string): { value: number; unit: string } {
  const metric = metrics[name];
  if (!isRecord(metric)) throw new AnswerError(`${where}: metric ${name} missing`);
  const raw = metric.Amount;
  // Decimal only: Number() would also take "0x1f", "0b11" or "" and turn a garbled amount into a plausible one.
  const value = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) throw new AnswerError(`${where}: ${name} amount ${JSON.stringify(raw)} is not a number`);
  return { value, unit: typeof metric.Unit === 'string' ? metric.Unit : '' };
}

/**
 * Rows of one GetCostAndUsage page (DAILY, UnblendedCost and UsageQuantity, grouped by `groupBy` and
 * USAGE_TYPE). `service` is the SERVICE every row belongs to when SERVICE is not a group key.
 */
export function decodeCostAndUsagePage(page: unknown, groupBy: Grouping, service = ''): DecodedBucket[] {
  if (!isRecord(page)) throw new AnswerError('not an object');
  const names = groupBy.key === 'LINKED_ACCOUNT' ? accountNames(page.DimensionValueAttributes) : new Map<string, string>();
  const results = page.ResultsByTime ?? [];
  if (!Array.isArray(results)) throw new AnswerError('ResultsByTime is not a list');
  return results.map((result: unknown, index) => {
    const where = `ResultsByTime[${index}]`;
    if (!isRecord(result) || !isRecord(result.TimePeriod)) throw new AnswerError(`${where}: no TimePeriod`);
    const day = result.TimePeriod.Start;
    if (typeof day !== 'string' || !isDay(day)) throw new AnswerError(`${where}: TimePeriod.Start ${JSON.stringify(day)} is not a day`);
    const groups = result.Groups ?? [];
    if (!Array.isArray(groups)) throw new AnswerError(`${where}: Groups is not a list`);
    const rows = groups.map((group: unknown, g): LedgerRow => {
      const at = `${where}.Groups[${g}]`;
      if (!isRecord(group) || !Array.isArray(group.Keys) || group.Keys.length !== 2 || !group.Keys.every((key) => typeof key === 'string')) {
        throw new AnswerError(`${at}: expected 2 string Keys`);
      }
      if (!isRecord(group.Metrics)) throw new AnswerError(`${at}: no Metrics`);
      const [first, usageType] = group.Keys as [string, string];
      const cost = amount(group.Metrics, 'UnblendedCost', at);
      const quantity = amount(group.Metrics, 'UsageQuantity', at);
      const accountName = names.get(first);
      return {
        account: groupBy.key === 'LINKED_ACCOUNT' ? first : '',
        ...(accountName === undefined ? {} : { accountName }),
        ...(groupBy.type === 'DIMENSION' ? {} : { group: groupValue(first, groupBy.key, at) }),
        service: groupBy.key === 'SERVICE' ? first : service,
        usageType,
        cost: cost.value,
        quantity: quantity.value,
        unit: quantity.unit,
      };
    });
    return { day, estimated: result.Estimated === true, rows };
  });
}

/** A tag or cost category answers `KEY$VALUE`, and `KEY$` for spend without it: the value, '' for none. */
function groupValue(answered: string, key: string, at: string): string {
  if (!answered.startsWith(`${key}$`)) throw new AnswerError(`${at}: expected a key like ${JSON.stringify(`${key}$value`)}, got ${JSON.stringify(answered)}`);
  return answered.slice(key.length + 1);
}

/**
 * Account names that come with a page grouped by LINKED_ACCOUNT (`DimensionValueAttributes`, the
 * account's `description`). Names are cosmetic: a malformed entry is skipped, never an error, and a
 * "name" that is the id itself is no name.
 */
function accountNames(attributes: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (!Array.isArray(attributes)) return names;
  for (const entry of attributes) {
    if (!isRecord(entry) || typeof entry.Value !== 'string' || !isRecord(entry.Attributes)) continue;
    const name = entry.Attributes.description;
    if (typeof name === 'string' && name.trim() !== '' && name !== entry.Value) names.set(entry.Value, name.trim());
  }
  return names;
}

/** SERVICE values of one GetDimensionValues page. */
export function decodeDimensionValuesPage(page: unknown): string[] {
  if (!isRecord(page) || !Array.isArray(page.DimensionValues)) throw new AnswerError('DimensionValues is not a list');
  return page.DimensionValues.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.Value !== 'string') throw new AnswerError(`DimensionValues[${index}]: no Value`);
    return entry.Value;
  });
}

/** Tag keys, or one key's values, of one GetTags page. */
export function decodeTagsPage(page: unknown): string[] {
  return stringList(page, 'Tags');
}

/** Cost category names, or one category's values, of one GetCostCategories page. */
export function decodeCostCategoriesPage(page: unknown, field: 'CostCategoryNames' | 'CostCategoryValues'): string[] {
  return stringList(page, field);
}

function stringList(page: unknown, field: string): string[] {
  const list = isRecord(page) ? (page[field] ?? []) : undefined;
  if (!Array.isArray(list) || !list.every((value) => typeof value === 'string')) throw new AnswerError(`${field} is not a list of strings`);
  return list;
}
