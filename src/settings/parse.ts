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

const show = (raw: unknown): string => String(JSON.stringify(raw));

export const text: Parser<string> = (raw, name) => {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') return fail(name, `expected a non-empty string, got ${show(raw)}`);
  return raw;
};

export const optionalText: Parser<string | undefined> = (raw, name) => (raw === '' || raw === null || raw === undefined ? undefined : text(raw, name));

/** A file or folder path; unset when blank. A NUL byte, which no file system takes, is refused here. */
export const optionalPath: Parser<string | undefined> = (raw, name) => {
  const path = optionalText(raw, name);
  if (path?.includes('\0')) fail(name, `expected a path, got ${show(path)}`);
  return path;
};

export const textList: Parser<string[]> = (raw, name) => {
  if (typeof raw === 'string') return raw.split(',').map((item) => item.trim()).filter(Boolean);
  if (!Array.isArray(raw)) return fail(name, `expected a list of strings, got ${show(raw)}`);
  return raw.map((item, index) => text(item, `${name}[${index}]`));
};

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
