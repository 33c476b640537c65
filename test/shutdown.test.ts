// Shutdown through the real binary: a deadline that holds whatever hangs, and a second signal that
// does not wait for it. The hang is the one a user met: ledger file I/O that never returns (here a
// FIFO where the ledger's temporary file goes, which blocks the write until a reader comes).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SHUTDOWN_DEADLINE_MS } from '../src/commands/shutdown.js';
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { dayOf } from '../src/time.js';
import { runCli } from './helpers/cli.js';
import { temporaryFolder } from './helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-shutdown-');

/** Runs serve until its first refresh hangs saving the ledger, then hands the process to `act`. */
async function serveWithHungLedger(t: Test, name: string, act: (child: ChildProcess) => void) {
  // The first answer is slow, so the FIFO is in place before the refresh saves the ledger.
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 3, size: 'tiny', today: dayOf(Date.now()) }), faults: [{ fault: 'slow', delayMs: 1_500, count: 1 }] });
  t.teardown(() => emulator.close());
  const ledger = join(dir, name, 'ledger.gz');
  let hung = false;
  return runCli(['--web.listen-address=127.0.0.1:0', '--log.format=json', `--ledger.file=${ledger}`, '--collection.services=Amazon Bedrock', '--collection.lookback-days=5'], {
    env: { AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1' },
    timeoutMs: SHUTDOWN_DEADLINE_MS + 20_000,
    imports: ['./test/helpers/coverage-before-sigkill.ts'],
    onOutput: (output, child) => {
      if (!hung && output.includes('"msg":"exporter listening"')) {
        hung = true;
        execFileSync('mkdir', ['-p', join(dir, name)]);
        execFileSync('mkfifo', [`${ledger}.${child.pid}.tmp`]);
        // Long enough for the slow answer and the save that then blocks.
        setTimeout(() => act(child), 3_000);
      }
    },
  });
}

t.test('a shutdown that hangs ends at the deadline', async (t) => {
  const result = await serveWithHungLedger(t, 'deadline', (child) => child.kill('SIGTERM'));
  t.same([result.signal, result.timedOut], ['SIGKILL', false], 'it ends itself, before the test would');
  t.match(result.stdout, /"msg":"shutting down"/);
  t.match(result.stdout, new RegExp(`"msg":"shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000}s: exiting now"`));
});

t.test('a second signal exits at once', async (t) => {
  const result = await serveWithHungLedger(t, 'second', (child) => {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGINT'), 500);
  });
  t.same([result.signal, result.timedOut], ['SIGKILL', false], 'it ends itself, before the test would');
  t.match(result.stdout, /"msg":"second SIGINT: exiting now"/);
  t.notMatch(result.stdout, /shutdown did not finish/, 'without waiting for the deadline');
});

/** serve against an emulator with a stand-in bug preloaded (test/helpers/faulty-process.ts). */
async function serveWithFault(t: Test, fault: string) {
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 3, size: 'tiny', today: dayOf(Date.now()) }) });
  t.teardown(() => emulator.close());
  return runCli(['--web.listen-address=127.0.0.1:0', '--log.format=json', '--collection.services=Amazon Bedrock'], {
    env: { AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', BUE_TEST_FAULT: fault },
    imports: ['./test/helpers/faulty-process.ts', './test/helpers/coverage-before-sigkill.ts'],
  });
}

t.test('an error nothing caught: logged in one line, a graceful close, exit 1', async (t) => {
  const result = await serveWithFault(t, 'uncaught');
  t.match(result.stdout, /"msg":"unexpected error, shutting down: TypeError: a bug"/);
  t.match(result.stdout, /"msg":"another error while shutting down: RangeError: another bug"/, 'a second error while closing ends it at once');
  t.same([result.signal, result.timedOut], ['SIGKILL', false]);
  t.notMatch(result.stderr, /^\s+at /m, 'no stack trace on stderr');
});

t.test('a close that fails: logged, exit 1', async (t) => {
  const result = await serveWithFault(t, 'close');
  t.equal(result.code, 1);
  t.match(result.stdout, /"msg":"shutting down"/);
  t.match(result.stdout, /"msg":"shutdown failed: loop stuck"/);
});
