import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { blockWindows, createBlocksFromOpenMetrics, createBlocksFromRules, oneBehind, ruleLevels } from '../../src/backfill/blocks.js';
import { SAMPLE_LEAD_MS } from '../../src/backfill/history.js';
import { temporaryFolder } from '../helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-blocks-');

t.test('recording rules are ordered so each level reads only series of earlier levels', async (t) => {
  const levels = ruleLevels([
    parse(readFileSync('prometheus/rules/recording.yml', 'utf8')),
    null,
    { groups: [{ name: 'empty' }, { rules: [{ alert: 'X', expr: 'up' }, { record: 'constant:one', expr: '1' }] }] },
  ]);
  t.ok(levels[0]!.some((rule) => rule.record === 'constant:one'), 'a rule that reads no series is on the first level');
  const levelOf = new Map(levels.flatMap((rules, index) => rules.map((rule) => [rule.record, index] as const)));
  t.ok(levels.length >= 3, `${levels.length} levels`);
  for (const [index, rules] of levels.entries()) {
    for (const rule of rules) {
      for (const name of rule.expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
        const dependency = levelOf.get(name);
        if (dependency !== undefined && name !== rule.record) t.ok(dependency < index, `${rule.record} reads ${name} from an earlier level`);
      }
    }
  }
  t.throws(() => ruleLevels([{ groups: [{ rules: [{ record: 'a', expr: 'b' }, { record: 'b', expr: 'a' }] }] }]), { code: 'BUE_ERR_TOOL', message: /depends on itself/ });
});

t.test('missing or failing tools are ToolErrors that say what to do', async (t) => {
  const file = join(dir, 'bad.om');
  writeFileSync(file, 'this is not openmetrics\n');
  await t.rejects(createBlocksFromOpenMetrics(file, join(dir, 'tsdb'), { promtool: join(dir, 'no-promtool') }), { code: 'BUE_ERR_TOOL', message: /not found: install Prometheus/ });
  await t.rejects(createBlocksFromOpenMetrics(file, join(dir, 'tsdb'), { promtool: 'false' }), { code: 'BUE_ERR_TOOL', message: /^false tsdb create-blocks-from openmetrics failed: \S/ }, 'a tool that fails silently');
  await t.rejects(createBlocksFromOpenMetrics(file, join(dir, 'tsdb')), { code: 'BUE_ERR_TOOL', message: /^promtool tsdb create-blocks-from openmetrics failed: .*invalid syntax/ });
  const rules = join(dir, 'rules.yml');
  writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - record: x:y:z\n        expr: up\n');
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: join(dir, 'no-prometheus') }), { code: 'BUE_ERR_TOOL', message: /no-prometheus not found/ });
  const slow = join(dir, 'slow-prometheus');
  writeFileSync(slow, '#!/bin/sh\nsleep 1\nexit 3\n', { mode: 0o755 });
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: slow }), { code: 'BUE_ERR_TOOL', message: /exited \(code 3\) before it was ready/ }, 'waits while it starts, stops when it dies');
  const killed = join(dir, 'killed-prometheus');
  writeFileSync(killed, '#!/bin/sh\nkill -KILL $$\n', { mode: 0o755 });
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: killed }), { code: 'BUE_ERR_TOOL', message: /exited \(SIGKILL\) before it was ready/ }, 'one killed by a signal');
  const notExecutable = join(dir, 'not-executable');
  writeFileSync(notExecutable, '', { mode: 0o644 });
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: notExecutable }), { code: 'EACCES' }, 'other spawn errors as they are');
  const silent = join(dir, 'silent-prometheus');
  writeFileSync(silent, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: silent, readyTimeoutMs: 600 }), { code: 'BUE_ERR_TOOL', message: /did not become ready/ }, 'one that never answers is given up, and stopped');
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000, prometheus: 'false' }), { code: 'BUE_ERR_TOOL', message: /temporary Prometheus exited \(code 1\) before it was ready/ });
  writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - record: x:y:z\n        expr: sum(rate(up[1m]\n');
  await t.rejects(createBlocksFromRules(join(dir, 'tsdb'), [rules], 0, 3_600_000, { lookbackMs: 300_000 }), { code: 'BUE_ERR_TOOL', message: /^recording rule x:y:z: / });
});

t.test('windows follow promtool\'s 7-day blocks in written time', async (t) => {
  const WEEK = 7 * 86_400_000;
  const start = Date.parse('2026-10-11T00:00:00Z');
  const end = Date.parse('2026-11-20T00:00:00Z');
  const windows = blockWindows(start, end);
  t.same([windows[0]!.startMs, windows.at(-1)!.endMs], [start, end], 'the whole span');
  for (const [index, window] of windows.entries()) {
    if (index > 0) t.equal(window.startMs, windows[index - 1]!.endMs, 'no gap, no overlap');
    t.equal(Math.floor((window.startMs - SAMPLE_LEAD_MS) / WEEK), Math.floor((window.endMs - 1 - SAMPLE_LEAD_MS) / WEEK), 'written times in one block');
  }
  t.same(blockWindows(0, 1000), [{ startMs: 0, endMs: 1000 }], 'the epoch itself');
  t.same(blockWindows(5, 5), [], 'nothing to cut');
});

t.test('oneBehind runs one task at a time and keeps a failure for drain', async (t) => {
  const order: string[] = [];
  const queue = oneBehind();
  let release!: () => void;
  await queue.next(() => new Promise<void>((resolve) => { order.push('a starts'); release = () => { order.push('a ends'); resolve(); }; }));
  const second = queue.next(async () => { order.push('b starts'); throw new Error('b failed'); });
  order.push('caller goes on');
  release();
  await second;
  t.same(order, ['a starts', 'caller goes on', 'a ends', 'b starts']);
  await t.rejects(queue.drain(), { message: 'b failed' });
});
