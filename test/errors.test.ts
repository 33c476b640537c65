// Every command fails with one line that says what went wrong and what to do, and a documented exit
// code: the cases a user hits, through the real commands.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { classifyAwsError } from '../src/cost-explorer/aws-errors.js';
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { AwsError, EXIT_CODES, FileError, ListenError, oneLine } from '../src/errors.js';
import { checkWritable, writing } from '../src/files.js';
import { failure, main } from '../src/main.js';
import { addDays, dayOf } from '../src/time.js';
import { runCli, type CliResult } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bue-errors-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, '');

async function call(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, tty: false });
  return { code, stdout, stderr };
}

/** The last line of stderr, and that stderr holds no stack trace. */
function lastLine(t: Test, result: CliResult): string {
  t.notMatch(result.stderr, /^\s+at /m, 'no stack trace');
  return result.stderr.trimEnd().split('\n').at(-1)!;
}

async function holdPort(t: Test): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const offline = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', BEDROCK_EXPORTER_AWS_MAX_ATTEMPTS: '1' };

t.test('a listen port in use: serve, demo and the emulator exit 3 with one line', async (t) => {
  const port = await holdPort(t);
  const address = `127.0.0.1:${port}`;
  const runs: Array<[string[], string]> = [
    [['serve', `--web.listen-address=${address}`, '--log.level=error'], '--web.listen-address'],
    [['demo', `--web.listen-address=${address}`, '--log.level=error'], '--web.listen-address'],
    [['emulator', `--listen=${address}`, '--log.level=error'], '--listen'],
  ];
  for (const [argv, flag] of runs) {
    const result = await runCli(argv, { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await closedPort()}` } });
    t.equal(result.code, EXIT_CODES.listen, argv[0]!);
    t.equal(lastLine(t, result), `bedrock-usage-exporter: cannot listen on ${address}: the port is in use; stop what holds it or choose another with ${flag}`, argv[0]!);
  }
});

t.test('backfill with Cost Explorer unreachable exits 4 before it writes anything', async (t) => {
  const output = join(dir, 'unreachable');
  const result = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], {
    env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await closedPort()}` },
  });
  t.equal(result.code, EXIT_CODES.aws);
  t.match(lastLine(t, result), /^bedrock-usage-exporter: Cost Explorer is unreachable \(ECONNREFUSED: .*\); check the network or proxy, and AWS_ENDPOINT_URL_COST_EXPLORER if set$/);
});

t.test('bad credentials: refused keys and no credentials at all exit 4', async (t) => {
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today: dayOf(Date.now()) }), faults: [{ fault: 'expired_token' }] });
  t.teardown(() => emulator.close());
  const output = join(dir, 'credentials');
  const refused = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url } });
  t.equal(refused.code, EXIT_CODES.aws);
  t.match(lastLine(t, refused), /^bedrock-usage-exporter: AWS refused the credentials \(ExpiredTokenException: .*\); check AWS_PROFILE or the access keys, and renew a session token$/);

  const none = await runCli(['backfill', `--output=${output}`, '--collection.services=Amazon Bedrock'], {
    env: {
      ...offline,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url,
    },
  });
  t.equal(none.code, EXIT_CODES.aws);
  t.equal(lastLine(t, none), 'bedrock-usage-exporter: no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role');
  t.equal(emulator.stats().total, 1, 'only the refused request reached Cost Explorer');
});

