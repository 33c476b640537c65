// The product as users run it, on loopback: the emulator, and the exporter talking to it with the real SDK.
import { pino } from 'pino';
import type { Test } from 'tap';
import { startExporter, type Exporter } from '../../src/commands/serve.js';
import { loadConfig, type Config } from '../../src/config.js';
import { generateDataset, type Dataset } from '../../src/emulator/dataset.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { FaultRule } from '../../src/emulator/faults.js';
import { dayOf } from '../../src/time.js';
import { parseExposition, type Sample } from './exposition.js';

export interface StackOptions {
  /** When the story starts; the clock can be moved with `stack.clock.now`. */
  now?: string;
  size?: 'tiny' | 'small' | 'demo' | 'large';
  scenario?: 'default' | 'growth';
  seed?: number;
  pageSize?: number;
  faults?: FaultRule[];
  /** Extra flags for the exporter. */
  flags?: string[];
  dataset?: Dataset;
}

export interface Stack {
  clock: { now: Date };
  dataset: Dataset;
  emulator: Emulator;
  exporter: Exporter;
  config: Config;
  url: string;
  scrape(): Promise<Sample[]>;
  get(path: string, init?: RequestInit): Promise<Response>;
}

export const silentLogger = () => pino({ level: 'silent' });

export async function startStack(t: Test, options: StackOptions = {}): Promise<Stack> {
  const clock = { now: new Date(options.now ?? '2026-11-20T12:00:00Z') };
  const dataset = options.dataset ?? generateDataset({ seed: options.seed ?? 7, size: options.size ?? 'small', today: dayOf(clock.now), scenario: options.scenario ?? 'default' });
  const emulator = await startEmulator({ dataset, clock: () => clock.now, pageSize: options.pageSize ?? 500, faults: options.faults ?? [] });
  t.teardown(() => emulator.close());
  const { config } = loadConfig(['--web.listen-address=127.0.0.1:0', '--aws.max-attempts=1', ...(options.flags ?? [])], {});
  const exporter = await startExporter(config, silentLogger(), {
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    clock: () => clock.now,
    processMetrics: false,
  });
  t.teardown(() => exporter.close());
  const url = exporter.urls[0]!;
  const get = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);
  return {
    clock,
    dataset,
    emulator,
    exporter,
    config,
    url,
    get,
    scrape: async () => parseExposition(await (await get(config.web.telemetryPath)).text()),
  };
}
