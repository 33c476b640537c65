import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ToolError } from '../errors.js';
import { DAY_MS } from '../time.js';
import { SAMPLE_LEAD_MS, type SeriesSink, type Window } from './history.js';
import { BlockWriter, ulid } from './tsdb/block-writer.js';

// The history as Prometheus blocks, written by our own block writer (no text, no promtool in
// between); for the recording rules, a temporary Prometheus on those blocks evaluates them.

const run = promisify(execFile);

async function tool(binary: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(binary, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ToolError(`${binary} not found: install Prometheus (Debian: apt-get install prometheus)`, { cause: error });
    // The last line of what the tool said, or Node's account when it said nothing.
    const said = (String(e.stderr).trim() || e.message).trim();
    throw new ToolError(`${binary} ${args.slice(0, 3).join(' ')} failed: ${said.split('\n').at(-1)}`, { cause: error });
  }
}

/** Throws ToolError unless `binary` runs (`--version`), so a backfill fails before it reads anything. */
export async function requireTool(binary: string): Promise<void> {
  await tool(binary, ['--version']);
}

/** Throws ConfigError unless promtool finds the rule files sound, before a backfill pays for its reads. */
export async function checkRules(files: readonly string[]): Promise<void> {
  try {
    await tool('promtool', ['check', 'rules', ...files]);
  } catch (error) {
    throw new ConfigError(`--rules: ${(error as ToolError).message.replace(/^promtool check rules .* failed: /, '')}`, { cause: error });
  }
}

/** The longest period one block covers; blocks up to this long keep their number small. */
export const BLOCK_DAYS = 7;
const BLOCK_MS = BLOCK_DAYS * DAY_MS;

/**
 * The instants [startMs, endMs) cut into blocks at multiples of BLOCK_DAYS since the epoch, in the
 * time the samples are written at (as promtool cuts them), so that the blocks of the history, of
 * each rule level and of a later run line up.
 */
export function blockWindows(startMs: number, endMs: number): Window[] {
  const windows: Window[] = [];
  for (let cut = Math.floor((startMs - SAMPLE_LEAD_MS) / BLOCK_MS) * BLOCK_MS + SAMPLE_LEAD_MS; cut < endMs; cut += BLOCK_MS) {
    const window = { startMs: Math.max(cut, startMs), endMs: Math.min(cut + BLOCK_MS, endMs) };
    if (window.startMs < window.endMs) windows.push(window);
  }
  return windows;
}

/** A sink that adds every series to a block. */
export const blockSink = (block: BlockWriter): SeriesSink => ({
  series: (name, labels, times, values) => block.add([['__name__', name], ...labels], times, values),
});

