// backfill against the emulator's growth data set, as the backfill tests run it: a fixed clock, the
// emulator on 127.0.0.1, stopped when the test ends.
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { BACKFILL_SETTINGS, runBackfill, type BackfillOverrides } from '../../src/commands/backfill.js';
import { loadConfig } from '../../src/config.js';
import { generateDataset, type Dataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { parseLabels } from '../../src/metrics/series.js';

export const NOW = new Date('2026-11-20T12:00:00Z');

/** The growth data set, with its cheapest model used on even days only: its series end at midnight every other day. */
export function intermittentDataset(): Dataset {
  const generated = generateDataset({ seed: 5, size: 'small', today: '2026-11-20', scenario: 'growth' });
  const costs = new Map<string, number>();
  for (const item of generated.itemsOn('2026-11-01', NOW)) costs.set(item.truth.model, (costs.get(item.truth.model) ?? 0) + item.unblendedCost);
  const cheapest = [...costs].sort((a, b) => a[1] - b[1])[0]![0];
  return {
    accounts: generated.accounts,
    isSettled: (day, asOf) => generated.isSettled(day, asOf),
    itemsOn: (day, asOf) => generated.itemsOn(day, asOf).filter((item) => item.truth.model !== cheapest || Number(day.slice(8)) % 2 === 0),
  };
}

/** Runs backfill with `args`; a failure resolves with the error rather than rejecting. */
export async function backfill(t: Test, args: string[], overrides: BackfillOverrides = {}) {
  const dataset = intermittentDataset();
  const emulator = await startEmulator({ dataset, clock: () => NOW, pageSize: 200 });
  t.teardown(() => emulator.close());
  let stdout = '';
  let stderr = '';
  const commandLine = loadConfig(args, {}, { command: BACKFILL_SETTINGS });
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const outcome = await runBackfill(commandLine.config, commandLine.command, io, { endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, clock: () => NOW, ...overrides }).then(
    (code) => ({ code, error: undefined }),
    (error: unknown) => ({ code: undefined, error }),
  );
  return { ...outcome, stdout, stderr, dataset, emulator };
}

/** A sample's series, however its labels were ordered. */
export const sampleKey = (labels: Array<[string, string]>): string => JSON.stringify([...labels].sort(([a], [b]) => (a < b ? -1 : 1)));

/** The samples of one of backfill's OpenMetrics files, by `sampleKey` and time in milliseconds. */
export function openMetricsSamples(file: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const [, name, labels, value, time] of readFileSync(file, 'utf8').matchAll(/^(\w+)(\{.*\})? (\S+) (\d+)$/gm)) {
    samples.set(`${sampleKey([['__name__', name!], ...parseLabels(labels ?? '')])} ${Number(time) * 1000}`, Number(value));
  }
  return samples;
}
