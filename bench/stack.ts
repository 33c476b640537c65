// The product on loopback for benchmarks (test/helpers/stack.ts without tap): the emulator, and the
// exporter or its collector talking to it with the real SDK, on a clock the benchmark moves.
import { pino } from 'pino';
import type { Collector } from '../src/pipeline/collector.js';
import { createCollector } from '../src/commands/collector.js';
import { startExporter, type Exporter } from '../src/commands/serve.js';
import { loadConfig, type Config } from '../src/config.js';
import type { CostSource } from '../src/cost-explorer/client.js';
import type { DecodedBucket } from '../src/cost-explorer/decode.js';
import type { PlannedQuery } from '../src/cost-explorer/plan.js';
import type { Dataset } from '../src/emulator/dataset.js';
import { startEmulator, type Emulator } from '../src/emulator/server.js';
import { HealthMetrics } from '../src/metrics/health.js';
import type { Day } from '../src/time.js';
import { VERSION } from '../src/version.js';

export const silentLogger = () => pino({ level: 'silent' });

/** The billing plane's settings, as figures in docs/benchmarks.md were measured; a bench of the live plane asks for it. */
export const configFrom = (flags: string[] = []): Config => loadConfig(['--web.listen-address=127.0.0.1:0', '--live.enabled=false', ...flags], {}).config;

const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/**
 * Passes calls through and remembers how many rows each answer had (a day without groups still takes
 * a row), so that the pages it would take at any page size can be counted: ceil(rows / page size).
 */
export class CountingSource implements CostSource {
  readonly costAndUsageRows: number[] = [];
  /** The same answers' rows by what the query was grouped by besides usage type (DIMENSION, TAG, COST_CATEGORY). */
  readonly costAndUsageRowsBy = new Map<string, number[]>();
  readonly dimensionValues: number[] = [];
  readonly #inner: CostSource;

  constructor(inner: CostSource) {
    this.#inner = inner;
  }

  async discoverServices(search: string, start: Day, end: Day, signal?: AbortSignal): Promise<string[]> {
    const names = await this.#inner.discoverServices(search, start, end, signal);
    this.dimensionValues.push(names.length);
    return names;
  }

  async fetchDaily(query: PlannedQuery, start: Day, end: Day, signal?: AbortSignal): Promise<DecodedBucket[]> {
    const buckets = await this.#inner.fetchDaily(query, start, end, signal);
    const rows = buckets.reduce((total, bucket) => total + Math.max(1, bucket.rows.length), 0);
    this.costAndUsageRows.push(rows);
    const byGrouping = this.costAndUsageRowsBy.get(query.groupBy.type) ?? [];
    byGrouping.push(rows);
    this.costAndUsageRowsBy.set(query.groupBy.type, byGrouping);
    return buckets;
  }

  listTags(start: Day, end: Day, key?: string, signal?: AbortSignal): Promise<string[]> {
    return this.#inner.listTags(start, end, key, signal);
  }

  listCostCategories(start: Day, end: Day, name?: string, signal?: AbortSignal): Promise<string[]> {
    return this.#inner.listCostCategories(start, end, name, signal);
  }

  pages(pageSize: number, grouping?: string): { costAndUsage: number; dimensionValues: number } {
    const pages = (counts: number[]) => counts.reduce((sum, count) => sum + Math.max(1, Math.ceil(count / pageSize)), 0);
    const costAndUsage = grouping === undefined ? this.costAndUsageRows : (this.costAndUsageRowsBy.get(grouping) ?? []);
    return { costAndUsage: pages(costAndUsage), dimensionValues: pages(this.dimensionValues) };
  }
}

export interface Stack {
  clock: { now: Date };
  emulator: Emulator;
  /** The exporter as `serve` runs it; its first refresh is under way (`collector.refresh()` joins it). */
  startExporter(config: Config): Promise<Exporter>;
  /** The exporter's collector alone (no HTTP), over a CountingSource; refreshes only when asked. */
  collector(config: Config): { collector: Collector; source: CountingSource };
  close(): Promise<void>;
}

export async function startStack(options: { dataset: Dataset; now: Date; pageSize: number }): Promise<Stack> {
  const clock = { now: options.now };
  const emulator = await startEmulator({ dataset: options.dataset, clock: () => clock.now, pageSize: options.pageSize });
  const closers: Array<() => Promise<void> | void> = [];
  return {
    clock,
    emulator,
    async startExporter(config) {
      const exporter = await startExporter(config, silentLogger(), { endpoint: emulator.url, credentials: CREDENTIALS, clock: () => clock.now, processMetrics: false });
      closers.push(() => exporter.close());
      return exporter;
    },
    collector(config) {
      let source: CountingSource | undefined;
      const running = createCollector(config, {
        health: new HealthMetrics(VERSION, { processMetrics: false }),
        logger: silentLogger(),
        clock: () => clock.now,
        target: { endpoint: emulator.url, credentials: CREDENTIALS },
        wrap: (client) => (source = new CountingSource(client)),
      });
      closers.push(() => running.close());
      return { collector: running.collector, source: source! };
    },
    async close() {
      for (const close of closers.splice(0)) await close();
      await emulator.close();
    },
  };
}
