// Load on loopback: many concurrent scrapers for a while (in a worker thread, so clients and server do
// not share a core) while the exporter refreshes back to back from the emulator's `large` data set.
// `npm run load` (node --import @tapjs/typescript/import bench/load.ts [--seconds=60] [--scrapers=50]
// [--interval-ms=0] [--size=large]); --interval-ms=0 scrapes in a closed loop (as fast as answers come).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { generateDataset } from '../src/emulator/dataset.js';
import { dayOf } from '../src/time.js';
import { configFrom, startStack } from './stack.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    scrapers: { type: 'string', default: '50' },
    'interval-ms': { type: 'string', default: '0' },
    size: { type: 'string', default: 'large' },
    'quiet-refreshes': { type: 'string', default: '5' },
  },
});
const seconds = Number(values.seconds);
const scrapers = Number(values.scrapers);
const intervalMs = Number(values['interval-ms']);

// Plain JavaScript for the worker: each scraper GETs /metrics with Accept-Encoding: gzip, as Prometheus
// does, over a keep-alive connection, and notes the status and latency of every answer.
const SCRAPERS = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, scrapers, intervalMs, until } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: scrapers });
const latencies = [];
let errors = 0, bytes = 0, keepAliveRaces = 0;
const errorKinds = {};
// A kept-alive socket the server closes (idle for its keepAliveTimeout) just as a request goes out on
// it fails with ECONNRESET before any answer. Prometheus' Go client retries such an idempotent GET on a
// new connection, and so does this one, counting it apart: it is not a failed scrape.
function scrape(started = process.hrtime.bigint()) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (res.statusCode !== 200) { errors++; errorKinds['status ' + res.statusCode] = (errorKinds['status ' + res.statusCode] || 0) + 1; }
        resolve();
      });
    });
    req.setTimeout(30000, () => req.destroy(new Error('client timeout')));
    req.on('error', (error) => {
      if (req.reusedSocket && error.code === 'ECONNRESET') { keepAliveRaces++; resolve(scrape(started)); return; }
      errors++; errorKinds[error.code || error.message] = (errorKinds[error.code || error.message] || 0) + 1; resolve();
    });
  });
}
async function loop() {
  while (Date.now() < until) {
    const started = Date.now();
    await scrape();
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, until - Date.now()))));
  }
}
Promise.all(Array.from({ length: scrapers }, loop)).then(() => {
  agent.destroy();
  parentPort.postMessage({ latencies, errors, errorKinds, keepAliveRaces, bytes });
});
`;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const ms = (value: number) => Math.round(value * 10) / 10;
const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
const summary = (durations: number[]) => {
  const sorted = [...durations].sort((a, b) => a - b);
  return { count: sorted.length, p50: ms(quantile(sorted, 0.5)), max: ms(sorted[sorted.length - 1] ?? Number.NaN), mean: ms(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)) };
};

const now = new Date('2026-11-20T12:00:00Z');
const stack = await startStack({ dataset: generateDataset({ seed: 7, size: values.size as 'large', today: dayOf(now) }), now, pageSize: 500 });
const exporter = await stack.startExporter(configFrom(['--aws.max-attempts=1']));
const { collector } = exporter;
const cold = performance.now();
if (!(await collector.refresh())) throw new Error(`the first refresh failed: ${collector.status.lastError}`);
const coldMs = performance.now() - cold;
const snapshot = collector.snapshot!;
console.log(`data set ${values.size}: ${snapshot.series} series, ${mib(snapshot.body.length)} MiB of text, ${mib(snapshot.gzipped.length)} MiB gzipped; cold refresh ${ms(coldMs)} ms`);

/** Refreshes back to back (the clock 4 h on each time, so unsettled days are read again) until `stop()`. */
async function refreshUntil(stop: () => boolean, least: number): Promise<number[]> {
  const durations: number[] = [];
  while (durations.length < least || !stop()) {
    stack.clock.now = new Date(stack.clock.now.getTime() + 4 * 3_600_000);
    const started = performance.now();
    if (!(await collector.refresh())) throw new Error(`a refresh failed: ${collector.status.lastError}`);
    durations.push(performance.now() - started);
  }
  return durations;
}

const quietDelay = monitorEventLoopDelay({ resolution: 10 });
quietDelay.enable();
const quiet = await refreshUntil(() => true, Number(values['quiet-refreshes']));
quietDelay.disable();
gc();
const memoryBefore = process.memoryUsage();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const until = Date.now() + seconds * 1000;
const worker = new Worker(SCRAPERS, { eval: true, workerData: { url: `${exporter.urls[0]}/metrics`, scrapers, intervalMs, until } });
const done = new Promise<{ latencies: number[]; errors: number; errorKinds: Record<string, number>; keepAliveRaces: number; bytes: number }>((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
let finished = false;
void done.then(() => (finished = true));
const loaded = await refreshUntil(() => finished, 1);
const clients = await done;
delay.disable();
gc();
const memoryAfter = process.memoryUsage();
await worker.terminate();
await stack.close();

const sorted = [...clients.latencies].sort((a, b) => a - b);
const report = {
  setup: { size: values.size, series: snapshot.series, bodyMiB: mib(snapshot.body.length), gzippedMiB: mib(snapshot.gzipped.length), scrapers, intervalMs, seconds },
  scrapes: {
    requests: clients.latencies.length + clients.errors,
    perSecond: Math.round(clients.latencies.length / seconds),
    errors: clients.errors,
    errorKinds: clients.errorKinds,
    keepAliveRacesRetried: clients.keepAliveRaces,
    receivedMiB: mib(clients.bytes),
    latencyMs: { p50: ms(quantile(sorted, 0.5)), p90: ms(quantile(sorted, 0.9)), p99: ms(quantile(sorted, 0.99)), max: ms(sorted[sorted.length - 1] ?? Number.NaN) },
  },
  eventLoopDelayMs: {
    refreshesAlone: { p50: ms(quietDelay.percentile(50) / 1e6), p99: ms(quietDelay.percentile(99) / 1e6), max: ms(quietDelay.max / 1e6) },
    underLoad: { p50: ms(delay.percentile(50) / 1e6), p99: ms(delay.percentile(99) / 1e6), max: ms(delay.max / 1e6) },
  },
  refreshMs: { cold: ms(coldMs), withoutLoad: summary(quiet), underLoad: summary(loaded) },
  // heapUsed after a full GC; RSS as the OS sees it (V8 keeps freed pages for a while).
  memoryMiB: { rssBefore: mib(memoryBefore.rss), rssAfter: mib(memoryAfter.rss), heapBefore: mib(memoryBefore.heapUsed), heapAfter: mib(memoryAfter.heapUsed) },
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = clients.errors === 0 ? 0 : 1;
