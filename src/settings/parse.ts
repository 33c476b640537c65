import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, fileProblem } from '../errors.js';

// What a setting's value may be, checked the same way whether it came from a flag, an environment
// variable or a YAML file: a parser takes the raw value and the name the user wrote, and either
// returns the typed value or throws a one-line ConfigError that starts with that name.

export type Parser<T> = (raw: unknown, name: string) => T;

/** Keys and paths come from users: anything unusual (an empty name, a newline) is shown quoted. */
const shown = (name: string): string => (/^[\w.\-[\]]+$/.test(name) ? name : JSON.stringify(name));

export const fail = (name: string, problem: string): never => {
  throw new ConfigError(`${shown(name)}: ${problem}`);
};

export const show = (raw: unknown): string => {
  try {
    return String(JSON.stringify(raw));
  } catch {
    return 'a value that contains itself'; // a YAML alias inside its own anchor: &a [*a]
  }
};

const isUnset = (raw: unknown): boolean => raw === '' || raw === null || raw === undefined;

/** Blank, null or absent reads as unset, as in the exporter-toolkit's files. */
export const optional = <T>(parse: Parser<T>): Parser<T | undefined> => (raw, name) => (isUnset(raw) ? undefined : parse(raw, name));

/** The name of `key` inside the mapping called `parent` ('' for a file's top level). */
export const child = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

export const text: Parser<string> = (raw, name) => {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') return fail(name, `expected a non-empty string, got ${show(raw)}`);
  return raw;
};

export const optionalText = optional(text);

/** A file or folder path; unset when blank. A NUL byte, which no file system takes, is refused here. */
export const optionalPath: Parser<string | undefined> = (raw, name) => {
  const path = optionalText(raw, name);
  if (path?.includes('\0')) fail(name, `expected a path, got ${show(path)}`);
  return path;
};

/** A YAML list; absent or null reads as empty. */
export const list = <T>(item: Parser<T>): Parser<T[]> => (raw, name) => {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) return fail(name, `expected a list, got ${show(raw)}`);
  return raw.map((value, index) => item(value, `${name}[${index}]`));
};

/** A list of strings, which a flag or variable gives comma-separated. */
export const textList: Parser<string[]> = (raw, name) =>
  typeof raw === 'string' ? raw.split(',').map((item) => item.trim()).filter(Boolean) : list(text)(raw, name);

export const bool: Parser<boolean> = (raw, name) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return fail(name, `expected true or false, got ${show(raw)}`);
};

export const wholeNumber = (min: number): Parser<number> => (raw, name) => {
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    return fail(name, `expected a whole number >= ${min}, got ${show(raw)}`);
  }
  return value;
};

export const ratio: Parser<number> = (raw, name) => {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return fail(name, `expected a number from 0 to 1, got ${show(raw)}`);
  return value;
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Prometheus-style durations: "90s", "4h", "1h30m", "500ms". */
export function parseDuration(value: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(amount) * UNIT_MS[unit as string]!;
  return total;
}

/** A duration in milliseconds, at least `minMs`. */
export const duration = (minMs: number): Parser<number> => (raw, name) => {
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined) return fail(name, `expected a duration like 90s, 30m or 4h, got ${show(raw)}`);
  if (ms < minMs) return fail(name, `must be at least ${minMs / 1000}s, got ${show(raw)}`);
  return ms;
};

export const oneOf = <T extends string>(...values: T[]): Parser<T> => (raw, name) =>
  values.includes(raw as T) ? (raw as T) : fail(name, `expected one of ${values.join(', ')}, got ${show(raw)}`);

/** HOST:PORT, [IPv6]:PORT or :PORT (all interfaces), as Prometheus exporters take it. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export const listenAddress: Parser<string> = (raw, name) => {
  const address = text(raw, name);
  if (!parseListenAddress(address)) fail(name, `expected HOST:PORT, got ${show(address)}`);
  return address;
};

export const listenAddresses: Parser<string[]> = (raw, name) => {
  const list = textList(raw, name);
  if (list.length === 0) return fail(name, 'expected at least one address');
  for (const address of list) listenAddress(address, name);
  return list;
};

export type Mapping = Record<string, unknown>;

/** A YAML mapping; absent or null reads as empty. */
export const mapping: Parser<Mapping> = (raw, name) => {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(name, `expected a mapping, got ${show(raw)}`);
  return raw as Mapping;
};

/** A mapping whose keys must all be known; `refused` names keys of the format this program does not take, and why. */
export const section = (known: readonly string[], refused: ReadonlyMap<string, string> = new Map()): Parser<Mapping> => (raw, name) => {
  const values = mapping(raw, name);
  for (const key of Object.keys(values)) {
    const refusal = refused.get(key);
    if (refusal !== undefined) fail(child(name, key), refusal);
    if (!known.includes(key)) fail(child(name, key), 'unknown key');
  }
  return values;
};

/** Runs `read` on the content of the file set by `setting`, so that every problem starts with that setting's name. */
export function inFile<T>(setting: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${setting}: ${error.message}`);
    throw error;
  }
}

/** A YAML file a user named with the setting `name` (--config.file, --web.config.file), parsed. */
export function readYamlFile(path: string, name: string): unknown {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    return fail(name, `cannot read ${JSON.stringify(path)}: ${fileProblem(error as NodeJS.ErrnoException)}`);
  }
  try {
    return parseYaml(source);
  } catch (error) {
    // The parser's first line ends with ":" before a picture of the line; the position is enough here.
    return fail(name, `${JSON.stringify(path)} is not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
}
