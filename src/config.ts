import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';

// Every setting has one key ("section.key" as in the YAML file), one flag (--section.key-name, as in
// node_exporter) and one environment variable (BEDROCK_EXPORTER_SECTION_KEY). Precedence: flag >
// environment > file > default. Anything unknown is an error that names the key.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

export interface Config {
  web: { listenAddresses: string[]; telemetryPath: string; configFile: string | undefined; disableExporterMetrics: boolean };
  log: { level: LogLevel; format: LogFormat };
  refresh: { intervalMs: number; jitter: number; timeoutMs: number; retryBaseMs: number; retryMaxMs: number };
  collection: {
    accountBreakdown: boolean;
    serviceSearch: string;
    services: string[];
    rediscoverMs: number;
    settleDays: number;
    lookbackDays: number;
    maxPages: number;
  };
  aws: { region: string; maxAttempts: number; requestTimeoutMs: number };
  ledger: { file: string | undefined; maxDays: number };
}

type Parser<T> = (raw: unknown, key: string) => T;

/** Keys and paths come from users: anything unusual (an empty name, a newline) is shown quoted. */
const shown = (key: string): string => (/^[\w.\-[\]]+$/.test(key) ? key : JSON.stringify(key));

const fail = (key: string, problem: string): never => {
  throw new ConfigError(`${shown(key)}: ${problem}`);
};

const show = (raw: unknown): string => String(JSON.stringify(raw));

const text: Parser<string> = (raw, key) => {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') return fail(key, `expected a non-empty string, got ${show(raw)}`);
  return raw;
};

const optionalText: Parser<string | undefined> = (raw, key) => (raw === '' || raw === null || raw === undefined ? undefined : text(raw, key));

const textList: Parser<string[]> = (raw, key) => {
  if (typeof raw === 'string') return raw.split(',').map((item) => item.trim()).filter(Boolean);
  if (!Array.isArray(raw)) return fail(key, `expected a list of strings, got ${show(raw)}`);
  return raw.map((item, index) => text(item, `${key}[${index}]`));
};

const bool: Parser<boolean> = (raw, key) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return fail(key, `expected true or false, got ${show(raw)}`);
};

const wholeNumber = (min: number): Parser<number> => (raw, key) => {
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    return fail(key, `expected a whole number >= ${min}, got ${show(raw)}`);
  }
  return value;
};

const ratio: Parser<number> = (raw, key) => {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return fail(key, `expected a number from 0 to 1, got ${show(raw)}`);
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

const duration = (minMs: number): Parser<number> => (raw, key) => {
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined) return fail(key, `expected a duration like 90s, 30m or 4h, got ${show(raw)}`);
  if (ms < minMs) return fail(key, `must be at least ${minMs / 1000}s, got ${show(raw)}`);
  return ms;
};

const oneOf = <T extends string>(...values: T[]): Parser<T> => (raw, key) =>
  values.includes(raw as T) ? (raw as T) : fail(key, `expected one of ${values.join(', ')}, got ${show(raw)}`);

/** HOST:PORT, [IPv6]:PORT or :PORT (all interfaces), as Prometheus exporters take it. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

const listenAddresses: Parser<string[]> = (raw, key) => {
  const list = textList(raw, key);
  if (list.length === 0) return fail(key, 'expected at least one address');
  for (const address of list) {
    if (!parseListenAddress(address)) fail(key, `expected HOST:PORT, got ${show(address)}`);
  }
  return list;
};

const telemetryPath: Parser<string> = (raw, key) => {
  const value = text(raw, key);
  if (!/^\/[\w\-./]*$/.test(value) || value.startsWith('/-/') || value === '/') {
    return fail(key, `expected a path like /metrics, got ${show(raw)}`);
  }
  return value;
};

interface Field {
  parse: Parser<unknown>;
  default: unknown;
  /** Flags that may be given several times collect into a list. */
  repeatable?: boolean;
  /** When the conventional flag is not the key with '-' for '_' (exporter-toolkit's --web.config.file). */
  flag?: string;
  /** A switch: given bare on the command line (node_exporter's --web.disable-exporter-metrics). */
  switch?: boolean;
}

