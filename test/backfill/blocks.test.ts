import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { blockWindows, createBlocksFromRules, requireTool, ruleLevels, writeBlock } from '../../src/backfill/blocks.js';
import { SAMPLE_LEAD_MS } from '../../src/backfill/history.js';
import { promtoolDump } from '../helpers/prometheus.js';
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
  await t.rejects(requireTool(join(dir, 'no-promtool')), { code: 'BUE_ERR_TOOL', message: /not found: install Prometheus/ });
  await t.rejects(requireTool('false'), { code: 'BUE_ERR_TOOL', message: /^false --version failed: \S/ }, 'a tool that fails silently');
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

t.test('windows follow 7-day blocks in written time, as promtool cuts them', async (t) => {
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

t.test('rule values beyond the reals are stored as Prometheus answers them', async (t) => {
  const tsdb = join(dir, 'special-values');
  const rules = join(dir, 'special.yml');
  writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n' + [['plus', 'vector(1) / 0'], ['minus', 'vector(-1) / 0'], ['nan', 'vector(0) / 0']].map(([name, expr]) => `      - record: special:${name}\n        expr: ${expr}\n`).join(''));
  const start = Date.parse('2026-11-01T00:00:00Z');
  await createBlocksFromRules(tsdb, [rules], start, start + 3_600_000, { lookbackMs: 300_000 });
  const dumped = promtoolDump(tsdb);
  const values = new Map([...dumped.matchAll(/^\{__name__="special:(\w+)"\} (\S+) \d+$/gm)].map(([, name, value]) => [name, value]));
  t.same(Object.fromEntries(values), { minus: '-Inf', nan: 'NaN', plus: '+Inf' });
  t.equal(dumped.trim().split('\n').length, 3 * 12, 'every 5 minutes of the hour');
});

// The compose stack's backfill has its TSDB on a volume and /tmp in memory: a rename from one to the
// other fails with EXDEV, so a level's blocks must wait inside the TSDB folder.
const elsewhere = '/dev/shm';
const secondFileSystem = existsSync(elsewhere) && statSync(elsewhere).dev !== statSync(dir).dev;
t.test('rule blocks join a TSDB on another file system than the temporary folder', { skip: !secondFileSystem && 'no second file system here' }, async (t) => {
  const temporary = mkdtempSync(join(elsewhere, 'bue-blocks-'));
  t.teardown(() => rmSync(temporary, { recursive: true, force: true }));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = temporary;
  t.teardown(() => {
    // process.env turns undefined into the string 'undefined'.
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });
  const tsdb = join(dir, 'other-file-system');
  const rules = join(dir, 'one.yml');
  writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - record: constant:one\n        expr: vector(1)\n');
  const start = Date.parse('2026-11-01T00:00:00Z');
  await createBlocksFromRules(tsdb, [rules], start, start + 3_600_000, { lookbackMs: 300_000 });
  const blocks = readdirSync(tsdb).filter((name) => /^[0-9A-Z]{26}$/.test(name));
  t.equal(blocks.length, 1, 'the level\'s block is in the TSDB');
  t.same(readdirSync(tsdb).filter((name) => name.includes('tmp')), [], 'nothing staged is left');
  t.same(readdirSync(temporary), [], 'nor in the temporary folder');
});

t.test('a range Prometheus finds too large is asked in halves, with the same answers', async (t) => {
  const tsdb = join(dir, 'halves');
  mkdirSync(tsdb);
  const start = Date.parse('2026-11-01T00:00:00Z');
  // Ten series, one sample a minute for an hour and a half: an hour of sums loads 10 samples per instant.
  const times = Array.from({ length: 90 }, (_, i) => start + i * 60_000);
  await writeBlock(tsdb, async (block) => {
    for (let s = 0; s < 10; s++) block.add([['__name__', 'x'], ['s', String(s)]], times, times.map((_, i) => s * 100 + i));
  });
  const rules = join(dir, 'sum.yml');
  writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - record: x:sum\n        expr: sum(x)\n');
  // 12 instants of 10 samples each are more than 50: the hour is asked in pieces of at most 5 instants.
  await createBlocksFromRules(tsdb, [rules], start + 1000, start + 3_600_000 + 1000, { lookbackMs: 300_000, maxSamples: 50 });
  const dumped = promtoolDump(tsdb, ['--match={__name__="x:sum"}']);
  const sums = [...dumped.matchAll(/^\{__name__="x:sum"\} (\S+) (\d+)$/gm)].map(([, value, time]) => [Number(time), Number(value)]);
  // At instant t (written a second early) each series shows its last sample at or before t - 1 s.
  const expected = Array.from({ length: 12 }, (_, k) => {
    const at = start + (k + 1) * 300_000 - 1000;
    const i = Math.floor((at - start) / 60_000);
    return [at, Array.from({ length: 10 }, (_, s) => s * 100 + i).reduce((a, b) => a + b, 0)];
  });
  t.same(sums, expected, 'every instant of the hour, summed as one query would');
});

t.test('a block that fails while it is filled leaves nothing behind', async (t) => {
  const tsdb = join(dir, 'failed-block');
  mkdirSync(tsdb);
  await t.rejects(writeBlock(tsdb, async (block) => {
    block.add([['__name__', 'up']], [1000], [1]);
    throw new Error('the source failed');
  }), { message: 'the source failed' });
  t.same(readdirSync(tsdb), []);
  t.equal(await writeBlock(tsdb, async (block) => block.add([['__name__', 'up']], [1000, 2000], [1, 1])), 2, 'the samples of a block written');
  t.equal(readdirSync(tsdb).length, 1);
});
