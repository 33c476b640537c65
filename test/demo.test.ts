// The README's first command: the demo serves the emulator's organization within seconds of start.
import { spawn } from 'node:child_process';
import t from 'tap';
import { EXIT_CODES } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { parseExposition } from './helpers/exposition.js';

t.test('demo: emulator and exporter in one process, metrics ready, clean stop', async (t) => {
  const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', 'demo', '--web.listen-address=127.0.0.1:0', '--log.level=info'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    metricsUrl = /metrics\s+(http:\/\/\S+)/.exec(stderr)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.ok(metricsUrl, `the demo prints its URLs on stderr:\n${stderr}`);
  t.match(stderr, /landing page\s+http:\/\/127\.0\.0\.1:\d+\//);
  t.match(stderr, /emulator\s+http:\/\/127\.0\.0\.1:\d+/);
  t.match(stderr, /Bedrock-Quantum-Widgets is made up on purpose: the exporter warns that it does not know it/, 'the planted unknown usage type is announced, not left to look like a bug');
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
  t.ok(samples.some((s) => s.name === 'bedrock_live_tokens_total' && s.value > 0), 'and the live plane: tokens since midnight from CloudWatch');
  t.match(stderr, /The live plane reads the emulator's CloudWatch minutes too/);
  const landing = await (await fetch(`${base}/`)).text();
  const charted = new Set([...landing.matchAll(/<title>([^:<]+): /g)].map((m) => m[1]));
  t.ok(charted.size >= 30, `the chart holds 30 days, whatever today's date: ${charted.size} days`);
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM stops it gracefully');
  const lines = stdout.trim().split('\n');
  t.ok(lines.length > 0 && lines.every((line) => line.startsWith('{"level":')), 'stdout holds only the JSON log lines');
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

t.test('demo: loopback by default, and a URL a person can open for every interface', async (t) => {
  const banner = async (args: string[]) => {
    const result = await runCli(['demo', ...args, '--log.level=error'], { until: /Press Ctrl\+C to stop/ });
    return { code: result.code, landing: /landing page\s+(\S+)/.exec(result.stderr)?.[1], live: result.stderr.includes('The live plane reads') };
  };
  const own = await banner([]);
  // Another process may hold 9180 on this machine; then the demo says so (exit 3) and there is nothing to see.
  if (own.code === EXIT_CODES.listen) t.comment('port 9180 is taken here');
  else t.same(own, { code: 0, landing: 'http://127.0.0.1:9180/', live: true }, 'not on every interface unless asked');
  const everywhere = await banner(['--web.listen-address=:0', '--live.enabled=false']);
  t.equal(everywhere.code, 0);
  t.match(everywhere.landing, /^http:\/\/localhost:\d+\/$/, 'localhost, not 0.0.0.0');
  t.notOk(everywhere.live, 'the bill alone when asked');
});