const FIELDS = {
  'web.listen_address': { parse: listenAddresses, default: [':9180'], repeatable: true },
  'web.telemetry_path': { parse: telemetryPath, default: '/metrics' },
  'web.config_file': { parse: optionalText, default: undefined, flag: 'web.config.file' },
  'web.disable_exporter_metrics': { parse: bool, default: false, switch: true },
  'log.level': { parse: oneOf<LogLevel>('debug', 'info', 'warn', 'error'), default: 'info' },
  'log.format': { parse: oneOf<LogFormat>('json', 'text'), default: 'json' },
  'refresh.interval': { parse: duration(60_000), default: '4h' },
  'refresh.jitter': { parse: ratio, default: 0.1 },
  'refresh.timeout': { parse: duration(1_000), default: '10m' },
  'refresh.retry_base': { parse: duration(1), default: '30s' },
  'refresh.retry_max': { parse: duration(1), default: '30m' },
  'collection.account_breakdown': { parse: bool, default: true },
  'collection.service_search': { parse: text, default: 'Bedrock' },
  'collection.services': { parse: textList, default: [] },
  'collection.rediscover_interval': { parse: duration(60_000), default: '24h' },
  'collection.settle_days': { parse: wholeNumber(1), default: 2 },
  'collection.lookback_days': { parse: wholeNumber(0), default: 0 },
  'collection.max_pages': { parse: wholeNumber(1), default: 1000 },
  'aws.region': { parse: text, default: 'us-east-1' },
  'aws.max_attempts': { parse: wholeNumber(1), default: 3 },
  'aws.request_timeout': { parse: duration(100), default: '60s' },
  'ledger.file': { parse: optionalText, default: undefined },
  'ledger.max_days': { parse: wholeNumber(1), default: 500 },
} satisfies Record<string, Field>;

type Key = keyof typeof FIELDS;
const KEYS = Object.keys(FIELDS) as Key[];
const ENV_PREFIX = 'BEDROCK_EXPORTER_';

export const flagName = (key: string): string => (FIELDS[key as Key] as Field | undefined)?.flag ?? key.replaceAll('_', '-');
export const envName = (key: string): string => ENV_PREFIX + key.replace('.', '_').toUpperCase();

function flattenFile(document: unknown, file: string): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (document === null || document === undefined) return values;
  if (typeof document !== 'object' || Array.isArray(document)) fail(file, 'expected a mapping of sections');
  for (const [section, body] of Object.entries(document as Record<string, unknown>)) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      if (!KEYS.some((key) => key.startsWith(`${section}.`))) fail(section, 'unknown key');
      fail(section, 'expected a mapping');
    }
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      const key = `${section}.${name}`;
      if (!(key in FIELDS)) fail(key, 'unknown key');
      values.set(key, value);
    }
  }
  return values;
}

function readConfigFile(file: string): Map<string, unknown> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return fail('config.file', `cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let document: unknown;
  try {
    document = parseYaml(source);
  } catch (error) {
    return fail('config.file', `${JSON.stringify(file)} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return flattenFile(document, 'config.file');
}

function readEnvironment(env: NodeJS.ProcessEnv): Map<string, unknown> {
  const byName = new Map(KEYS.map((key) => [envName(key), key]));
  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const key = byName.get(name);
    if (!key) fail(name, 'unknown environment variable');
    values.set(key as Key, value);
  }
  return values;
}

