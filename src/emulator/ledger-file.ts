// A fixed ledger from a file: one JSON LineItem per line (`truth`, `accountName`, `tags` and
// `costCategories` optional).
import { readFileSync } from 'node:fs';
import { ExporterError } from '../errors.js';
import { addDays, daysBetween, isDay, type Day } from '../time.js';
import type { Account, Dataset, LineItem, RecordType, Truth } from './dataset.js';
import { settledView } from './settled-view.js';

export class LedgerFileError extends ExporterError {
  constructor(message: string, options?: ErrorOptions) {
    super('BUE_ERR_EMULATOR_LEDGER', message, options);
  }
}

const RECORD_TYPES: readonly RecordType[] = ['Usage', 'Credit', 'Refund', 'Other'];
const TRUTH_TEXT_FIELDS = ['model', 'provider', 'kind', 'direction', 'tier', 'route'] as const;
const UNKNOWN_TRUTH: Truth = { model: '', provider: '', kind: 'unknown', direction: '', tier: '', route: '', tokensPerUnit: 0 };

/**
 * Loads a ledger of final (settled) amounts; the settlement model decides what each instant shows.
 * With `today`, every day is shifted by the same whole number of days so that the ledger's last
 * day becomes the day before `today` (keeps a fixed file "recent").
 */
export function loadDataset(path: string, options: { today?: Day } = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LedgerFileError(`cannot read ledger ${path}: ${(error as Error).message}`, { cause: error });
  }
  const names = new Map<string, string>();
  const items: LineItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new LedgerFileError(`${where}: not valid JSON`);
    }
    const { item, accountName } = parseLine(value, where);
    items.push(item);
    if (accountName !== undefined || !names.has(item.account)) names.set(item.account, accountName ?? item.account);
  });
  if (items.length === 0) throw new LedgerFileError(`${path}: the ledger has no line items`);

  const lastDay = items.reduce((last, item) => (item.day > last ? item.day : last), items[0]!.day);
  const shift = options.today === undefined ? 0 : daysBetween(lastDay, addDays(options.today, -1));
  const byDay = new Map<Day, LineItem[]>();
  for (const item of items) {
    const day = addDays(item.day, shift);
    const list = byDay.get(day) ?? [];
    list.push({ ...item, day });
    byDay.set(day, list);
  }
  const accounts: Account[] = [...names].sort(([a], [b]) => a.localeCompare(b)).map(([id, name]) => ({ id, name }));
  return settledView(accounts, (day) => byDay.get(day) ?? []);
}

function parseLine(value: unknown, where: string): { item: LineItem; accountName: string | undefined } {
  const record = asRecord(value, where, 'a line');
  const text = (field: string): string => {
    const v = record[field];
    if (typeof v !== 'string' || v === '') throw new LedgerFileError(`${where}: "${field}" must be a non-empty string`);
    return v;
  };
  const number = (field: string): number => {
    const v = record[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LedgerFileError(`${where}: "${field}" must be a finite number`);
    return v;
  };
  const day = text('day');
  if (!isDay(day)) throw new LedgerFileError(`${where}: "day" must be a calendar day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  const account = text('account');
  if (!/^\d{12}$/.test(account)) throw new LedgerFileError(`${where}: "account" must be a 12-digit account id`);
  const recordType = text('recordType');
  if (!RECORD_TYPES.includes(recordType as RecordType)) {
    throw new LedgerFileError(`${where}: "recordType" must be one of ${RECORD_TYPES.join(', ')}`);
  }
  const accountName = record.accountName === undefined ? undefined : text('accountName');
  const item: LineItem = {
    day,
    account,
    service: text('service'),
    usageType: text('usageType'),
    region: text('region'),
    recordType: recordType as RecordType,
    unblendedCost: number('unblendedCost'),
    amortizedCost: number('amortizedCost'),
    netUnblendedCost: number('netUnblendedCost'),
    usageQuantity: number('usageQuantity'),
    unit: text('unit'),
    ...labels(record, 'tags', where),
    ...labels(record, 'costCategories', where),
    truth: record.truth === undefined ? UNKNOWN_TRUTH : parseTruth(record.truth, where),
  };
  return { item, accountName };
}

/** Tags or cost categories: an object of non-empty strings, when present. */
function labels(record: Record<string, unknown>, field: 'tags' | 'costCategories', where: string): Partial<Pick<LineItem, 'tags' | 'costCategories'>> {
  if (record[field] === undefined) return {};
  const values = asRecord(record[field], where, `"${field}"`);
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string' || value === '') throw new LedgerFileError(`${where}: "${field}.${key}" must be a non-empty string`);
  }
  return { [field]: values as Record<string, string> };
}

function parseTruth(value: unknown, where: string): Truth {
  const record = asRecord(value, where, '"truth"');
  const truth: Record<string, unknown> = {};
  for (const field of TRUTH_TEXT_FIELDS) {
    if (typeof record[field] !== 'string') throw new LedgerFileError(`${where}: "truth.${field}" must be a string`);
    truth[field] = record[field];
  }
  if (typeof record.tokensPerUnit !== 'number' || !(record.tokensPerUnit >= 0)) {
    throw new LedgerFileError(`${where}: "truth.tokensPerUnit" must be a number >= 0`);
  }
  truth.tokensPerUnit = record.tokensPerUnit;
  return truth as unknown as Truth;
}

function asRecord(value: unknown, where: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerFileError(`${where}: ${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
