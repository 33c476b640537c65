// The block writer's output as Prometheus' own tools read it: promtool dumps every sample back, with
// its labels, time and value to the bit.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { BlockWriter, ulid } from '../../src/backfill/tsdb/block-writer.js';
import { crc32c } from '../../src/backfill/tsdb/encoding.js';
import { promtoolDump } from '../helpers/prometheus.js';
import { temporaryFolder } from '../helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-tsdb-');
const run = promisify(execFile);

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Written {
  labels: Array<[string, string]>;
  times: number[];
  values: number[];
}

/** Series whose times and values reach every branch of the encoding: equal and changing deltas of every size, repeated, tiny, huge and special values. */
function series(seed: number, count: number): Written[] {
  const next = random(seed);
  const steps = [0, 1, 15_000, 300_000, 8_192, 65_536, 524_288, 86_400_000, 3_000_000_000];
  const specials = [0, -0, 1, -1, 0.1 + 0.2, 1e-300, 1e300, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 52 + 1];
  return Array.from({ length: count }, (_, s) => {
    const times: number[] = [];
    const values: number[] = [];
    let time = 1_700_000_000_000 + Math.floor(next() * 1e9);
    let step = 300_000;
    let value = next() * 1000;
    for (let i = 0, n = Math.floor(next() * 400) + 1; i < n; i++) {
      if (next() < 0.2) step = steps[Math.floor(next() * steps.length)]! + Math.floor(next() * 3);
      time += Math.max(step, 1);
      const kind = next();
      if (kind < 0.3) value += next() * 10;
      else if (kind < 0.5) value = Math.round(next() * 1e6);
      else if (kind < 0.6) value = specials[Math.floor(next() * specials.length)]!;
      else if (kind < 0.7) value = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      times.push(time);
      values.push(value);
    }
    const labels: Array<[string, string]> = [['__name__', `metric_${s % 3}`], ['series', String(s)], ['job', 'bedrock'], ['quoted', 'a "b" \\ c\nd'], ['unicode', 'Ω→é'], ['empty', '']];
    return { labels, times, values };
  });
}

const dumpValue = (text: string): number => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));

/** What promtool reads back: rendered labels -> [time, value] pairs. */
async function dump(tsdb: string): Promise<Map<string, Array<[number, number]>>> {
  const stdout = promtoolDump(tsdb);
  const read = new Map<string, Array<[number, number]>>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [, labels, value, time] = /^(\{.*\}) (\S+) (-?\d+)$/.exec(line)!;
    (read.get(labels!) ?? read.set(labels!, []).get(labels!)!).push([Number(time), dumpValue(value!)]);
  }
  return read;
}

/** promtool's rendering of a label set: sorted, Go-quoted, empty values left out. */
const render = (labels: ReadonlyArray<readonly [string, string]>): string =>
  `{${[...labels].filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(', ')}}`;

t.test('every sample promtool dumps from a written block is the one written, to the bit', async (t) => {
  const tsdb = join(dir, 'random');
  mkdirSync(tsdb);
  const written = series(7, 60);
  // Small segment files and writes, so that chunks span several of each as a large organization's do.
  const writer = await BlockWriter.create(tsdb, { segmentBytes: 64 * 1024, flushBytes: 16 * 1024 });
  for (const { labels, times, values } of written) writer.add(labels, times, values);
  writer.add([['__name__', 'metric_0']], [1_700_000_000_000], [1]);
  written.push({ labels: [['__name__', 'metric_0']], times: [1_700_000_000_000], values: [1] });
  t.equal(writer.samples, written.reduce((n, s) => n + s.times.length, 0));
  const meta = (await writer.close())!;
  t.ok(readdirSync(join(tsdb, meta.ulid, 'chunks')).length > 1, 'several segment files');
  t.same(readdirSync(tsdb), [meta.ulid], 'the block alone, under its ULID');
  t.same(JSON.parse(readFileSync(join(tsdb, meta.ulid, 'meta.json'), 'utf8')), meta);
  const total = written.reduce((n, s) => n + s.times.length, 0);
  t.equal(meta.stats.numSamples, total);
  t.equal(meta.stats.numSeries, written.length);
  t.equal(meta.minTime, Math.min(...written.map((s) => s.times[0]!)));
  t.equal(meta.maxTime, Math.max(...written.map((s) => s.times.at(-1)!)) + 1, 'one past the last sample');

  const read = await dump(tsdb);
  t.equal(read.size, written.length);
  let mismatches = 0;
  for (const { labels, times, values } of written) {
    const samples = read.get(render(labels)) ?? [];
    if (samples.length !== times.length) mismatches++;
    samples.forEach(([time, value], i) => {
      if (time !== times[i] || !Object.is(value === 0 ? 0 : value, values[i] === 0 ? 0 : values[i])) mismatches++;
    });
  }
  t.equal(mismatches, 0, `${total} samples read back as written`);
  const { stdout } = await run('promtool', ['tsdb', 'analyze', tsdb]);
  t.match(stdout, new RegExp(`^Series: ${written.length}$`, 'm'), 'promtool analyzes the index');
});

t.test('a series added again continues; out of order or without samples it is refused or skipped', async (t) => {
  const tsdb = join(dir, 'continued');
  mkdirSync(tsdb);
  const writer = await BlockWriter.create(tsdb);
  const labels: Array<[string, string]> = [['__name__', 'up'], ['job', 'x']];
  writer.add(labels, [1000, 2000], [1, 2]);
  writer.add([['job', 'x'], ['__name__', 'up']], [3000], [3]);
  writer.add(labels, [], []);
  writer.add([['__name__', 'before_1970']], [-5000, -1000], [1, 2]);
  t.throws(() => writer.add(labels, [3000], [4]), /out of order/);
  await writer.close();
  t.same(await dump(tsdb), new Map([
    ['{__name__="before_1970"}', [[-5000, 1], [-1000, 2]]],
    ['{__name__="up", job="x"}', [[1000, 1], [2000, 2], [3000, 3]]],
  ]));

  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const nothing = await BlockWriter.create(empty);
  t.equal(await nothing.close(), undefined);
  t.same(readdirSync(empty), [], 'no block, no folder left');
});

t.test('ULIDs sort by time and spell 26 Crockford characters', async (t) => {
  t.equal(ulid(0, new Uint8Array(10)), '00000000000000000000000000');
  t.equal(ulid(1_469_918_176_385, new Uint8Array(10).fill(255)), '01ARYZ6S41ZZZZZZZZZZZZZZZZ', 'the example of the ULID specification');
  t.ok(ulid(2000) > ulid(1000));
});

t.test('CRC32 is Castagnoli', async (t) => {
  t.equal(crc32c(Buffer.from('123456789')), 0xe3069283, 'the check value of CRC-32C');
  t.equal(crc32c(new Uint8Array(0)), 0);
});
