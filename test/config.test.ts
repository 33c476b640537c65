import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { configHelp, loadConfig, SETTINGS } from '../src/config.js';
import { envOf } from '../src/settings/command-line.js';
import { parseDuration, parseListenAddress } from '../src/settings/parse.js';
import { ConfigError } from '../src/errors.js';
import { temporaryFolder } from './helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-config-');
const file = (name: string, body: string): string => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(argv, env);
const failure = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    load(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      t.equal(error.code, 'BUE_ERR_CONFIG');
      t.notMatch(error.message, /\n/, 'the message is one line');
      return error.message;
    }
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
};

t.test('defaults follow the design', async (t) => {
  const { config, positionals, help, version, configFile } = load([]);
  t.same(config.web, { listenAddresses: [':9180'], telemetryPath: '/metrics', configFile: undefined, disableExporterMetrics: false });
  t.equal(config.refresh.intervalMs, 4 * 3_600_000);
  t.equal(config.collection.accountBreakdown, true);
  t.equal(config.collection.serviceSearch, 'Bedrock');
  t.equal(config.log.format, 'json');
  t.same([positionals, help, version, configFile], [[], false, false, undefined]);
});

t.test('a terminal gets readable logs unless a format is asked for', async (t) => {
  t.equal(loadConfig([], {}, { tty: true }).config.log.format, 'text');
  t.equal(loadConfig(['--log.format=json'], {}, { tty: true }).config.log.format, 'json');
});

t.test('flag beats environment beats file', async (t) => {
  const path = file('all.yml', 'refresh:\n  interval: 2h\n  jitter: 0.2\ncollection:\n  account_breakdown: false\n  services: [Amazon Bedrock]\nlog:\n  level: debug\n');
  const fromFile = load(['--config.file', path]).config;
  t.equal(fromFile.refresh.intervalMs, 7_200_000);
  t.equal(fromFile.refresh.jitter, 0.2);
  t.equal(fromFile.collection.accountBreakdown, false);
  t.same(fromFile.collection.services, ['Amazon Bedrock']);
  t.equal(fromFile.log.level, 'debug');
  const fromEnv = load(['--config.file', path], { BEDROCK_EXPORTER_REFRESH_INTERVAL: '3h', HOME: '/root' }).config;
  t.equal(fromEnv.refresh.intervalMs, 10_800_000);
  const fromFlag = load(['--config.file', path, '--refresh.interval=90m'], { BEDROCK_EXPORTER_REFRESH_INTERVAL: '3h' }).config;
  t.equal(fromFlag.refresh.intervalMs, 5_400_000);
});

t.test('repeatable and list settings', async (t) => {
  const { config } = load(['--web.listen-address', '127.0.0.1:9180', '--web.listen-address', '[::1]:9181', '--collection.services', 'A, B']);
  t.same(config.web.listenAddresses, ['127.0.0.1:9180', '[::1]:9181']);
  t.equal(load(['--web.config.file', 'web.yml']).config.web.configFile, 'web.yml', 'the exporter-toolkit flag name');
  t.same(config.collection.services, ['A', 'B']);
  t.same(load([], { BEDROCK_EXPORTER_WEB_LISTEN_ADDRESS: ':1,:2' }).config.web.listenAddresses, [':1', ':2']);
  const roles = ['arn:aws:iam::111111111111:role/bedrock-usage-exporter-live', 'arn:aws-cn:iam::222222222222:role/team/reader'];
  t.same(load(['--live.role-arn', roles[0]!, '--live.role-arn', roles[1]!]).config.live.roleArns, roles, 'a role per account');
});

t.test('bad values name the key and say what is wrong', async (t) => {
  t.match(failure(['--refresh.interval', 'soon']), /^--refresh\.interval: expected a duration/);
  t.match(failure(['--refresh.interval', '10s']), /^--refresh\.interval: must be at least 60s/);
  t.match(failure(['--refresh.jitter', '2']), /^--refresh\.jitter: expected a number from 0 to 1/);
  t.match(failure(['--collection.account-breakdown', 'yes']), /account-breakdown: expected true or false/);
  t.match(failure(['--collection.settle-days', '0']), /settle-days: expected a whole number >= 1/);
  t.match(failure(['--log.level', 'loud']), /--log\.level: expected one of debug, info, warn, error/);
  t.match(failure(['--web.listen-address', 'localhost']), /--web\.listen-address: expected HOST:PORT/);
  t.match(failure(['--web.listen-address', ':70000']), /expected HOST:PORT/);
  t.match(failure(['--web.telemetry-path', 'metrics']), /--web\.telemetry-path: expected a path/);
  t.match(failure(['--refresh.retry-base', '2h', '--refresh.retry-max', '1h']), /^refresh\.retry_base: must not exceed/);
  t.match(failure(['--live.role-arn', '111111111111']), /^--live\.role-arn: expected an IAM role ARN like arn:aws:iam::123456789012:role\/NAME, got "111111111111"$/);
  t.match(failure(['--aws.region', '']), /--aws\.region: expected a non-empty string/);
});

