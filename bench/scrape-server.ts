// Child process: serves one series set, either through the exporter (a real Collector and the real
// Fastify app, plus a bare node:http server writing the same bytes, the floor) or through Fastify with
// a prom-client Registry rendered on every request. Usage: scrape-server.ts exporter|prom-client SERIES
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { createCollector } from '../src/commands/collector.js';
import { loadConfig } from '../src/config.js';
import type { CostSource } from '../src/cost-explorer/client.js';
import type { DecodedBucket } from '../src/cost-explorer/decode.js';
import type { DayEntry } from '../src/cost-explorer/ledger.js';
import { HealthMetrics } from '../src/metrics/health.js';
import { memoizedClassifier } from '../src/billing/classifier.js';
import { aggregate } from '../src/sources/usage-type/aggregate.js';
import { acceptsGzip, buildApp } from '../src/server.js';
import { dayStartMs, eachDay } from '../src/time.js';
import { VERSION } from '../src/version.js';
import { messages, reply } from './child.js';
import { accountsFor, ledgerEntries, promClientRegistry, TODAY } from './series.js';
import { silentLogger } from './stack.js';

export interface ServerReady {
  url: string;
  /** The floor: the same bytes from a bare node:http handler (exporter mode). */
  floorUrl?: string;
  /** The exporter's app without prom-client's default process metrics (exporter mode). */
  leanUrl?: string;
  series: number;
  bytes: number;
  gzipBytes: number;
  /** What holding the served series added, after gc: resident memory, and heap + external memory. */
  rssBytes: number;
  retainedBytes: number;
  buildMs: number;
}

const gzipAsync = promisify(gzip);

/** Memory after a full collection. */
function memory(): { rss: number; retained: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, retained: heapUsed + external };
}

const growth = (before: { rss: number; retained: number }) => {
  const after = memory();
  return { rssBytes: after.rss - before.rss, retainedBytes: after.retained - before.retained };
};

/** Cost Explorer answering from the ledger entries, one service per query as the plan asks. */
function sourceOf(entries: readonly DayEntry[]): CostSource {
  return {
    discoverServices: async () => [...new Set(entries.flatMap((entry) => entry.rows.map((row) => row.service)))].sort(),
    listTags: async () => [],
    listCostCategories: async () => [],
    fetchDaily: async (query, start, end): Promise<DecodedBucket[]> =>
      eachDay(start, end).map((day) => ({
        day,
        estimated: entries.find((entry) => entry.day === day)?.estimated ?? true,
        rows: entries.filter((entry) => entry.day === day).flatMap((entry) => entry.rows.filter((row) => query.services.includes(row.service))),
      })),
  };
}

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)));

async function serveExporter(entries: DayEntry[]): Promise<ServerReady> {
  // The scrape of the bill's series; the live plane would read the real CloudWatch here.
  const { config } = loadConfig(['--live.enabled=false'], {});
  const logger = silentLogger();
  const health = new HealthMetrics(VERSION);
  const { collector } = createCollector(config, { health, logger, clock: () => new Date(dayStartMs(TODAY) + 12 * 3_600_000), wrap: () => sourceOf(entries) });
  const before = memory();
  const started = performance.now();
  if (!(await collector.refresh())) throw new Error(`refresh failed: ${collector.status.lastError}`);
  const buildMs = performance.now() - started;
  const grown = growth(before);
  const snapshot = collector.snapshot!;

  const app = buildApp({ collector, health, logger, telemetryPath: '/metrics', version: VERSION });
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/metrics`;
  const lean = buildApp({ collector, health: new HealthMetrics(VERSION, { processMetrics: false }), logger, telemetryPath: '/metrics', version: VERSION });
  const leanUrl = `${await lean.listen({ host: '127.0.0.1', port: 0 })}/metrics`;
  const floor = createServer((request, response) => {
    const gzipped = acceptsGzip(request.headers['accept-encoding']);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...(gzipped ? { 'content-encoding': 'gzip' } : {}) });
    response.end(gzipped ? snapshot.gzipped : snapshot.body);
  });
  const floorUrl = await listen(floor);
  return { url, floorUrl, leanUrl, series: snapshot.series, bytes: snapshot.body.length, gzipBytes: snapshot.gzipped.length, ...grown, buildMs };
}

async function servePromClient(entries: DayEntry[]): Promise<ServerReady> {
  const before = memory();
  const started = performance.now();
  const { families } = await aggregate(entries, TODAY, memoizedClassifier());
  const registry = promClientRegistry(families);
  const buildMs = performance.now() - started;
  families.length = 0;
  const grown = growth(before);

  // The same series as the exporter serves: the data, and its own families rendered the same way.
  const merged = Registry.merge([registry, new HealthMetrics(VERSION).registry]);
  const app = Fastify({ logger: false });
  app.get('/metrics', async (request, response) => {
    const text = await merged.metrics();
    response.type(registry.contentType);
    if (!acceptsGzip(request.headers['accept-encoding'])) return text;
    response.header('content-encoding', 'gzip');
    return gzipAsync(text);
  });
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/metrics`;
  const text = await merged.metrics();
  const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { url, series, bytes: Buffer.byteLength(text), gzipBytes: (await gzipAsync(text)).length, ...grown, buildMs };
}

const [mode, target] = process.argv.slice(2);
const entries = ledgerEntries(await accountsFor(Number(target)));
reply(mode === 'exporter' ? await serveExporter(entries) : await servePromClient(entries));
for await (const _ of messages());