export interface CommandLine {
  config: Config;
  /** Set when --config.file was given, so check-config can say what it checked. */
  configFile: string | undefined;
  positionals: string[];
  help: boolean;
  version: boolean;
  /** Values of a command's own flags (see `commandFlags`), unvalidated. */
  extra: Record<string, string | string[] | boolean | undefined>;
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Flags, environment and YAML file into one validated Config; throws ConfigError on any problem. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env, tty = false, commandFlags: FlagSpec = {}): CommandLine {
  const options: FlagSpec = {
    ...commandFlags,
    'config.file': { type: 'string' },
    help: { type: 'boolean' },
    version: { type: 'boolean' },
  };
  for (const key of KEYS) {
    const field = FIELDS[key] as Field;
    options[flagName(key)] = field.switch ? { type: 'boolean' } : { type: 'string', multiple: field.repeatable === true };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages run over several lines and end in advice that does not apply here.
    return fail('flags', (error as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.? To specify .*$/, ''));
  }
  const flags = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const configFile = flags['config.file'] as string | undefined;
  const fromFile = configFile === undefined ? new Map<string, unknown>() : readConfigFile(configFile);
  const fromEnv = readEnvironment(env);

  const value = (key: Key): unknown => {
    const flag = flags[flagName(key)];
    const field = FIELDS[key] as Field;
    if (flag !== undefined) return field.parse(flag, `--${flagName(key)}`);
    if (fromEnv.has(key)) return field.parse(fromEnv.get(key), envName(key));
    if (fromFile.has(key)) return field.parse(fromFile.get(key), key);
    return field.parse(field.default, key);
  };
  const logFormatGiven = flags['log.format'] !== undefined || fromEnv.has('log.format') || fromFile.has('log.format');

  const config: Config = {
    web: {
      listenAddresses: value('web.listen_address') as string[],
      telemetryPath: value('web.telemetry_path') as string,
      configFile: value('web.config_file') as string | undefined,
      disableExporterMetrics: value('web.disable_exporter_metrics') as boolean,
    },
    log: {
      level: value('log.level') as LogLevel,
      format: logFormatGiven || !tty ? (value('log.format') as LogFormat) : 'text',
    },
    refresh: {
      intervalMs: value('refresh.interval') as number,
      jitter: value('refresh.jitter') as number,
      timeoutMs: value('refresh.timeout') as number,
      retryBaseMs: value('refresh.retry_base') as number,
      retryMaxMs: value('refresh.retry_max') as number,
    },
    collection: {
      accountBreakdown: value('collection.account_breakdown') as boolean,
      serviceSearch: value('collection.service_search') as string,
      services: value('collection.services') as string[],
      rediscoverMs: value('collection.rediscover_interval') as number,
      settleDays: value('collection.settle_days') as number,
      lookbackDays: value('collection.lookback_days') as number,
      maxPages: value('collection.max_pages') as number,
    },
    aws: {
      region: value('aws.region') as string,
      maxAttempts: value('aws.max_attempts') as number,
      requestTimeoutMs: value('aws.request_timeout') as number,
    },
    ledger: {
      file: value('ledger.file') as string | undefined,
      maxDays: value('ledger.max_days') as number,
    },
  };
  if (config.refresh.retryBaseMs > config.refresh.retryMaxMs) fail('refresh.retry_base', 'must not exceed refresh.retry_max');
  return {
    config,
    configFile,
    positionals: parsed.positionals,
    help: flags.help === true,
    version: flags.version === true,
    extra: Object.fromEntries(Object.keys(commandFlags).map((name) => [name, flags[name]])),
  };
}

export function configHelp(): string {
  const lines = KEYS.map((key) => {
    const field = FIELDS[key] as Field;
    const shown = Array.isArray(field.default) ? field.default.join(',') : field.default;
    return `  --${flagName(key)}${field.repeatable ? ' (repeatable)' : ''}${field.switch ? ' (a switch)' : ''}\n      ${envName(key)}; file key ${key}; default ${shown === undefined || shown === '' ? 'unset' : shown}`;
  });
  return ['  --config.file PATH      YAML file with the keys below', ...lines].join('\n');
}
