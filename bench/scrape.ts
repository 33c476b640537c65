// /metrics latency at 10k, 50k and 100k series: the exporter (pre-rendered bytes) against prom-client
// rendering the same series on each request, and the floor (a bare node:http server writing the same
// bytes). Then the event-loop delay and scrape latency while the exporter refreshes the large organization.
import { Agent } from 'node:http';
import { pathToFileURL } from 'node:url';
import { startChild } from './child.js';
import type { RefreshReport } from './exporter-process.js';
import { load, scrape } from './http-client.js';
import type { ServerReady } from './scrape-server.js';
import { median, mib, ms, p99, progress, table, thousands } from './stats.js';

const SIZES = [10_000, 50_000, 100_000];
const CONCURRENCY = 50;
/** When the large organization is read: the end of a month, so month to date is nearly a whole month. */
const REFRESH_AT = '2026-11-30T12:00:00Z';
const REFRESH_PAGE_SIZE = 5000;

const SERVERS = ['floor', 'exporter', 'lean', 'prom-client'] as const;
type Server = (typeof SERVERS)[number];
const LABELS: Record<Server, string> = { floor: 'floor', exporter: 'exporter', lean: 'exporter without process metrics', 'prom-client': 'prom-client' };
/** Sequential requests are sent in interleaved rounds, so that drift on a shared machine hits every server alike. */
const ROUNDS = 5;

interface Latencies {
  sequential: number[];
  concurrent: number[];
}

interface SizeResult {
  exporter: ServerReady;
  promClient: ServerReady;
  latencies: Map<`${Server} ${boolean}`, Latencies>;
}

/** Fast servers get many requests in a short budget; prom-client gets few (each takes up to a second). */
async function measureSize(target: number): Promise<SizeResult> {
  const exporterChild = startChild<ServerReady>('scrape-server.ts', ['exporter', String(target)]);
  const exporter = await exporterChild.next();
  const promChild = startChild<ServerReady>('scrape-server.ts', ['prom-client', String(target)]);
  try {
    const promClient = await promChild.next();
    const urls: Record<Server, string> = { floor: exporter.floorUrl!, exporter: exporter.url, lean: exporter.leanUrl!, 'prom-client': promClient.url };
    const latencies: SizeResult['latencies'] = new Map();
    for (const gzip of [false, true]) {
      progress(`  ${thousands(exporter.series)} series${gzip ? ', gzip' : ''}`);
      const sequential = new Map<Server, number[]>(SERVERS.map((server) => [server, []]));
      for (const server of SERVERS) await load({ url: urls[server], gzip, concurrency: 1, requests: server === 'prom-client' ? 2 : 20, budgetMs: 0 });
      for (let round = 0; round < ROUNDS; round++) {
        for (const server of SERVERS) {
          const slow = server === 'prom-client';
          sequential.get(server)!.push(...(await load({ url: urls[server], gzip, concurrency: 1, requests: slow ? 4 : 60, budgetMs: slow ? 1000 : 500 })));
        }
      }
      for (const server of SERVERS) {
        const slow = server === 'prom-client';
        const concurrent = await load({ url: urls[server], gzip, concurrency: CONCURRENCY, requests: slow ? CONCURRENCY : 2000, budgetMs: slow ? 0 : 2000 });
        latencies.set(`${server} ${gzip}`, { sequential: sequential.get(server)!, concurrent });
      }
    }
    return { exporter, promClient, latencies };
  } finally {
    await promChild.close();
    await exporterChild.close();
  }
}

interface DuringRefresh {
  report: RefreshReport;
  metrics: number[];
  healthy: number[];
}

/** Scrapes /metrics (gzip) and /-/healthy back to back until `done` settles. */
async function scrapeUntil(base: string, done: Promise<RefreshReport>): Promise<DuringRefresh> {
  const agent = new Agent({ keepAlive: true });
  let finished = false;
  const loop = async (path: string, gzip: boolean): Promise<number[]> => {
    const latencies: number[] = [];
    while (!finished) latencies.push((await scrape(agent, `${base}${path}`, gzip)).ms);
    return latencies;
  };
  const loops = [loop('/metrics', true), loop('/-/healthy', false)];
  const report = await done.finally(() => (finished = true));
  const [metrics = [], healthy = []] = await Promise.all(loops);
  agent.destroy();
  return { report, metrics, healthy };
}

/** The real exporter refreshing the large organization from the emulator, each in a process of its own. */
async function measureRefresh(): Promise<{ cold: DuringRefresh; warm: DuringRefresh }> {
  const emulator = startChild<{ url: string }>('emulator-process.ts', [REFRESH_AT, String(REFRESH_PAGE_SIZE)]);
  try {
    const { url: endpoint } = await emulator.next();
    const exporter = startChild<{ url: string } | RefreshReport>('exporter-process.ts', [endpoint, REFRESH_AT]);
    try {
      const { url } = (await exporter.next()) as { url: string };
      progress('  first refresh of the large organization');
      const cold = await scrapeUntil(url, exporter.next() as Promise<RefreshReport>);
      progress('  second refresh');
      exporter.send('refresh');
      const warm = await scrapeUntil(url, exporter.next() as Promise<RefreshReport>);
      return { cold, warm };
    } finally {
      await exporter.close();
    }
  } finally {
    await emulator.close();
  }
}

