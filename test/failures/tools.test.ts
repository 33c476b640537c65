// The programs backfill runs for --rules: missing, or stopped part-way. Exit 5 (2 for rule files
// promtool rejects) before any paid request, and nothing left behind.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { EXIT_CODES } from '../../src/errors.js';
import { addDays, dayOf } from '../../src/time.js';
import { runCli } from '../helpers/cli.js';
import { lastLine, offline } from '../helpers/failures.js';
import { freePort } from '../helpers/prometheus.js';
import { temporaryFolder } from '../helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-failures-tools-');

t.test('backfill --tsdb needs no tool; --rules without prometheus or promtool, or with bad rules: exit 5 or 2 before any request', async (t) => {
  const only = (tool: string): string => {
    const bin = join(dir, `only-${tool}`);
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    return bin;
  };
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  const tsdb = join(dir, 'tsdb');
  const noTools = await runCli(['backfill', `--tsdb=${tsdb}`], { env: { ...offline, PATH: join(dir, 'empty'), AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
  t.equal(noTools.code, EXIT_CODES.aws, 'blocks are written without Prometheus installed: the run goes on to Cost Explorer');
  const rules = '--rules=prometheus/rules/recording.yml';
  const noPrometheus = await runCli(['backfill', `--tsdb=${tsdb}`, rules], { env: { ...offline, PATH: only('promtool'), AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
  t.equal(noPrometheus.code, EXIT_CODES.tool);
  t.match(lastLine(t, noPrometheus), /^bedrock-usage-exporter: prometheus not found: /);
  const noPromtool = await runCli(['backfill', `--tsdb=${tsdb}`, rules], { env: { ...offline, PATH: only('prometheus'), AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
  t.equal(noPromtool.code, EXIT_CODES.tool);
  t.equal(lastLine(t, noPromtool), 'bedrock-usage-exporter: promtool not found: install Prometheus (Debian: apt-get install prometheus)');
  const bad = join(dir, 'bad-rules.yml');
  writeFileSync(bad, "groups: [{name: x, rules: [{record: 'a:b', expr: 'sum('}]}]\n");
  for (const [file, said] of [[bad, /could not parse expression/], [join(dir, 'no-rules.yml'), /does not exist/]] as const) {
    const badRules = await runCli(['backfill', `--tsdb=${tsdb}`, `--rules=${file}`], { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: unreachable } });
    t.equal(badRules.code, EXIT_CODES.config, 'a rule file promtool rejects is a bad flag');
    t.match(lastLine(t, badRules), new RegExp(`^bedrock-usage-exporter: --rules: .*${said.source}`));
  }
});

/** The pids of processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

t.test('SIGTERM while the recording rules run: exit 143, the temporary Prometheus stopped, nothing left', async (t) => {
  const temporary = join(dir, 'tmp-signal');
  mkdirSync(temporary);
  const tsdb = join(dir, 'tsdb-signal');
  const ledgerFile = join(dir, 'signal-ledger.json.gz');
  const today = dayOf(Date.now());
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today }) });
  t.teardown(() => emulator.close());
  let prometheus: number[] = [];
  const result = await runCli(['backfill', `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml', `--ledger.file=${ledgerFile}`, `--from=${addDays(today, -20)}`, '--collection.services=Amazon Bedrock'], {
    env: { ...offline, TMPDIR: temporary, AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url },
    timeoutMs: 120_000,
    onOutput: (output, child) => {
      if (prometheus.length > 0 || !output.includes('evaluating recording rules')) return;
      // Once the temporary Prometheus runs on the TSDB, stop the backfill.
      const poll = setInterval(() => {
        prometheus = processesWith(`--storage.tsdb.path=${tsdb}`);
        if (prometheus.length === 0) return;
        clearInterval(poll);
        child.kill('SIGTERM');
      }, 50);
      child.once('exit', () => clearInterval(poll));
    },
  });
  t.equal(result.code, 143, result.stderr);
  t.equal(lastLine(t, result), 'bedrock-usage-exporter: stopped by SIGTERM; the programs it started are stopped and its temporary files removed');
  t.ok(prometheus.length > 0, 'the temporary Prometheus was running when the signal came');
  t.same(processesWith(`--storage.tsdb.path=${tsdb}`), [], 'no process outlives the command');
  t.same(readdirSync(temporary).filter((name) => /^(bue|bedrock)-/.test(name)), [], 'no temporary folder is left behind');
  t.ok(readdirSync(dir).includes('signal-ledger.json.gz'), 'the days paid for are saved');
});
