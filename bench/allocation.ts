// Who spends at scale: the emulator's large organization read with no allocation key, and with three
// tags of 50 values each. The real exporter in a process of its own (series, first refresh, memory per
// series, /metrics latency), then the real collector through 30 simulated days (paid requests).
import { pathToFileURL } from 'node:url';
import { COST_EXPLORER_PRICE_USD } from '../src/cost-explorer/client.js';
import { configFrom } from './stack.js';
import { generateDataset } from '../src/emulator/dataset.js';
import type { EmulatorStats } from '../src/emulator/server.js';
import { dayOf } from '../src/time.js';
import { startChild } from './child.js';
import type { RefreshReport } from './exporter-process.js';
import { load } from './http-client.js';
import { START, operate, refreshTimes } from './requests.js';
import { median, mib, ms, p99, progress, table, thousands } from './stats.js';

/** The end of a month, so that month to date holds nearly a whole month. */
const REFRESH_AT = '2026-11-30T12:00:00Z';
/** The pessimistic page size: the figures that would grow first. */
const PAGE_SIZE = 500;
const SERVED_PAGE_SIZE = 5000;
const TAGS = ['team', 'application', 'cost-center'];
const KEYED = { name: `${TAGS.length} tags, 50 values each`, flags: TAGS.map((key) => `--collection.allocation-tag=${key}`) };
const PLANS = [{ name: 'no key', flags: [] as string[] }, KEYED];
/** Days of operation on the simulated clock: the first refresh, then steady ones (30 days take 12 minutes here). */
const OPERATED_DAYS = 10;
/** Refreshes in 30 days at the default 4-hour interval. */
const MONTHLY_REFRESHES = 180;

interface Scale {
  refresh: RefreshReport;
  allocationSeries: number;
  requests: Record<string, number>;
  scrapes: number[];
  gzipBytes: number;
}

async function statsOf(endpoint: string): Promise<EmulatorStats> {
  return (await (await fetch(`${endpoint}/__emulator/stats`)).json()) as EmulatorStats;
}

