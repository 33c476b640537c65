// The catalogue of errors: its texts, the one line a command ends with, and the checks that files can
// be written before paid work. The failures a user meets through the binary are in test/failures/.
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { classifyAwsError } from '../src/aws/errors.js';
import type { AwsApi } from '../src/aws/requests.js';
import { COST_EXPLORER } from '../src/cost-explorer/client.js';
import { AwsError, EXIT_CODES, FileError, ListenError, oneLine } from '../src/errors.js';
import { checkWritable, writing } from '../src/files.js';
import { failure, main } from '../src/main.js';
import { temporaryFolder } from './helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-errors-');
const aFile = join(dir, 'a-file');
writeFileSync(aFile, '');

async function call(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, tty: false });
  return { code, stdout, stderr };
}

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
  const denied = classifyAwsError({ name: 'AccessDeniedException', message: 'User: arn:aws:iam::1:user/x is not authorized\nmore' }, COST_EXPLORER, 'GetCostAndUsage');
  t.match(denied, { code: 'BUE_ERR_AWS_ACCESS_DENIED', exitCode: EXIT_CODES.aws, message: 'AWS denied GetCostAndUsage (User: arn:aws:iam::1:user/x is not authorized); the identity needs ce:GetCostAndUsage, see deploy/iam-policy.json' });
  t.match(classifyAwsError({ name: 'TimeoutError', message: 'socket timed out' }, COST_EXPLORER, 'GetCostAndUsage'), { code: 'BUE_ERR_AWS_UNREACHABLE', message: /^Cost Explorer is unreachable \(TimeoutError: socket timed out\)/ });
  const throttled = { name: 'ThrottlingException', message: 'Rate exceeded' };
  t.equal(classifyAwsError(throttled, COST_EXPLORER, 'GetCostAndUsage'), throttled, 'throttling passes through for the backoff to see');
  t.match(classifyAwsError({ code: 'ECONNRESET', message: 'socket hang up' }, COST_EXPLORER, 'GetCostAndUsage'), { code: 'BUE_ERR_AWS_UNREACHABLE' }, 'a bare Node.js network error, with no name');
  t.equal(classifyAwsError('text', COST_EXPLORER, 'GetCostAndUsage'), 'text');
  t.equal(classifyAwsError(null, COST_EXPLORER, 'GetCostAndUsage'), null);
  t.ok(denied instanceof AwsError);
  const cloudwatch: AwsApi = { ...COST_EXPLORER, api: 'cloudwatch', title: 'CloudWatch', iamPrefix: 'cloudwatch', endpointVariable: 'AWS_ENDPOINT_URL_CLOUDWATCH' };
  t.match(classifyAwsError({ name: 'AccessDenied', message: 'no' }, cloudwatch, 'GetMetricData'), { message: 'AWS denied GetMetricData (no); the identity needs cloudwatch:GetMetricData, see deploy/iam-policy.json' }, 'the advice is the API\'s');
  t.match(classifyAwsError({ code: 'ECONNREFUSED', message: 'refused' }, cloudwatch, 'GetMetricData'), { message: /^CloudWatch is unreachable .*AWS_ENDPOINT_URL_CLOUDWATCH if set$/ });
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
    line: 'bedrock-usage-exporter: unexpected error: TypeError: x is not a function (a bug: please report it at https://github.com/bedrock-usage-exporter/bedrock-usage-exporter/issues with the command that caused it; --log.level=debug shows where)',
    exitCode: EXIT_CODES.unexpected,
  });
  t.same(failure(new ListenError('a:1', '--x', errno('EADDRINUSE'))).exitCode, EXIT_CODES.listen);
  t.equal(oneLine(new AwsError('BUE_ERR_AWS_ANSWER', 'two\nlines')), 'two\\nlines', 'a message stays on one line');
  t.equal(oneLine(Object.assign(new Error('first\nadvice'), { name: 'SdkError' })), 'SdkError: first');
  t.equal(oneLine(42), '42');
});