/** A block in `parent` from what `fill` adds to it; nothing is left of it when `fill` fails. Resolves to its samples. */
export async function writeBlock(parent: string, fill: (block: BlockWriter) => Promise<unknown>): Promise<number> {
  const block = await BlockWriter.create(parent);
  try {
    await fill(block);
    return (await block.close())?.stats.numSamples ?? 0;
  } catch (error) {
    await block.discard();
    throw error;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(url: string, deadline: number, server: ChildProcess, signal: AbortSignal | undefined): Promise<void> {
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    // Killed by a signal, a process has no exit code but a signal code.
    if (server.exitCode !== null || server.signalCode !== null) throw new ToolError(`temporary Prometheus exited (${server.signalCode ?? `code ${server.exitCode}`}) before it was ready`);
    try {
      if ((await fetch(`${url}/-/ready`, { signal })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new ToolError(`temporary Prometheus at ${url} did not become ready`);
}

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/**
 * Recording rules in evaluation order: promtool evaluates rules against the data the server already
 * has, so a rule built on another rule's series waits for a later pass that sees that rule's blocks.
 */
export function ruleLevels(documents: readonly unknown[]): RecordingRule[][] {
  const rules: RecordingRule[] = [];
  for (const document of documents) {
    const groups = (document as { groups?: Array<{ rules?: Array<Partial<RecordingRule>> }> } | null)?.groups ?? [];
    for (const group of groups) {
      for (const rule of group.rules ?? []) {
        if (typeof rule.record === 'string' && typeof rule.expr === 'string') rules.push(rule as RecordingRule);
      }
    }
  }
  const byName = new Map(rules.map((rule) => [rule.record, rule]));
  const level = new Map<string, number>();
  const levelOf = (rule: RecordingRule, seen: Set<string>): number => {
    const known = level.get(rule.record);
    if (known !== undefined) return known;
    if (seen.has(rule.record)) throw new ToolError(`recording rule ${rule.record} depends on itself`);
    seen.add(rule.record);
    let deepest = 0;
    for (const name of rule.expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
      const dependency = byName.get(name);
      if (dependency && dependency !== rule) deepest = Math.max(deepest, levelOf(dependency, seen));
    }
    level.set(rule.record, deepest + 1);
    return deepest + 1;
  };
  const levels: RecordingRule[][] = [];
  for (const rule of rules) {
    const n = levelOf(rule, new Set());
    (levels[n - 1] ??= []).push(rule);
  }
  return levels;
}

interface TemporaryPrometheus {
  binary: string;
  lookbackDeltaMs: number;
  /** Its --query.max-samples; Prometheus' default when unset. */
  maxSamples: number | undefined;
  readyTimeoutMs: number;
  signal: AbortSignal | undefined;
}

async function withTemporaryPrometheus<T>(tsdb: string, work: string, { binary, lookbackDeltaMs, maxSamples, readyTimeoutMs, signal }: TemporaryPrometheus, use: (url: string) => Promise<T>): Promise<T> {
  const config = join(work, 'prometheus.yml');
  await writeFile(config, 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(binary, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${tsdb}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
    `--query.lookback-delta=${lookbackDeltaMs}ms`,
    ...(maxSamples === undefined ? [] : [`--query.max-samples=${maxSamples}`]),
  ], { stdio: 'ignore', signal });
  // An abort reports an error at once; the server has exited only when it says so.
  const exited = new Promise<void>((resolve) => {
    server.once('exit', () => resolve());
    server.once('error', () => server.pid === undefined && resolve());
  });
  const started = new Promise<void>((resolve, reject) => {
    server.once('spawn', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new ToolError(`${binary} not found: install Prometheus (Debian: apt-get install prometheus)`, { cause: error }) : error));
  });
  try {
    await started;
    await waitReady(url, Date.now() + readyTimeoutMs, server, signal);
    return await use(url);
  } finally {
    if (server.exitCode === null && server.pid !== undefined) server.kill('SIGTERM');
    await exited;
  }
}

/** A query_range answer: `data` when the status is success, `error` otherwise. */
interface Matrix {
  status: string;
  error: string;
  data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
}

/** Prometheus answers at most 11,000 points per series and range query. */
const MAX_POINTS = 10_000;

/** Rules a temporary Prometheus evaluates at once, spread over the cores while Node writes the answers. */
const CONCURRENT_QUERIES = 2;

/** A value as Prometheus prints it (its API, promtool's %g): the infinities spelled out. */
export const sampleValue = (text: string): number => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));

/** Prometheus refuses a range query that would hold more than its --query.max-samples at once. */
const TOO_MANY_SAMPLES = /too many samples/;

/**
 * One rule over the instants from..to (inclusive, `step` apart) into `block`. A range Prometheus
 * refuses as too large (a large organization: 100 k series over a week) is asked in halves.
 */
async function evaluateRange(url: string, rule: RecordingRule, from: number, to: number, step: number, block: BlockWriter, signal?: AbortSignal): Promise<number> {
  const params = new URLSearchParams({ query: rule.expr, start: String(from / 1000), end: String(to / 1000), step: String(step / 1000) });
  const answer = (await (await fetch(`${url}/api/v1/query_range`, { method: 'POST', body: params, signal })).json()) as Matrix;
  if (answer.status !== 'success') {
    if (!TOO_MANY_SAMPLES.test(answer.error) || to === from) throw new ToolError(`recording rule ${rule.record}: ${answer.error}`);
    const middle = from + Math.floor((to - from) / step / 2) * step;
    return (await evaluateRange(url, rule, from, middle, step, block, signal)) + (await evaluateRange(url, rule, middle + step, to, step, block, signal));
  }
  let samples = 0;
  for (const { metric, values } of answer.data.result) {
    const labels = Object.entries({ ...metric, ...rule.labels, __name__: rule.record });
    block.add(labels, values.map(([time]) => Math.round(time * 1000)), values.map(([, value]) => sampleValue(value)));
    samples += values.length;
  }
  return samples;
}

/**
 * One recording rule evaluated at the history's sample instants in `window` (on the lookback's grid,
 * written SAMPLE_LEAD_MS early), added to `block`; resolves to the number of samples.
 */
async function evaluate(url: string, rule: RecordingRule, window: Window, lookbackMs: number, block: BlockWriter, signal?: AbortSignal): Promise<number> {
  let samples = 0;
  const first = Math.ceil(window.startMs / lookbackMs) * lookbackMs - SAMPLE_LEAD_MS;
  for (let from = first; from < window.endMs - SAMPLE_LEAD_MS; from += MAX_POINTS * lookbackMs) {
    const last = Math.min(window.endMs - SAMPLE_LEAD_MS - 1, from + (MAX_POINTS - 1) * lookbackMs);
    samples += await evaluateRange(url, rule, from, from + Math.floor((last - from) / lookbackMs) * lookbackMs, lookbackMs, block, signal);
  }
  return samples;
}

/** The rules of one level over one week, `CONCURRENT_QUERIES` at a time, into `block`; resolves to the samples. */
async function evaluateWeek(url: string, rules: readonly RecordingRule[], window: Window, lookbackMs: number, block: BlockWriter, signal: AbortSignal | undefined): Promise<number> {
  let count = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let rule = rules[next++]; rule !== undefined; rule = rules[next++]) count += await evaluate(url, rule, window, lookbackMs, block, signal);
  };
  await Promise.all(Array.from({ length: CONCURRENT_QUERIES }, worker));
  return count;
}

