// The recording rules' history read back from blocks with the real promtool: each named series once,
// its samples in order and to the bit (NaN and infinities too), within the window; a promtool that
// fails or prints what backfill cannot read is a one-line ToolError.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { writeBlock } from '../../src/backfill/blocks.js';
import { dumpSeries, recordedNames } from '../../src/backfill/dump.js';
import type { SeriesSink } from '../../src/backfill/history.js';
import { ToolError } from '../../src/errors.js';
import type { Labels } from '../../src/metrics/series.js';
import { temporaryFolder } from '../helpers/temporary.js';

const STEP = 300_000;
const T0 = Date.UTC(2026, 10, 12); // a Thursday: the start of a 7-day block
const at = (step: number) => T0 + step * STEP - 1000;

function collector() {
  const got: Array<{ name: string; labels: Labels; times: number[]; values: number[] }> = [];
  const sink: SeriesSink = { series: (name, labels, times, values) => void got.push({ name, labels, times: [...times], values: [...values] }) };
  return { got, sink };
}

t.test('each named series once, in order, to the bit, within the window', async (t) => {
  const tsdb = temporaryFolder(t, 'dump-');
  await writeBlock(tsdb, async (block) => {
    block.add([['__name__', 'org:x:sum'], ['a', '1']], [at(0), at(1), at(2), at(3), at(4)], [1.5, NaN, Infinity, -Infinity, 9]);
    block.add([['__name__', 'org:x:sum'], ['a', '2']], [at(1)], [0.1 + 0.2]);
    block.add([['__name__', 'model:y:ratio']], [at(2)], [2]);
    block.add([['__name__', 'bedrock_tokens_daily']], [at(0)], [7]);
  });
  const { got, sink } = collector();
  const samples = await dumpSeries(tsdb, ['model:y:ratio', 'org:x:sum'], { startMs: T0, endMs: T0 + 4 * STEP }, sink);
  t.equal(samples, 6);
  t.same(got.map(({ name, labels }) => [name, labels]), [['model:y:ratio', []], ['org:x:sum', [['a', '1']]], ['org:x:sum', [['a', '2']]]], 'the named ones, by labels; the others left out');
  t.same(got[1]!.times, [at(0), at(1), at(2), at(3)], 'the instants in the window only');
  t.ok(Object.is(got[1]!.values[0], 1.5) && Number.isNaN(got[1]!.values[1]) && got[1]!.values[2] === Infinity && got[1]!.values[3] === -Infinity);
  t.equal(got[2]!.values[0], 0.1 + 0.2, 'every bit of a double');
});

t.test('the names the rule files record', async (t) => {
  const names = await recordedNames([join(import.meta.dirname, '..', '..', 'prometheus', 'rules', 'recording.yml'), join(import.meta.dirname, '..', '..', 'prometheus', 'rules', 'live.yml')]);
  t.ok(names.includes('org:bedrock_cost_usd_daily:sum') && names.includes('org:bedrock_live_estimated_cost_usd:rate15m'));
  t.same(names, [...new Set(names)].sort(), 'each once, sorted');
  t.ok(names.every((name) => /^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/.test(name)), 'metric names, nothing a regular expression reads');
});

t.test('a promtool that fails, is missing or prints what backfill cannot read: one line', async (t) => {
  const dir = temporaryFolder(t, 'dump-');
  const window = { startMs: T0, endMs: T0 + STEP };
  const fake = (name: string, script: string) => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  await t.rejects(dumpSeries(join(dir, 'tsdb'), ['a:b:c'], window, collector().sink, { promtool: fake('fails', 'echo "opening the db dir: broken" >&2; exit 1') }), new ToolError('promtool tsdb dump failed: opening the db dir: broken'));
  await t.rejects(dumpSeries(join(dir, 'tsdb'), ['a:b:c'], window, collector().sink, { promtool: fake('silent', 'exit 3') }), new ToolError('promtool tsdb dump failed: exit code 3'));
  await t.rejects(dumpSeries(join(dir, 'tsdb'), ['a:b:c'], window, collector().sink, { promtool: join(dir, 'none') }), /^promtool tsdb dump failed: spawn .*none ENOENT$/);
  await t.rejects(dumpSeries(join(dir, 'tsdb'), ['a:b:c'], window, collector().sink, { promtool: fake('odd', 'echo "something else"; sleep 5') }), new ToolError('promtool tsdb dump printed a line backfill cannot read: something else'));
});

t.test('stopped by a signal: the reason', async (t) => {
  const controller = new AbortController();
  controller.abort(new Error('stopped'));
  await t.rejects(dumpSeries(temporaryFolder(t, 'dump-'), ['a:b:c'], { startMs: T0, endMs: T0 + STEP }, collector().sink, { signal: controller.signal }), /stopped/);
});
