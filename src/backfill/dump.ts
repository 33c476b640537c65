import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseYaml } from 'yaml';
import { ToolError } from '../errors.js';
import { ruleLevels, sampleValue } from './blocks.js';
import { parseLabels, type Labels } from '../metrics/series.js';
import { SAMPLE_LEAD_MS, type SeriesSink, type Window } from './history.js';

// Series read back from a TSDB folder with `promtool tsdb dump`, one series at a time: how the
// recording rules' history, which a temporary Prometheus computed into blocks, reaches a remote-write
// receiver (a Mimir or Thanos ruler evaluates rules from now on only).

/** The names the recording rules of `files` record. */
export async function recordedNames(files: readonly string[]): Promise<string[]> {
  const documents = await Promise.all(files.map(async (file) => parseYaml(await readFile(file, 'utf8')) as unknown));
  return [...new Set(ruleLevels(documents).flat().map((rule) => rule.record))].sort();
}

/**
 * Hands `sink` every series named in `names` whose samples stand for instants in `window`, each once
 * with its samples in time order, in promtool's order (by labels). Resolves to the number of samples.
 */
export async function dumpSeries(tsdb: string, names: readonly string[], window: Window, sink: SeriesSink, options: { promtool?: string; signal?: AbortSignal } = {}): Promise<number> {
  // Recording rules record metric names, which hold no character a regular expression gives a meaning.
  const matcher = `{__name__=~"${names.join('|')}"}`;
  // Inclusive bounds, in written time (a sample is written SAMPLE_LEAD_MS before its instant).
  const args = ['tsdb', 'dump', `--min-time=${window.startMs - SAMPLE_LEAD_MS}`, `--max-time=${window.endMs - SAMPLE_LEAD_MS - 1}`, `--match=${matcher}`, tsdb];
  // promtool opens the folder as a database, which has a write-ahead log, if an empty one.
  await mkdir(join(tsdb, 'wal'), { recursive: true });
  const child = spawn(options.promtool ?? 'promtool', args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise<number | null | Error>((resolve) => {
    child.once('error', resolve);
    child.once('close', resolve);
  });
  let samples = 0;
  let current: { key: string; name: string; labels: Labels; times: number[]; values: number[] } | undefined;
  const flush = async () => {
    if (current) await sink.series(current.name, current.labels, current.times, current.values);
  };
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^(\{.*\}) (\S+) (-?\d+)$/.exec(line);
    if (match === null) {
      child.kill();
      throw new ToolError(`promtool tsdb dump printed a line backfill cannot read: ${line.slice(0, 200)}`);
    }
    const [, key, value, time] = match as unknown as [string, string, string, string];
    if (current?.key !== key) {
      await flush();
      const all = parseLabels(key);
      current = { key, name: all.find(([label]) => label === '__name__')![1], labels: all.filter(([label]) => label !== '__name__'), times: [], values: [] };
    }
    current.times.push(Number(time));
    current.values.push(sampleValue(value));
    samples += 1;
  }
  await flush();
  const outcome = await exited;
  options.signal?.throwIfAborted();
  if (outcome !== 0) throw new ToolError(`promtool tsdb dump failed: ${outcome instanceof Error ? outcome.message : stderr.trim().split('\n').at(-1) || `exit code ${outcome}`}`);
  return samples;
}
