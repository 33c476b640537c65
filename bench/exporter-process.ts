// Child process: the exporter as `serve` runs it, against the emulator, on a frozen clock. It reports
// the event-loop delay during each refresh it is asked for (the first one starts with it), and the
// resident memory the data added. Usage: exporter-process.ts EMULATOR-URL ISO-TIME [FLAG...]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startExporter } from '../src/commands/serve.js';
import { messages, reply } from './child.js';
import { configFrom, silentLogger } from './stack.js';

export interface RefreshReport {
  seconds: number;
  series: number;
  /** Event-loop delay in milliseconds: how late a timer due every 10 ms (Node's default resolution) ran. */
  delay: { p50: number; p99: number; max: number };
  /** Growth since before the exporter started, after gc: resident, and heap + external. */
  rssBytes: number;
  retainedBytes: number;
}

const [endpoint = '', time = '', ...flags] = process.argv.slice(2);
const memory = (): { rss: number; retained: number } => {
  globalThis.gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, retained: heapUsed + external };
};
const baseline = memory();
const RESOLUTION_MS = 10;
const monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
// The histogram holds the time between ticks, the interval included.
const lateness = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);
monitor.enable();
let started = performance.now();
const exporter = await startExporter(configFrom(flags), silentLogger(), {
  endpoint,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  clock: () => new Date(time),
});
reply({ url: exporter.urls[0] });

async function report(): Promise<RefreshReport> {
  if (!(await exporter.collector.refresh())) throw new Error(`refresh failed: ${exporter.collector.status.lastError}`);
  const seconds = (performance.now() - started) / 1000;
  monitor.disable();
  const delay = { p50: lateness(monitor.percentile(50)), p99: lateness(monitor.percentile(99)), max: lateness(monitor.max) };
  const now = memory();
  return { seconds, series: exporter.collector.snapshot?.series ?? 0, delay, rssBytes: now.rss - baseline.rss, retainedBytes: now.retained - baseline.retained };
}

reply(await report());
for await (const _ of messages()) {
  monitor.reset();
  monitor.enable();
  started = performance.now();
  reply(await report());
}