t.test('unknown flags, keys and variables are rejected by name', async (t) => {
  t.match(failure(['--refresh.intervall', '1h']), /^flags: Unknown option '--refresh.intervall'/);
  t.match(failure(['--config.file', file('unknown.yml', 'refresh:\n  intervall: 1h\n')]), /^refresh\.intervall: unknown key/);
  t.match(failure(['--config.file', file('section.yml', 'nonsense:\n  a: 1\n')]), /^nonsense\.a: unknown key/);
  t.match(failure(['--config.file', file('scalar.yml', 'refresh: 4h\n')]), /^refresh: expected a mapping/);
  t.match(failure(['--config.file', file('scalar2.yml', 'bogus: 4h\n')]), /^bogus: unknown key/);
  t.match(failure(['--config.file', file('alias.yml', '&a [*a]\n')]), /^config\.file: expected a mapping, got a value that contains itself$/, 'a list that holds itself');
  t.match(failure(['--config.file', file('list.yml', '- a\n')]), /^config\.file: expected a mapping/);
  t.match(failure(['--config.file', file('types.yml', 'collection:\n  services: 3\n')]), /^collection\.services: expected a list/);
  t.match(failure(['--config.file', file('item.yml', 'collection:\n  services: [[1]]\n')]), /^collection\.services\[0\]: expected a non-empty string/);
  t.match(failure([], { BEDROCK_EXPORTER_REFRESH_INTERVALL: '1h' }), /^BEDROCK_EXPORTER_REFRESH_INTERVALL: unknown environment variable/);
  t.match(failure([], { BEDROCK_EXPORTER_REFRESH_INTERVAL: 'x' }), /^BEDROCK_EXPORTER_REFRESH_INTERVAL: expected a duration/);
  t.match(failure([], { BEDROCK_EXPORTER_LEDGER_FILE: 'a\u0000b' }), /^BEDROCK_EXPORTER_LEDGER_FILE: expected a path, got "a\\u0000b"$/, 'a NUL byte, which no path holds');
});

t.test('unreadable or invalid files are one-line errors', async (t) => {
  t.match(failure(['--config.file', join(dir, 'missing.yml')]), /^config\.file: cannot read ".*missing\.yml": no such file or folder$/);
  t.match(failure(['--config.file', file('bad.yml', 'refresh: [\n')]), /^config\.file: ".*bad\.yml" is not valid YAML: .* at line 2, column 1$/, 'the position, and no dangling colon');
  t.same(load(['--config.file', file('empty.yml', '')]).config.refresh.intervalMs, 4 * 3_600_000);
  t.equal(load(['--config.file', file('null.yml', 'web:\n  config_file: null\n')]).config.web.configFile, undefined);
});

t.test('every source speaks the same types', async (t) => {
  t.equal(load([], { BEDROCK_EXPORTER_COLLECTION_ACCOUNT_BREAKDOWN: 'true' }).config.collection.accountBreakdown, true);
  t.equal(load(['--collection.account-breakdown=false']).config.collection.accountBreakdown, false);
  t.equal(load([], { BEDROCK_EXPORTER_LEDGER_FILE: '' }).config.ledger.file, undefined);
  t.equal(load([], { BEDROCK_EXPORTER_LEDGER_FILE: '/tmp/ledger.json' }).config.ledger.file, '/tmp/ledger.json');
  t.match(failure(['--config.file', file('number.yml', 'refresh:\n  interval: 5\n')]), /^refresh\.interval: expected a duration like 90s, 30m or 4h, got 5$/);
  t.match(failure(['--config.file', file('nolisten.yml', 'web:\n  listen_address: []\n')]), /^web\.listen_address: expected at least one address/);
  t.match(failure(['--config.file', dir]), /^config\.file: cannot read .*: it is a folder$/);
  t.match(failure(['--config.file', file('undef.yml', 'aws:\n  region: ~\n')]), /^aws\.region: expected a non-empty string, got null/);
});

t.test('numbers given as YAML numbers or strings', async (t) => {
  const { config } = load(['--config.file', file('numbers.yml', 'collection:\n  settle_days: 3\n  max_pages: "50"\nrefresh:\n  jitter: 0\naws:\n  region: 12\n')]);
  t.equal(config.collection.settleDays, 3);
  t.equal(config.collection.maxPages, 50);
  t.equal(config.refresh.jitter, 0);
  t.equal(config.aws.region, '12');
});

t.test('help, version and positionals pass through', async (t) => {
  const parsed = load(['--help', '--version', 'extra']);
  t.same([parsed.help, parsed.version, parsed.positionals], [true, true, ['extra']]);
  t.match(configHelp(), /^Refresh:\n  --refresh\.interval\n      time between refreshes .*; default 4h\n      BEDROCK_EXPORTER_REFRESH_INTERVAL; file key refresh\.interval$/m);
  t.equal(envOf(SETTINGS.collection.accountBreakdown), 'BEDROCK_EXPORTER_COLLECTION_ACCOUNT_BREAKDOWN');
});

t.test('durations and listen addresses', async (t) => {
  t.equal(parseDuration('1h30m'), 5_400_000);
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('2d'), 172_800_000);
  t.equal(parseDuration('1w'), 604_800_000);
  t.equal(parseDuration('h'), undefined);
  t.equal(parseDuration('-1h'), undefined);
  t.same(parseListenAddress(':9180'), { host: '0.0.0.0', port: 9180 });
  t.same(parseListenAddress('[::1]:80'), { host: '::1', port: 80 });
  t.same(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  t.equal(parseListenAddress('[::1]'), undefined);
});
