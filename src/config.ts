import { helpText, readCommandLine, setting, type CommandLine, type Groups, type Values } from './settings/command-line.js';
import { bool, duration, fail, listenAddresses, oneOf, optionalPath, ratio, text, textList, wholeNumber, type Parser } from './settings/parse.js';

// The exporter's settings: the one place each is declared (see settings/command-line.ts). `serve`,
// `demo`, `backfill` and `check-config` read them; `Config` is their values, typed by their parsers.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

/** IAM role ARNs, one per other account whose CloudWatch the live plane reads. */
const roleArns: Parser<string[]> = (raw, name) => {
  const arns = textList(raw, name);
  for (const arn of arns) if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) fail(name, `expected an IAM role ARN like arn:aws:iam::123456789012:role/NAME, got ${JSON.stringify(arn)}`);
  return arns;
};

const telemetryPath: Parser<string> = (raw, name) => {
  const value = text(raw, name);
  if (!/^\/[\w\-./]*$/.test(value) || value.startsWith('/-/') || value === '/') {
    return fail(name, `expected a path like /metrics, got ${JSON.stringify(raw)}`);
  }
  return value;
};

export const LOG_SETTINGS = {
  level: setting({ key: 'log.level', parse: oneOf<LogLevel>('debug', 'info', 'warn', 'error'), default: 'info', help: 'debug, info, warn or error' }),
  format: setting({ key: 'log.format', parse: oneOf<LogFormat>('json', 'text'), default: 'json', help: 'json, or text to read in a terminal (the default on one)' }),
};

export const SETTINGS = {
  web: {
    listenAddresses: setting({ key: 'web.listen_address', parse: listenAddresses, default: [':9180'], repeatable: true, help: 'where to serve HTTP: HOST:PORT, [IPv6]:PORT or :PORT for every interface' }),
    telemetryPath: setting({ key: 'web.telemetry_path', parse: telemetryPath, default: '/metrics', help: 'the path of the metrics' }),
    configFile: setting({ key: 'web.config_file', flag: 'web.config.file', parse: optionalPath, help: 'exporter-toolkit web config file: TLS, basic auth and headers' }),
    disableExporterMetrics: setting({ key: 'web.disable_exporter_metrics', parse: bool, default: false, switch: true, help: 'leave out the process and Node.js metrics (process_*, nodejs_*), keep bedrock_exporter_*' }),
  },
  log: LOG_SETTINGS,
  refresh: {
    intervalMs: setting({ key: 'refresh.interval', parse: duration(60_000), default: '4h', help: 'time between refreshes (Cost Explorer updates up to three times a day)' }),
    jitter: setting({ key: 'refresh.jitter', parse: ratio, default: 0.1, help: 'spread of the interval, a fraction: 0.1 is +-10%' }),
    timeoutMs: setting({ key: 'refresh.timeout', parse: duration(1_000), default: '10m', help: 'deadline of one refresh' }),
    retryBaseMs: setting({ key: 'refresh.retry_base', parse: duration(1), default: '30s', help: 'first wait after a failed refresh (exponential backoff, with jitter)' }),
    retryMaxMs: setting({ key: 'refresh.retry_max', parse: duration(1), default: '30m', help: 'longest wait after failed refreshes' }),
  },
  collection: {
    accountBreakdown: setting({ key: 'collection.account_breakdown', parse: bool, default: true, help: 'the account label; false saves requests (one query instead of one per service)' }),
    serviceSearch: setting({ key: 'collection.service_search', parse: text, default: 'Bedrock', help: 'what discovery searches the SERVICE values for' }),
    services: setting({ key: 'collection.services', parse: textList, default: [], shownDefault: 'discovered', help: 'fixed SERVICE values (comma-separated) instead of discovering them daily' }),
    allocationTags: setting({ key: 'collection.allocation_tags', flag: 'collection.allocation-tag', parse: textList, default: [], repeatable: true, shownDefault: 'none', help: 'a cost allocation tag key (as activated in Billing, verbatim) to break spend down by: one more query per service' }),
    costCategories: setting({ key: 'collection.cost_categories', flag: 'collection.cost-category', parse: textList, default: [], repeatable: true, shownDefault: 'none', help: 'a cost category name (verbatim) to break spend down by: one more query per service' }),
    rediscoverMs: setting({ key: 'collection.rediscover_interval', parse: duration(60_000), default: '24h', help: 'time between service discoveries' }),
    settleDays: setting({ key: 'collection.settle_days', parse: wholeNumber(1), default: 2, help: 'a day no longer marked estimated and at least this old is never read again' }),
    lookbackDays: setting({ key: 'collection.lookback_days', parse: wholeNumber(0), default: 0, help: 'days back from today to hold, at least the current month (the landing page\'s chart)' }),
    maxPages: setting({ key: 'collection.max_pages', parse: wholeNumber(1), default: 1000, help: 'most pages one answer may have before it is refused' }),
  },
  aws: {
    region: setting({ key: 'aws.region', parse: text, default: 'us-east-1', help: 'the region of the Cost Explorer endpoint' }),
    maxAttempts: setting({ key: 'aws.max_attempts', parse: wholeNumber(1), default: 3, help: 'attempts per request; the SDK retries throttling and 5xx with jitter' }),
    requestTimeoutMs: setting({ key: 'aws.request_timeout', parse: duration(100), default: '60s', help: 'deadline of one request' }),
  },
  live: {
    enabled: setting({ key: 'live.enabled', parse: bool, default: true, help: 'read Bedrock\'s per-minute counts from CloudWatch (the live plane)' }),
    intervalMs: setting({ key: 'live.interval', parse: duration(60_000), default: '5m', help: 'time between CloudWatch polls, at least 1m' }),
    regions: setting({ key: 'live.regions', parse: textList, default: [], shownDefault: 'where the bill shows Bedrock', help: 'regions to read CloudWatch in (comma-separated)' }),
    roleArns: setting({ key: 'live.role_arns', flag: 'live.role-arn', parse: roleArns, default: [], repeatable: true, shownDefault: 'none', help: 'an IAM role in another account to assume and read its CloudWatch and Bedrock too (a monitoring account needs none)' }),
  },
  ledger: {
    file: setting({ key: 'ledger.file', parse: optionalPath, help: 'keep settled days across restarts (gzipped, written atomically; a corrupt file is ignored with a warning)' }),
    maxDays: setting({ key: 'ledger.max_days', parse: wholeNumber(1), default: 500, help: 'most days the ledger holds in memory' }),
  },
} satisfies Groups;

