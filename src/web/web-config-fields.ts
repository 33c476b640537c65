import { ConfigError } from '../errors.js';

// Readers for the values of a web config file. Every problem becomes one ConfigError line that names the
// key, e.g. "web.config.file: tls_server_config.min_version: expected one of ...".

export type Mapping = Record<string, unknown>;

export const fail = (key: string, problem: string): never => {
  throw new ConfigError(`web.config.file: ${key ? `${key}: ` : ''}${problem}`);
};

export const show = (raw: unknown): string => String(JSON.stringify(raw));

const isAbsent = (raw: unknown): raw is null | undefined => raw === null || raw === undefined;

/** Any YAML mapping; absent or null reads as empty. */
export function mapping(raw: unknown, key: string): Mapping {
  if (isAbsent(raw)) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(key, `expected a mapping, got ${show(raw)}`);
  return raw as Mapping;
}

/** A mapping whose keys must all be known; `unsupported` names toolkit keys this exporter refuses, and why. */
export function section(raw: unknown, key: string, known: readonly string[], unsupported: ReadonlyMap<string, string> = new Map()): Mapping {
  const values = mapping(raw, key);
  for (const name of Object.keys(values)) {
    const path = key ? `${key}.${name}` : name;
    const refusal = unsupported.get(name);
    if (refusal !== undefined) fail(path, refusal);
    if (!known.includes(name)) fail(path, 'unknown key');
  }
  return values;
}

/** A string, where blank means unset (as in the toolkit). */
export function optionalString(raw: unknown, key: string): string | undefined {
  if (isAbsent(raw) || raw === '') return undefined;
  if (typeof raw !== 'string') return fail(key, `expected a string, got ${show(raw)}`);
  return raw;
}

export function optionalBoolean(raw: unknown, key: string): boolean | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw !== 'boolean') return fail(key, `expected true or false, got ${show(raw)}`);
  return raw;
}

export function stringList(raw: unknown, key: string): string[] {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) return fail(key, `expected a list of strings, got ${show(raw)}`);
  return raw.map((item: unknown, index) => (typeof item === 'string' ? item : fail(`${key}[${index}]`, `expected a string, got ${show(item)}`)));
}