/** The exporter's first refresh of the large organization, then sequential gzip scrapes of its answer. */
async function measureScale(flags: string[]): Promise<Scale> {
  const emulator = startChild<{ url: string }>('emulator-process.ts', [REFRESH_AT, String(PAGE_SIZE)]);
  try {
    const { url: endpoint } = await emulator.next();
    const exporter = startChild<{ url: string } | RefreshReport>('exporter-process.ts', [endpoint, REFRESH_AT, ...flags]);
    try {
      const { url } = (await exporter.next()) as { url: string };
      const refresh = (await exporter.next()) as RefreshReport;
      const { requests } = await statsOf(endpoint);
      const text = await (await fetch(`${url}/metrics`)).text();
      const allocationSeries = text.split('\n').filter((line) => line.startsWith('bedrock_allocation_')).length;
      const gzipped = await fetch(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
      const gzipBytes = Number(gzipped.headers.get('content-length') ?? (await gzipped.arrayBuffer()).byteLength);
      await load({ url: `${url}/metrics`, gzip: true, concurrency: 1, requests: 20, budgetMs: 0 });
      const scrapes = await load({ url: `${url}/metrics`, gzip: true, concurrency: 1, requests: 300, budgetMs: 10_000 });
      return { refresh, allocationSeries, requests, scrapes, gzipBytes };
    } finally {
      await exporter.close();
    }
  } finally {
    await emulator.close();
  }
}

const perTenThousand = (bytes: number, series: number): string => `${mib((bytes / series) * 10_000)} MiB`;
const operations = (requests: Record<string, number>): string =>
  Object.entries(requests)
    .filter(([, count]) => count > 0)
    .map(([operation, count]) => `${thousands(count)} ${operation}`)
    .join(' + ');
const dollars = (requests: number): string => `$${(requests * COST_EXPLORER_PRICE_USD).toFixed(2)}`;

export async function runAllocationBench(): Promise<string> {
  const scales: Scale[] = [];
  for (const plan of PLANS) {
    progress(`who spends: first refresh of the large organization, ${plan.name}`);
    scales.push(await measureScale(plan.flags));
  }
  // One run with the keys answers for both plans: the base queries are the same with or without them.
  const times = refreshTimes().filter((at) => at.getTime() < START.getTime() + OPERATED_DAYS * 86_400_000);
  const dataset = generateDataset({ seed: 7, size: 'large', today: dayOf(times.at(-1)!) });
  progress(`who spends: ${times.length} refreshes over ${OPERATED_DAYS} days, ${KEYED.name}`);
  const { byOperation, source } = await operate(dataset, configFrom(KEYED.flags), times, KEYED.name);

  const scaleRows = PLANS.map((plan, index) => {
    const { refresh, allocationSeries, requests, scrapes, gzipBytes } = scales[index]!;
    return [
      plan.name,
      `${thousands(refresh.series)} (${thousands(allocationSeries)} allocation)`,
      `${refresh.seconds.toFixed(1)} s`,
      operations(requests),
      `${mib(gzipBytes)} MiB`,
      `${ms(median(scrapes))} / ${ms(p99(scrapes))} (${scrapes.length})`,
      `${perTenThousand(refresh.rssBytes, refresh.series)} / ${perTenThousand(refresh.retainedBytes, refresh.series)}`,
    ];
  });
  const pagesOf = (pageSize: number, grouping: string): number => source.pages(pageSize, grouping).costAndUsage;
  const { GetDimensionValues = 0, GetTags = 0 } = byOperation;
  const requestRows = [SERVED_PAGE_SIZE, PAGE_SIZE].flatMap((pageSize) => {
    const base = pagesOf(pageSize, 'DIMENSION') + GetDimensionValues;
    const allocation = pagesOf(pageSize, 'TAG') + GetTags;
    return [
      { name: 'no key', requests: base },
      { name: `+ ${KEYED.name}`, requests: allocation },
      { name: KEYED.name, requests: base + allocation },
    ].map(({ name, requests }) => [thousands(pageSize), name, thousands(requests), (requests / times.length).toFixed(1), dollars((requests / times.length) * MONTHLY_REFRESHES)]);
  });
  const served = source.pages(SERVED_PAGE_SIZE).costAndUsage;
  if (served !== byOperation.GetCostAndUsage) throw new Error(`counting answers gives ${served} GetCostAndUsage pages, the emulator served ${byOperation.GetCostAndUsage}`);
  const [none, keys] = scales as [Scale, Scale];
  const memory = (scale: Scale) => scale.refresh.rssBytes / scale.refresh.series;
  const latency = (scale: Scale) => median(scale.scrapes) / scale.refresh.series;
  return [
    `Who spends: the real exporter's first refresh of the emulator's large organization on ${REFRESH_AT.slice(0, 10)} (page size ${thousands(PAGE_SIZE)}), ` +
      'then 300 sequential /metrics scrapes with gzip (median / p99 ms); memory is the growth since before the exporter started, ledger included, RSS / heap + external',
    '',
    table(['keys', 'series', 'first refresh', 'requests, first refresh', '/metrics gzipped', '/metrics latency', 'memory per 10k series'], scaleRows),
    '',
    `Memory per series with the keys: ${(memory(keys) / memory(none)).toFixed(2)}x that without; /metrics latency per series: ${(latency(keys) / latency(none)).toFixed(2)}x`,
    '',
    `Paid requests in ${OPERATED_DAYS} days of operation (${times.length} refreshes from ${START.toISOString().slice(0, 10)}, the first reads the month so far), ` +
      `emulator's large organization, served at ${thousands(SERVED_PAGE_SIZE)} groups a page; pages at ${thousands(PAGE_SIZE)} counted from the same answers; ` +
      `a month at the same rate is ${MONTHLY_REFRESHES} refreshes`,
    '',
    table(['page size', 'keys', 'requests', 'per refresh', 'a month at this rate'], requestRows),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await runAllocationBench());