export type Config = Values<typeof SETTINGS>;

export const SETTING_TITLES: Record<string, string> = {
  web: 'Web', log: 'Log', refresh: 'Refresh', collection: 'Collection (what is read from Cost Explorer)', aws: 'AWS', live: 'Live (CloudWatch)', ledger: 'Ledger',
};

export interface LoadOptions<G extends Groups> {
  /** Logs go to a terminal: text unless a format is asked for. */
  tty?: boolean;
  /** Defaults of this command that differ from the exporter's, by key (the demo's address). */
  defaults?: Record<string, unknown>;
  /** The command's own flags (backfill's). */
  command?: G;
}

export interface ConfigCommandLine<C> extends Omit<CommandLine, 'valuesOf'> {
  config: Config;
  /** The values of the command's own flags. */
  command: C;
}

/** Flags, environment and YAML file into one validated Config (and the command's own flags); throws ConfigError. */
export function loadConfig<G extends Groups = Record<never, never>>(argv: string[], env: NodeJS.ProcessEnv = process.env, options: LoadOptions<G> = {}): ConfigCommandLine<Values<G>> {
  const own = options.command ?? ({} as G);
  const defaults = { ...(options.tty ? { 'log.format': 'text' } : {}), ...options.defaults };
  const { valuesOf, ...commandLine } = readCommandLine([SETTINGS, own], argv, { env, defaults, configFile: true });
  const config = valuesOf(SETTINGS);
  if (config.refresh.retryBaseMs > config.refresh.retryMaxMs) fail('refresh.retry_base', 'must not exceed refresh.retry_max');
  return { ...commandLine, config, command: valuesOf(own) };
}

/** --help's part for the exporter's settings. */
export const configHelp = (): string => `  --config.file PATH\n      YAML file with the keys below\n\n${helpText(SETTINGS, SETTING_TITLES)}`;
