import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../src/main.js';
import { runCli } from './helpers/cli.js';
import { temporaryFolder } from './helpers/temporary.js';

async function call(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, tty: false });
  return { code, stdout, stderr };
}

const dir = temporaryFolder(t, 'bue-cli-');

t.test('bad flags and config exit 2 with one line naming the key', async (t) => {
  t.same(await call(['--refresh.interval=often']), { code: 2, stdout: '', stderr: 'bedrock-usage-exporter: --refresh.interval: expected a duration like 90s, 30m or 4h, got "often"\n' });
  const file = join(dir, 'typo.yml');
  writeFileSync(file, 'collection:\n  acount_breakdown: false\n');
  t.same(await call(['check-config', '--config.file', file]), { code: 2, stdout: '', stderr: 'bedrock-usage-exporter: collection.acount_breakdown: unknown key\n' });
  const argument = await call(['serve', 'extra']);
  t.equal(argument.code, 2);
  t.match(argument.stderr, /^bedrock-usage-exporter: unexpected argument "extra"; commands: serve, demo/);
  const env = await call(['check-config'], { BEDROCK_EXPORTER_LOG_LEVEL: 'chatty' });
  t.equal(env.code, 2);
  t.match(env.stderr, /^bedrock-usage-exporter: BEDROCK_EXPORTER_LOG_LEVEL: expected one of/);
});

t.test('check-config, --version and --help', async (t) => {
  const file = join(dir, 'good.yml');
  writeFileSync(file, 'refresh:\n  interval: 2h\n');
  t.same(await call(['check-config', '--config.file', file]), { code: 0, stdout: `configuration OK (${file})\n`, stderr: '' });
  t.equal((await call(['check-config'])).stdout, 'configuration OK\n');
  t.match((await call(['--version'])).stdout, /^bedrock-usage-exporter \d+\.\d+\.\d+ \(node v\d+/);
  const help = await call(['serve', '--help']);
  t.match(help.stdout, /Commands:\n\s+serve/);
  t.match(help.stdout, /--web\.listen-address \(repeatable\)/);
});

t.test('backfill flags are validated before anything is read', async (t) => {
  t.same(await call(['backfill', '--lookback-delta=1h1ms']), { code: 2, stdout: '', stderr: 'bedrock-usage-exporter: --lookback-delta: expected whole seconds that divide a day (1m, 2m, 5m, 10m, ...), got "1h1ms"\n' });
  t.equal((await call(['backfill', '--bogus'])).code, 2);
  const help = (await call(['backfill', '--help'])).stdout;
  t.match(help, /^Backfill:\n  --from\n      first day to read; default the oldest day Cost Explorer keeps/m, 'backfill --help describes its own flags');
  t.match(help, /--dry-run \(a switch\)\n\s+print the plan and what it will cost/);
  t.match(help, /^Refresh:\n/m, 'and the settings it shares with the exporter');
  t.notMatch((await call(['--help'])).stdout, /--dry-run/, 'which the other commands do not take');
});

t.test('the real binary: exit 2 on a bad flag', async (t) => {
  const result = await runCli(['--log.level=loud']);
  t.equal(result.code, 2);
  t.equal(result.stderr, 'bedrock-usage-exporter: --log.level: expected one of debug, info, warn, error, got "loud"\n');
});

t.test('the real binary: serve starts, listens and stops on SIGTERM', async (t) => {
  const result = await runCli(['--web.listen-address=127.0.0.1:0', '--log.format=json', '--collection.services=Amazon Bedrock'], {
    env: {
      AWS_ENDPOINT_URL_COST_EXPLORER: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', BEDROCK_EXPORTER_AWS_MAX_ATTEMPTS: '1',
      // npm test turns the SDK's notice off for the whole suite; here it is the user's default.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
    },
    until: /"msg":"exporter listening"/,
  });
  t.equal(result.code, 0, 'a graceful exit');
  t.match(result.stdout, /"msg":"shutting down"/);
  t.notMatch(result.stderr, /NodeVersionSupportWarning/, "the SDK's eight-line notice is not printed");
  const notices = result.stdout.split('\n').filter((line) => line.includes('need Node.js 22'));
  t.equal(notices.length, Number(process.versions.node.split('.')[0]) < 22 ? 1 : 0, 'on Node 20, one warning line says it instead');
});

t.test('check-config validates the web config file too', async (t) => {
  const file = join(dir, 'web.yml');
  writeFileSync(file, 'basic_auth_users:\n  dave: not-a-hash\n');
  const result = await call(['check-config', '--web.config.file', file]);
  t.equal(result.code, 2);
  t.match(result.stderr, /^bedrock-usage-exporter: web\.config\.file: basic_auth_users\.dave: /);
});

t.test('the real backfill command: the SDK found through AWS_ENDPOINT_URL_COST_EXPLORER, files kept, ledger saved', async (t) => {
  const { generateDataset } = await import('../src/emulator/dataset.js');
  const { startEmulator } = await import('../src/emulator/server.js');
  const { dayOf, addDays } = await import('../src/time.js');
  const { readdirSync, existsSync } = await import('node:fs');
  const today = dayOf(Date.now());
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today }) });
  t.teardown(() => emulator.close());
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1' });
  t.teardown(() => {
    process.env = saved;
  });
  const output = join(dir, 'history');
  const ledger = join(dir, 'ledger.gz');
  const result = await call(['backfill', `--from=${addDays(today, -3)}`, `--output=${output}`, `--ledger.file=${ledger}`, '--collection.services=Amazon Bedrock']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /from 1 Bedrock services: Amazon Bedrock by LINKED_ACCOUNT\+USAGE_TYPE/);
  t.match(result.stderr, /\d+ samples in .*history\n/);
  t.ok(readdirSync(output).length >= 1, 'the OpenMetrics files stay');
  t.ok(existsSync(ledger), 'the settled days are saved for the exporter');
  const none = await call(['backfill', '--dry-run', '--collection.service-search=NoSuchService']);
  t.match(none.stdout, /from 0 Bedrock services: nothing to read/);
});