t.test('backfill --tsdb without promtool, --rules without prometheus or with bad rules: exit 5 or 2 before any request', async (t) => {
  const onlyPromtool = join(dir, 'only-promtool');
  mkdirSync(onlyPromtool);
  symlinkSync(execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim(), join(onlyPromtool, 'promtool'));
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  const tsdb = join(dir, 'tsdb');
  const noPromtool = await runCli(['backfill', `--tsdb=${tsdb}`], { env: { ...offline, PATH: join(dir, 'empty'), AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
  t.equal(noPromtool.code, EXIT_CODES.tool);
  t.equal(lastLine(t, noPromtool), 'bedrock-usage-exporter: promtool not found: install Prometheus (Debian: apt-get install prometheus)');
  const noPrometheus = await runCli(['backfill', `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml'], { env: { ...offline, PATH: onlyPromtool, AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
  t.equal(noPrometheus.code, EXIT_CODES.tool);
  t.match(lastLine(t, noPrometheus), /^bedrock-usage-exporter: prometheus not found: /);
  const rules = join(dir, 'bad-rules.yml');
  writeFileSync(rules, "groups: [{name: x, rules: [{record: 'a:b', expr: 'sum('}]}]\n");
  for (const [file, said] of [[rules, /could not parse expression/], [join(dir, 'no-rules.yml'), /does not exist/]] as const) {
    const badRules = await runCli(['backfill', `--tsdb=${tsdb}`, `--rules=${file}`], { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
    t.equal(badRules.code, EXIT_CODES.config, 'a rule file promtool rejects is a bad flag');
    t.match(lastLine(t, badRules), new RegExp(`^bedrock-usage-exporter: --rules: .*${said.source}`));
  }
});

t.test('promtool failing mid-way: exit 5, and the temporary folder is removed', async (t) => {
  const bin = join(dir, 'failing-promtool');
  mkdirSync(bin);
  // Answers the precondition check, then fails as a promtool that cannot write blocks would.
  writeFileSync(join(bin, 'promtool'), '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "create blocks: no space left" >&2\nexit 1\n', { mode: 0o755 });
  const temporary = join(dir, 'tmp');
  mkdirSync(temporary);
  const today = dayOf(Date.now());
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today }) });
  t.teardown(() => emulator.close());
  const result = await runCli(['backfill', `--tsdb=${join(dir, 'tsdb-failing')}`, `--from=${addDays(today, -3)}`, '--collection.services=Amazon Bedrock'], {
    env: { ...offline, PATH: `${bin}:${process.env.PATH}`, TMPDIR: temporary, AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url },
  });
  t.equal(result.code, EXIT_CODES.tool, result.stderr);
  t.match(lastLine(t, result), /^bedrock-usage-exporter: promtool .*create blocks: no space left/);
  t.same(readdirSync(temporary).filter((name) => name.startsWith('bedrock-backfill-')), [], 'no bedrock-backfill-* folder is left behind');
});

t.test('writing: a file system failure names the file, anything else passes through', async (t) => {
  await t.rejects(writing('the ledger file', '/l', Promise.reject(Object.assign(new Error('EROFS: read-only'), { code: 'EROFS', syscall: 'open' }))), {
    code: 'BUE_ERR_FILE',
    message: 'cannot write the ledger file "/l": the file system is read-only',
  });
  const other = new RangeError('not a file problem');
  await t.rejects(writing('the ledger file', '/l', Promise.reject(other)), other);
  t.equal(await writing('x', '/l', Promise.resolve(7)), 7);
});

t.test('a ledger file or output folder that cannot be written: exit 6 before any request', async (t) => {
  const underFile = join(aFile, 'ledger.json');
  const expected = `bedrock-usage-exporter: cannot write the ledger file ${JSON.stringify(underFile)}: a part of the path is a file, not a folder\n`;
  t.same(await call(['check-config', `--ledger.file=${underFile}`]), { code: EXIT_CODES.file, stdout: '', stderr: expected });
  t.same(await call(['serve', `--ledger.file=${underFile}`, '--web.listen-address=127.0.0.1:0']), { code: EXIT_CODES.file, stdout: '', stderr: expected }, 'serve does not start');
  const backfill = await call(['backfill', `--output=${join(aFile, 'out')}`]);
  t.equal(backfill.code, EXIT_CODES.file);
  t.equal(backfill.stderr, `bedrock-usage-exporter: cannot write the output folder ${JSON.stringify(join(aFile, 'out'))}: a part of the path is a file, not a folder\n`);
  t.equal((await call(['check-config', `--ledger.file=${dir}`])).stderr, `bedrock-usage-exporter: cannot write the ledger file ${JSON.stringify(dir)}: it is a folder\n`);
});

t.test('checkWritable: files and folders that exist, and ones still to be made', async (t) => {
  await checkWritable('x', join(dir, 'new', 'deeper', 'file.json'), 'file');
  await checkWritable('x', aFile, 'file');
  await checkWritable('x', dir, 'folder');
  await checkWritable('x', join(dir, 'new-folder', 'below'), 'folder');
  await t.rejects(checkWritable('the TSDB folder', aFile, 'folder'), { code: 'BUE_ERR_FILE', message: /: a part of the path is a file, not a folder$/ });
  await t.rejects(checkWritable('x', join(aFile, 'y'), 'file'), { code: 'BUE_ERR_FILE' });
  const loop = join(dir, 'loop');
  symlinkSync(loop, loop);
  await t.rejects(checkWritable('x', join(loop, 'y'), 'file'), { code: 'BUE_ERR_FILE', message: /ELOOP$/ }, 'an error other than a missing file is reported as it is');
  await t.rejects(checkWritable('x', '/sys/ledger.json', 'file'), { code: 'BUE_ERR_FILE', message: /: permission denied$/ }, 'a folder that takes no new file, even for root');
  t.same(readdirSync(dir).filter((name) => name.startsWith('.bue-write-check')), [], 'the probe leaves nothing behind');
});

t.test('what the SDK throws, sorted into what a person can act on', async (t) => {
  const denied = classifyAwsError({ name: 'AccessDeniedException', message: 'User: arn:aws:iam::1:user/x is not authorized\nmore' }, 'GetCostAndUsage');
  t.match(denied, { code: 'BUE_ERR_AWS_ACCESS_DENIED', exitCode: EXIT_CODES.aws, message: 'AWS denied GetCostAndUsage (User: arn:aws:iam::1:user/x is not authorized); the identity needs ce:GetCostAndUsage and ce:GetDimensionValues, see deploy/iam-policy.json' });
  t.match(classifyAwsError({ name: 'TimeoutError', message: 'socket timed out' }, 'GetCostAndUsage'), { code: 'BUE_ERR_AWS_UNREACHABLE', message: /^Cost Explorer is unreachable \(TimeoutError: socket timed out\)/ });
  const throttled = { name: 'ThrottlingException', message: 'Rate exceeded' };
  t.equal(classifyAwsError(throttled, 'GetCostAndUsage'), throttled, 'throttling passes through for the backoff to see');
  t.match(classifyAwsError({ code: 'ECONNRESET', message: 'socket hang up' }, 'GetCostAndUsage'), { code: 'BUE_ERR_AWS_UNREACHABLE' }, 'a bare Node.js network error, with no name');
  t.equal(classifyAwsError('text', 'GetCostAndUsage'), 'text');
  t.equal(classifyAwsError(null, 'GetCostAndUsage'), null);
  t.ok(denied instanceof AwsError);
});

t.test('an unexpected error is one line; with --log.level=debug, its stack first', async (t) => {
  // A bug stands in: writing the command's answer throws what no catalogue entry covers.
  const run = async (argv: string[]) => {
    let stderr = '';
    const broken = { write: () => { throw new TypeError('write is broken'); } };
    const code = await main(argv, { stdout: broken, stderr: { write: (s: string) => (stderr += s) }, env: {}, tty: false });
    return { code, lines: stderr.trimEnd().split('\n') };
  };
  const plain = await run(['check-config']);
  t.equal(plain.code, EXIT_CODES.unexpected);
  t.same(plain.lines, [failure(new TypeError('write is broken')).line]);
  const debug = await run(['check-config', '--log.level=debug']);
  t.equal(debug.code, EXIT_CODES.unexpected);
  t.equal(debug.lines[0], 'TypeError: write is broken');
  t.match(debug.lines[1], /^\s+at /, 'the stack says where');
  t.equal(debug.lines.at(-1), plain.lines[0], 'and the one line comes last');
});

t.test('the texts of listen and file errors, and errors outside the catalogue', async (t) => {
  const errno = (code: string) => Object.assign(new Error(`${code} message`), { code });
  t.equal(new ListenError(':80', '--x', errno('EACCES')).message, 'cannot listen on :80: permission denied (ports below 1024 need privileges); choose another with --x');
  t.equal(new ListenError('10.9.9.9:1', '--x', errno('EADDRNOTAVAIL')).message, 'cannot listen on 10.9.9.9:1: this machine has no such address; choose another with --x');
  t.equal(new ListenError('nohost:1', '--x', errno('ENOTFOUND')).message, 'cannot listen on nohost:1: no such host; choose another with --x');
  t.equal(new ListenError('a:1', '--x', errno('EWHAT')).message, 'cannot listen on a:1: EWHAT; choose another with --x');
  t.equal(new ListenError('a:1', '--x', new Error('odd')).message, 'cannot listen on a:1: odd; choose another with --x');
  t.equal(new FileError('the ledger file', '/l', errno('ENOSPC')).message, 'cannot write the ledger file "/l": the disk is full');
  t.equal(new FileError('the ledger file', '/l', errno('EXDEV')).message, 'cannot write the ledger file "/l": EXDEV');
  t.equal(new FileError('the ledger file', '/l', new Error('odd')).message, 'cannot write the ledger file "/l": odd');

  t.same(failure(new TypeError('x is not a function')), {
    line: 'bedrock-usage-exporter: unexpected error: TypeError: x is not a function (a bug: please report it with the command that caused it; --log.level=debug shows where)',
    exitCode: EXIT_CODES.unexpected,
  });
  t.same(failure(new ListenError('a:1', '--x', errno('EADDRINUSE'))).exitCode, EXIT_CODES.listen);
  t.equal(oneLine(new AwsError('BUE_ERR_AWS_ANSWER', 'two\nlines')), 'two\\nlines', 'a message stays on one line');
  t.equal(oneLine(Object.assign(new Error('first\nadvice'), { name: 'SdkError' })), 'SdkError: first');
  t.equal(oneLine(42), '42');
});