/**
 * Evaluates the recording rules over the instants [startMs, endMs) against the blocks in `tsdb`,
 * level by level, each time with a temporary Prometheus on 127.0.0.1, and adds the results to `tsdb`
 * as blocks. It asks for a week of a rule at once (promtool's own rule backfill queries every 2-hour
 * block separately, hours for a year of history) and writes each week's answers as a block, so memory
 * holds one week whatever the length of the history. A level's blocks join `tsdb` once its
 * Prometheus has stopped (it would otherwise load them while it answers).
 */
export async function createBlocksFromRules(
  tsdb: string,
  ruleFiles: readonly string[],
  startMs: number,
  endMs: number,
  options: { lookbackMs: number; prometheus?: string; maxSamples?: number; readyTimeoutMs?: number; signal?: AbortSignal; onLevel?: (level: number, levels: number) => void },
): Promise<number> {
  const documents = await Promise.all(ruleFiles.map(async (file) => parseYaml(await readFile(file, 'utf8')) as unknown));
  const levels = ruleLevels(documents);
  const work = await mkdtemp(join(tmpdir(), 'bue-rules-'));
  // A level's blocks wait inside the TSDB folder, so that they join it with a rename (the temporary
  // folder may be on another file system), under a name Prometheus neither loads nor keeps: it
  // removes `<ULID>.tmp-for-creation` folders when it starts, should a run be killed before the move.
  const staged = join(tsdb, `${ulid()}.tmp-for-creation`);
  try {
    for (const [index, rules] of levels.entries()) {
      // Each evaluation must see exactly the sample written for its instant, not the one before it.
      const prometheus = { binary: options.prometheus ?? 'prometheus', lookbackDeltaMs: options.lookbackMs - SAMPLE_LEAD_MS, maxSamples: options.maxSamples, readyTimeoutMs: options.readyTimeoutMs ?? 60_000, signal: options.signal };
      await withTemporaryPrometheus(tsdb, work, prometheus, async (url) => {
        // Made once the Prometheus has started, which would remove it.
        await mkdir(staged);
        for (const window of blockWindows(startMs, endMs)) {
          await writeBlock(staged, (block) => evaluateWeek(url, rules, window, options.lookbackMs, block, options.signal));
        }
      });
      for (const block of await readdir(staged)) await rename(join(staged, block), join(tsdb, block));
      await rm(staged, { recursive: true });
      options.onLevel?.(index + 1, levels.length);
    }
  } finally {
    await rm(staged, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
  return levels.length;
}
