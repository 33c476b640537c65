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
//
// Each entry names the columns of its rows, so a later version (or source) can add columns and entries
// without a new format: a reader takes the columns it knows and skips an entry that lacks one it needs
// (that day is read again). The version changes only when an old reader could no longer read a file.

const FORMAT = 'bedrock-usage-exporter/ledger';
const VERSION = 2;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const TEXT = ['account', 'service', 'usageType', 'unit'] as const;
const NUMBERS = ['cost', 'quantity'] as const;
const OPTIONAL = ['accountName', 'group'] as const;
const COLUMNS = [...TEXT, ...NUMBERS, ...OPTIONAL];
// Version 1 stored rows without column names, the account's name last and only when known.
const VERSION_1_COLUMNS = ['account', 'service', 'usageType', 'cost', 'quantity', 'unit', 'accountName'];

type Cell = string | number | null;

/** Throws FileError unless the ledger file, when one is set, can be written: checked before paid reads. */
export async function checkLedgerFile(path: string | undefined): Promise<void> {
  if (path !== undefined) await checkWritable('the ledger file', path, 'file');
}

export async function saveLedger(path: string, ledger: Ledger): Promise<number> {
  const settled = ledger.entries().filter((entry) => entry.settled);
  const lines = [JSON.stringify({ format: FORMAT, version: VERSION })];
  for (const entry of settled) {
    const rows = entry.rows.map((row) => COLUMNS.map((column): Cell => row[column] ?? null));
    lines.push(JSON.stringify({ day: entry.day, queryKey: entry.queryKey, columns: COLUMNS, rows }));
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

/** A row from its cells, or undefined when a column it needs is missing or of the wrong type. */
function rowOf(cells: unknown, at: ReadonlyMap<string, number>): LedgerRow | undefined {
  if (!Array.isArray(cells)) return undefined;
  const cell = (column: string): unknown => cells[at.get(column) ?? -1];
  const row: Record<string, string | number> = {};
  for (const column of TEXT) {
    const value = cell(column);
    if (typeof value !== 'string') return undefined;
    row[column] = value;
  }
  for (const column of NUMBERS) {
    const value = cell(column);
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    row[column] = value;
  }
  for (const column of OPTIONAL) {
    const value = cell(column);
    if (typeof value === 'string') row[column] = value;
    else if (value !== undefined && value !== null) return undefined;
  }
  return row as unknown as LedgerRow;
}

/** A settled day entry, or undefined for one this version cannot use; a line that is not JSON means the file is damaged. */
function parseEntry(line: string, version: number): DayEntry | undefined {
  const value = JSON.parse(line) as { day?: unknown; queryKey?: unknown; columns?: unknown; rows?: unknown };
  const columns = version === 1 ? VERSION_1_COLUMNS : value.columns;
  if (typeof value.day !== 'string' || !isDay(value.day) || typeof value.queryKey !== 'string' || !Array.isArray(value.rows) || !Array.isArray(columns)) return undefined;
  const at = new Map(columns.map((column, index) => [String(column), index]));
  const rows: LedgerRow[] = [];
  for (const cells of value.rows) {
    const row = rowOf(cells, at);
    if (!row) return undefined;
    rows.push(row);
  }
  return { day: value.day, queryKey: value.queryKey, rows, estimated: false, settled: true };
}

/**
 * Reads a saved ledger into `ledger`. Returns how many days it restored; a missing file is 0. A file
 * that is not ours or not intact is rejected whole (the caller warns and starts empty); an intact
 * entry this version cannot use is skipped, and its day read again.
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
  if (meta.format !== FORMAT || (meta.version !== 1 && meta.version !== VERSION)) throw new Error(`not a version 1 or ${VERSION} ${FORMAT} file`);
  const entries = lines.map((line) => parseEntry(line, meta.version as number)).filter((entry) => entry !== undefined);
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
