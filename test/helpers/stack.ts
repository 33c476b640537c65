// The product as users run it, on loopback, for a tap test: the emulator, and the exporter talking to
// it with the real SDK, both stopped by the test.
import { pino } from 'pino';
import type { Test } from 'tap';
import { parseExposition, type Sample } from './exposition.js';
import { startRig, type Rig, type RigOptions } from './rig.js';

export type StackOptions = Pick<RigOptions, 'now' | 'size' | 'scenario' | 'seed' | 'pageSize' | 'faults' | 'flags' | 'dataset'>;

export interface Stack extends Rig {
  scrape(): Promise<Sample[]>;
  get(path: string, init?: RequestInit): Promise<Response>;
}

export const silentLogger = () => pino({ level: 'silent' });

export async function startStack(t: Test, options: StackOptions = {}): Promise<Stack> {
  const rig = await startRig(options);
  t.teardown(() => rig.close());
  const get = (path: string, init?: RequestInit) => fetch(`${rig.url}${path}`, init);
  return { ...rig, get, scrape: async () => parseExposition(await rig.metricsText()) };
}
