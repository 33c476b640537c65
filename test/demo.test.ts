// The README's first command: the demo serves the emulator's organization within seconds of start.
import { spawn } from 'node:child_process';
import t from 'tap';
import { parseExposition } from './helpers/exposition.js';

t.test('demo: emulator and exporter in one process, metrics ready, clean stop', async (t) => {
  const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', 'demo', '--web.listen-address=127.0.0.1:0', '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const deadline = Date.now() + 60_000;
  let metricsUrl: string | undefined;
  while (!metricsUrl && Date.now() < deadline) {
    metricsUrl = /metrics\s+(http:\/\/\S+)/.exec(stdout)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.ok(metricsUrl, `the demo prints its URLs:\n${stdout}`);
  t.match(stdout, /landing page\s+http:\/\/127\.0\.0\.1:\d+\//);
  t.match(stdout, /emulator\s+http:\/\/127\.0\.0\.1:\d+/);
  const base = metricsUrl!.replace(/\/metrics$/, '');
  let ready = false;
  while (!ready && Date.now() < deadline) {
    ready = (await fetch(`${base}/-/ready`)).status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.ok(ready, 'ready once the first refresh is done');
  const samples = parseExposition(await (await fetch(metricsUrl!)).text());
  const cost = samples.filter((s) => s.name === 'bedrock_cost_usd_month_to_date');
  t.ok(cost.length > 20, `month-to-date cost series: ${cost.length}`);
  t.ok(new Set(samples.filter((s) => s.name === 'bedrock_tokens_month_to_date').map((s) => s.labels.model)).size >= 5, 'several models');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM stops it gracefully');
  t.notMatch(stderr, /NodeVersionSupportWarning/, 'no SDK upgrade notice in front of a newcomer');
});

t.test('emulator command: serves until stopped', async (t) => {
  const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', 'emulator', '--listen', '127.0.0.1:0', '--size', 'tiny'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.ok(url, `it says where it listens: ${output}`);
  const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as { total: number };
  t.equal(stats.total, 0);
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});
