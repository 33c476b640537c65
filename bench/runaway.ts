// `npm run bench:runaway`: how long from the start of a runaway to the page, with the settings a user
// deploys. The emulator's runaway scenario (2,000 USD an hour more, from a set minute), the exporter
// with the live plane and its default interval, the real Prometheus with the shipped prometheus.yml
// and rules (scrape and evaluation every minute, `for: 1m`), and the real Alertmanager with the
// shipped alertmanager.yml (group_wait 30s) and a webhook receiver. Only addresses are changed. It runs
// in real time: about 17 minutes.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExporter } from '../src/commands/serve.js';
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { dayOf } from '../src/time.js';
import { configFrom, silentLogger } from './stack.js';
import { progress } from './stats.js';

/** The runaway begins 4 minutes after the first poll: its first minutes miss the poll at 10 minutes by a little, near the worst case. */
const LEAD_MS = 240_000;
const GIVE_UP_MS = 30 * 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function runRunawayBench(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'bue-runaway-'));
  const stops: Array<() => Promise<void> | void> = [() => rmSync(work, { recursive: true, force: true })];
  try {
    let paged: number | undefined;
    const webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk));
      request.on('end', () => {
        const { alerts } = JSON.parse(body) as { alerts: Array<{ status: string; labels: Record<string, string> }> };
        if (alerts.some((alert) => alert.status === 'firing' && alert.labels.alertname === 'BedrockLiveSpendRunaway')) paged ??= Date.now();
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    stops.unshift(() => new Promise<void>((resolve) => webhook.close(() => resolve())));

    const now = Date.now();
    const dataset = generateDataset({ seed: 42, size: 'demo', today: dayOf(now), runaway: { at: new Date(now + LEAD_MS) } });
    const startMs = dataset.runaway!.startMs;
    const emulator = await startEmulator({ dataset });
    stops.unshift(() => emulator.close());
    const exporter = await startExporter(configFrom(['--live.enabled=true']), silentLogger(), { endpoint: emulator.url, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    stops.unshift(() => exporter.close());

    const alertmanagerPort = await freePort();
    const prometheusPort = await freePort();
    const config = join(work, 'prometheus');
    cpSync('prometheus', config, { recursive: true });
    const rewrite = (file: string, edit: (text: string) => string) => writeFileSync(file, edit(readFileSync(file, 'utf8')));
    rewrite(join(config, 'alertmanager.yml'), (text) => text.replace('  - name: default\n', `  - name: default\n    webhook_configs:\n      - url: http://127.0.0.1:${(webhook.address() as AddressInfo).port}/\n`));
    rewrite(join(config, 'prometheus.yml'), (text) => text.replace('exporter:9180', exporter.urls[0]!.replace('http://', '')).replace('alertmanager:9093', `127.0.0.1:${alertmanagerPort}`));
    const spawned = (command: string, args: string[]) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      stops.unshift(async () => {
        child.kill('SIGTERM');
        await exited;
      });
    };
    spawned('prometheus-alertmanager', [`--config.file=${join(config, 'alertmanager.yml')}`, `--storage.path=${join(work, 'alertmanager')}`, `--web.listen-address=127.0.0.1:${alertmanagerPort}`, '--cluster.listen-address=']);
    spawned('prometheus', [`--config.file=${join(config, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`]);
    const query = async (expr: string): Promise<number | undefined> => {
      const body = (await (await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?${new URLSearchParams({ query: expr })}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
      const value = body.data.result[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    };

    progress(`runaway at ${new Date(startMs).toISOString()}; exporter polls CloudWatch every 5 minutes from ${new Date(now).toISOString()}`);
    const seen: Record<string, number> = {};
    const mark = (what: string, happened: boolean) => {
      if (happened && seen[what] === undefined) {
        seen[what] = Date.now();
        progress(`${what} after ${((Date.now() - startMs) / 60_000).toFixed(1)} min`);
      }
    };
    await until('the page', async () => {
      if (Date.now() >= startMs) {
        mark('Prometheus scrapes the runaway', ((await query('sum(increase(bedrock_live_estimated_cost_usd_total[3m]))')) ?? 0) > 100);
        mark('the alert is pending', (await query('ALERTS{alertname="BedrockLiveSpendRunaway", alertstate="pending"}')) !== undefined);
        mark('the alert fires', (await query('ALERTS{alertname="BedrockLiveSpendRunaway", alertstate="firing"}')) !== undefined);
      }
      return paged !== undefined;
    }, GIVE_UP_MS);
    mark('paged at the webhook', true);
    const after = (what: string) => `${((seen[what]! - startMs) / 60_000).toFixed(1)} min`;
    return [
      '| from the start of the runaway (2,000 USD an hour; defaults: live poll 5 min, scrape and evaluation 1 min, `for: 1m`, group_wait 30s) | after |',
      '|---|---|',
      ...['Prometheus scrapes the runaway', 'the alert is pending', 'the alert fires', 'paged at the webhook'].map((what) => `| ${what} | ${after(what)} |`),
    ].join('\n');
  } finally {
    for (const stop of stops) await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runRunawayBench());
  progress('done');
}
