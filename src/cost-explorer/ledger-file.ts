import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { oneLine } from '../errors.js';
import { checkWritable } from '../files.js';
import type { Logger } from '../log.js';
import { isDay } from '../time.js';
import type { DayEntry, Ledger, LedgerRow } from './ledger.js';

// Settled days survive restarts so that they are never paid for twice. One gzipped file: a header
// line, then one settled day entry per line. Written to a temporary file and renamed into place.

const FORMAT = 'bedrock-usage-exporter/ledger';
const VERSION = 1;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

// The account's name is last and only there when known (files written before names had none).
type StoredRow = [account: string, service: string, usageType: string, cost: number, quantity: number, unit: string, accountName?: string];

/** Throws FileError unless the ledger file, when one is set, can be written: checked before paid reads. */
export async function checkLedgerFile(path: string | undefined): Promise<void> {
  if (path !== undefined) await checkWritable('the ledger file', path, 'file');
}

export async function saveLedger(path: string, ledger: Ledger): Promise<number> {
  const settled = ledger.entries().filter((entry) => entry.settled);
  const lines = [JSON.stringify({ format: FORMAT, version: VERSION })];
  for (const entry of settled) {
    const rows: StoredRow[] = entry.rows.map((r) => {
      const row: StoredRow = [r.account, r.service, r.usageType, r.cost, r.quantity, r.unit];
      if (r.accountName !== undefined) row.push(r.accountName);
      return row;
    });
    lines.push(JSON.stringify({ day: entry.day, queryKey: entry.queryKey, rows }));
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(temporary, await gzipAsync(lines.join('\n')));
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return settled.length;
}

const isRow = (row: unknown): row is StoredRow =>
  Array.isArray(row) && (row.length === 6 || (row.length === 7 && typeof row[6] === 'string')) && typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'string' &&
  Number.isFinite(row[3]) && Number.isFinite(row[4]) && typeof row[5] === 'string';

function parseEntry(line: string): DayEntry {
  const value = JSON.parse(line) as { day?: unknown; queryKey?: unknown; rows?: unknown };
  if (typeof value.day !== 'string' || !isDay(value.day) || typeof value.queryKey !== 'string' || !Array.isArray(value.rows) || !value.rows.every(isRow)) {
    throw new Error('an entry is not a settled day');
  }
  const rows = value.rows.map(([account, service, usageType, cost, quantity, unit, accountName]): LedgerRow =>
    accountName === undefined ? { account, service, usageType, cost, quantity, unit } : { account, accountName, service, usageType, cost, quantity, unit });
  return { day: value.day, queryKey: value.queryKey, rows, estimated: false, settled: true };
}

/**
 * Reads a saved ledger into `ledger`. Returns how many days it restored; a missing file is 0. A file
 * that is not ours or not intact is rejected whole (the caller warns and starts empty).
 */
export async function loadLedger(path: string, ledger: Ledger): Promise<number> {
  let compressed: Buffer;
  try {
    compressed = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const [header = '', ...lines] = (await gunzipAsync(compressed)).toString('utf8').split('\n');
  const meta = JSON.parse(header) as { format?: unknown; version?: unknown };
  if (meta.format !== FORMAT || meta.version !== VERSION) throw new Error(`not a version ${VERSION} ${FORMAT} file`);
  const entries = lines.map(parseEntry);
  ledger.commit(entries);
  return entries.length;
}

/**
 * The ledger the Cost Explorer sources of a process share, and the file it is kept in (ledger.file):
 * restored once at start, saved whenever it holds settled days the file lacks. A file that cannot be
 * read or written costs a warning, never a refresh.
 */
export class LedgerStore {
  readonly ledger: Ledger;
  readonly #file: string | undefined;
  readonly #logger: Logger;
  #savedRevision = 0;
  #saving: Promise<void> = Promise.resolve();

  constructor(ledger: Ledger, file: string | undefined, logger: Logger) {
    this.ledger = ledger;
    this.#file = file;
    this.#logger = logger;
  }

  /** Loads the settled days a previous run saved; a file that is not intact is ignored with a warning. */
  async restore(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    try {
      const days = await loadLedger(file, this.ledger);
      this.#savedRevision = this.ledger.revision;
      if (days > 0) this.#logger.info({ file, days }, 'restored settled days from the ledger file');
    } catch (error) {
      this.#logger.warn({ file, err: error }, `ignoring the ledger file, it will be rewritten: ${oneLine(error)}`);
    }
  }

  /** Saves the settled days the file lacks; sources that save at the same time write one after the other. */
  save(): Promise<void> {
    this.#saving = this.#saving.then(() => this.#save());
    return this.#saving;
  }

  async #save(): Promise<void> {
    const file = this.#file;
    const revision = this.ledger.revision;
    if (!file || revision === this.#savedRevision) return;
    try {
      const days = await saveLedger(file, this.ledger);
      this.#savedRevision = revision;
      this.#logger.debug({ file, days }, 'saved the ledger file');
    } catch (error) {
      this.#logger.warn({ file, err: error }, `could not save the ledger file: ${oneLine(error)}`);
    }
  }
}