const times = (value: number): string => (Number.isFinite(value) ? `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}x` : '-');
const perTenThousand = (bytes: number, series: number): string => `${mib((bytes / series) * 10_000)} MiB`;

export async function runScrapeBench(): Promise<string> {
  const results: SizeResult[] = [];
  for (const target of SIZES) {
    progress(`scrapes: about ${thousands(target)} series`);
    results.push(await measureSize(target));
  }
  progress('scrapes: event loop during a refresh');
  const { cold, warm } = await measureRefresh();

  const latencyRows: string[][] = [];
  const verdicts: string[] = [];
  for (const { exporter, latencies } of results) {
    for (const gzip of [false, true]) {
      const of = (server: Server): Latencies => latencies.get(`${server} ${gzip}`)!;
      const prom = of('prom-client');
      const faster = (server: Server) => {
        const l = of(server);
        return { sequential: median(prom.sequential) / median(l.sequential), concurrent: median(prom.concurrent) / median(l.concurrent) };
      };
      for (const server of SERVERS) {
        const l = of(server);
        const speedup = server === 'prom-client' ? '' : `${times(faster(server).sequential)} / ${times(faster(server).concurrent)}`;
        latencyRows.push([thousands(exporter.series), gzip ? 'gzip' : 'plain', LABELS[server], ms(median(l.sequential)), ms(p99(l.sequential)), ms(median(l.concurrent)), ms(p99(l.concurrent)), speedup, `${l.sequential.length} / ${l.concurrent.length}`]);
      }
      const least = (server: Server) => Math.min(faster(server).sequential, faster(server).concurrent);
      const tail = p99(of('exporter').sequential);
      verdicts.push(
        `${thousands(exporter.series)} series, ${gzip ? 'gzip' : 'plain'}: ${times(least('exporter'))} faster at the median ` +
          `(target >= 50x: ${least('exporter') >= 50 ? 'met' : 'MISSED'}; floor ${times(least('floor'))}, without process metrics ${times(least('lean'))}); ` +
          `sequential p99 ${ms(tail)} ms (floor ${ms(p99(of('floor').sequential))} ms${exporter.series >= 90_000 ? `; target < 10 ms: ${tail < 10 ? 'met' : 'MISSED'}` : ''})`,
      );
    }
  }
  const memoryRows = results.map(({ exporter, promClient }) => [
    thousands(exporter.series),
    `${mib(exporter.bytes)} MiB`,
    `${mib(exporter.gzipBytes)} MiB`,
    `${ms(exporter.buildMs)} ms`,
    `${perTenThousand(exporter.rssBytes, exporter.series)} / ${perTenThousand(exporter.retainedBytes, exporter.series)}`,
    `${perTenThousand(promClient.rssBytes, exporter.series)} / ${perTenThousand(promClient.retainedBytes, exporter.series)}`,
  ]);
  const refreshRows = [cold, warm].map(({ report, metrics, healthy }, index) => [
    index === 0 ? 'first (reads the month)' : 'next (unsettled days)',
    thousands(report.series),
    `${report.seconds.toFixed(1)} s`,
    `${ms(report.delay.p50)} / ${ms(report.delay.p99)} / ${ms(report.delay.max)}`,
    `${ms(median(metrics))} / ${ms(p99(metrics))} / ${ms(Math.max(...metrics))} (${metrics.length})`,
    `${ms(median(healthy))} / ${ms(p99(healthy))} / ${ms(Math.max(...healthy))} (${healthy.length})`,
    `${perTenThousand(report.rssBytes, report.series)} / ${perTenThousand(report.retainedBytes, report.series)}`,
  ]);
  return [
    `/metrics latency in ms, one scraper (sequential) and ${CONCURRENCY} concurrent scrapers on keep-alive connections. ` +
      'floor: a bare node:http server writing the same bytes; exporter without process metrics: the same app with prom-client\'s default process metrics off',
    '',
    table(['series', 'encoding', 'server', 'seq median', 'seq p99', `${CONCURRENCY}x median`, `${CONCURRENCY}x p99`, 'faster than prom-client (seq / 50x)', 'requests'], latencyRows),
    '',
    ...verdicts,
    '',
    'Memory per 10k series after gc, RSS / heap + external: the exporter holding its snapshot (ledger rows not counted), prom-client holding its gauges',
    '',
    table(['series', 'body', 'gzipped', 'refresh (aggregate, render, gzip)', 'exporter', 'prom-client'], memoryRows),
    '',
    `The real exporter refreshing the emulator's large organization on ${REFRESH_AT.slice(0, 10)} (page size ${thousands(REFRESH_PAGE_SIZE)}) while /metrics (gzip) and /-/healthy are scraped back to back; median / p99 / max in ms; event-loop delay: how late a timer due every 10 ms ran`,
    '',
    table(['refresh', 'series', 'took', 'event-loop delay', '/metrics latency (requests)', '/-/healthy latency (requests)', 'memory per 10k series, RSS / heap + external (ledger included)'], refreshRows),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await runScrapeBench());
