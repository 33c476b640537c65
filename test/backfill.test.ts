// Backfill end to end: the emulator's history, our backfill and its blocks, the real promtool reading
// them back, and a real Prometheus on them that answers past days with the data set's exact numbers.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { BACKFILL_SETTINGS } from '../src/commands/backfill.js';
import { loadConfig } from '../src/config.js';
import { Ledger } from '../src/cost-explorer/ledger.js';
import { loadLedger, saveLedger } from '../src/cost-explorer/ledger-file.js';
import { totals } from '../src/emulator/truth.js';
import { parseLabels } from '../src/metrics/series.js';
import { addDays, dayStartMs } from '../src/time.js';
import { backfill, NOW, openMetricsSamples, sampleKey } from './helpers/backfill.js';
import { promtoolDump, startPrometheus } from './helpers/prometheus.js';

// Forty days of history, the recording rules through a temporary Prometheus: about a minute alone, twice that
// beside the end-to-end stack on two busy cores; tap's 120 s default would be too near.
t.setTimeout(300_000);

const HOUR = 3_600_000;

t.test('dry run: the plan and its price, nothing read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bue-backfill-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const saved = new Ledger(10);
  saved.commit([{ day: '2026-11-01', queryKey: 'service:Amazon Bedrock', rows: [], estimated: false, settled: true }]);
  await saveLedger(join(dir, 'ledger.gz'), saved);
  const { code, stdout, stderr, emulator } = await backfill(t, ['--dry-run', `--output=${join(dir, 'om')}`, `--ledger.file=${join(dir, 'ledger.gz')}`]);
  t.equal(code, 0);
  t.match(stderr, /reusing 1 settled days from .*ledger\.gz/, 'the exporter\'s settled days are not read again');
  t.match(stdout, /^backfill 2025-10-01 \.\. 2026-11-20 \(416 days\) from \d+ Bedrock services/m, 'the full retention window by default');
  t.match(stdout, /at least \d+ more \(\$\d+\.\d\d\)/);
  t.equal(emulator.stats().requests.GetCostAndUsage ?? 0, 0, 'no GetCostAndUsage before the go-ahead');
  t.throws(() => readdirSync(join(dir, 'om')), 'nothing written');
});

t.test('a long history is read as it is written: Cost Explorer months just before their weeks, old days let go', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bue-backfill-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ledgerFile = join(dir, 'ledger.gz');
  const { code, stderr } = await backfill(t, ['--from=2026-06-01', '--until=2026-11-20T00:00:00Z', `--output=${join(dir, 'om')}`, `--ledger.file=${ledgerFile}`, '--collection.services=Amazon Bedrock']);
  t.equal(code, 0, stderr);
  const lines = stderr.split('\n');
  const readOf = (month: string) => lines.findIndex((line) => new RegExp(`^\\[\\d+/\\d+\\] .* ${month}-\\d\\d\\.\\.`).test(line));
  const written = (day: string) => lines.findIndex((line) => line.startsWith(`history `) && line.includes(`..${day}`));
  t.ok(readOf('2026-11') > written('2026-10-08'), 'November is read after October\'s first weeks are written');
  t.ok(readOf('2026-10') < written('2026-10-08'), 'and October before them');
  // What is left in memory at the end, and saved: the last two months at most, not the five read.
  const saved = new Ledger(1000);
  await loadLedger(ledgerFile, saved);
  const days = saved.entries().map((entry) => entry.day).sort();
  t.ok(days.length > 0 && days[0]! >= '2026-09-30', `the days held at the end begin on ${days[0]}`);
});

t.test('--rules-from: the rules are evaluated for the last days only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bue-backfill-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tsdb = join(dir, 'tsdb');
  const { code, stderr } = await backfill(t, ['--from=2026-11-10', '--rules-from=2026-11-15', '--until=2026-11-18T00:00:00Z', `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml', '--collection.services=Amazon Bedrock']);
  t.equal(code, 0, stderr);
  t.match(stderr, /^evaluating recording rules over the history from 2026-11-15 /m);
  const times = (match: string) => [...promtoolDump(tsdb, [`--match=${match}`]).matchAll(/ (\d+)$/gm)].map((m) => Number(m[1]));
  const rule = times('{__name__="org:bedrock_cost_usd_daily:sum"}');
  t.equal(rule.reduce((a, b) => Math.min(a, b), Infinity), dayStartMs('2026-11-15') - 1000, `the first rule sample is for 00:00 on the 15th (${rule.length} samples)`);
  t.ok(times('{__name__="bedrock_cost_usd_daily"}').reduce((a, b) => Math.min(a, b), Infinity) < dayStartMs('2026-11-12'), 'the history itself starts earlier');
});

t.test('history in Prometheus: exact past days, and the growth rule over it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bue-backfill-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tsdb = join(dir, 'tsdb');
  const { code, stdout, stderr, dataset } = await backfill(t, [
    '--from=2026-10-10', '--until=2026-11-20T00:00:00Z', `--output=${join(dir, 'om')}`, `--tsdb=${tsdb}`, '--rules=prometheus/rules/recording.yml',
  ]);
  t.equal(code, 0, stderr);
  t.match(stdout, /^done: \d+ Cost Explorer requests \(\$\d+\.\d\d\)/m);
  t.match(stderr, /\[1\/\d+\] /, 'progress while it runs');
  t.match(stderr, /^recording rules: level (\d+) of \1 stored as blocks$/m, 'rule progress, level by level');
  // Each file stays within one 7-day block (multiples of 7 days since the epoch), as the blocks do;
  // the history starts with the 11th of October and ends before the 20th of November.
  const files = readdirSync(join(dir, 'om')).sort();
  t.same([files[0], files.length], ['bedrock-2026-10-11.om', 7], 'a file per block from the 11th of October to the 19th of November');
  const BLOCK = 7 * 24 * 3600;
  let first = Infinity;
  let last = -Infinity;
  for (const name of files) {
    const text = readFileSync(join(dir, 'om', name), 'utf8');
    t.match(text, /# EOF\n$/);
    const times = [...text.matchAll(/ (\d+)$/gm)].map((m) => Number(m[1]));
    const [low, high] = times.reduce(([a, b], time) => [Math.min(a, time), Math.max(b, time)], [Infinity, -Infinity]);
    t.equal(Math.floor(low / BLOCK), Math.floor(high / BLOCK), `${name} stays in one block`);
    [first, last] = [Math.min(first, low), Math.max(last, high)];
  }
  t.equal(first, dayStartMs('2026-10-11') / 1000 - 1, 'first sample a second before the history starts, with its values');
  t.equal(last, dayStartMs('2026-11-20') / 1000 - 300 - 1, 'last sample for 23:55 on the 19th');

  // A week's block holds exactly the samples of the week's file, as promtool reads them back.
  const week = files[2]!;
  const inFile = openMetricsSamples(join(dir, 'om', week));
  const weekStart = dayStartMs(week.slice('bedrock-'.length, -'.om'.length));
  const dumped = promtoolDump(tsdb, [`--min-time=${weekStart}`, `--max-time=${weekStart + 7 * 24 * HOUR - 1}`, '--match={__name__=~"bedrock_.+"}']);
  const inBlock = new Map<string, number>();
  for (const [, labels, value, time] of dumped.matchAll(/^(\{.*\}) (\S+) (\d+)$/gm)) inBlock.set(`${sampleKey(parseLabels(labels!))} ${time}`, Number(value));
  t.equal(inBlock.size, inFile.size, `${week}: as many samples in the block as in the file`);
  t.same([...inFile].filter(([key, value]) => inBlock.get(key) !== value).slice(0, 3).map(([key, value]) => [key, value, inBlock.get(key)]), [], 'each with its value');

  const prometheus = await startPrometheus(t, { tsdb });
  const truthOf = (day: string, by: Array<'model' | 'region' | 'direction'>, measure: 'tokens' | 'cost') => {
    const result = new Map<string, number>();
    for (const [key, value] of totals(dataset, { asOf: NOW, from: day, to: addDays(day, 1), by, where: (item) => measure === 'cost' || item.truth.kind === 'tokens' })) {
      if (value[measure] !== 0) result.set(key, value[measure]);
    }
    return result;
  };
  const answer = async (expr: string, at: number, labels: string[]) =>
    new Map((await prometheus.query(expr, at / 1000)).map((s) => [labels.map((l) => s.metric[l] ?? '').join('|'), Number(s.value[1])]));
  const close = (t: Test, actual: Map<string, number>, expected: Map<string, number>, what: string) => {
    const wrong = [...new Set([...actual.keys(), ...expected.keys()])].filter((key) => Math.abs((actual.get(key) ?? 0) - (expected.get(key) ?? 0)) > 1e-6 * Math.max(1, Math.abs(expected.get(key) ?? 0)));
    t.same(wrong.map((key) => `${key}: ${actual.get(key)} vs truth ${expected.get(key)}`), [], `${what} (${expected.size} series)`);
  };

  for (const day of ['2026-10-20', '2026-11-09']) {
    const at = dayStartMs(addDays(day, 1)) + 15 * HOUR;
    close(t, await answer('sum by (model, region, direction) (bedrock_tokens_daily)', at, ['model', 'region', 'direction']), truthOf(day, ['model', 'region', 'direction'], 'tokens'), `${day}: tokens by model, region and direction`);
    close(t, await answer('sum by (model) (bedrock_cost_usd_daily)', at, ['model']), truthOf(day, ['model'], 'cost'), `${day}: cost by model`);
    const settled = await answer('org:bedrock_tokens_daily_settled:sum', at, []);
    t.ok(Math.abs((settled.get('') ?? 0) - [...truthOf(day, ['model'], 'tokens').values()].reduce((a, b) => a + b, 0)) < 1e-3, `${day}: the recording rules ran over the history`);
  }

  // At every instant around midnight the sums are one day's, never two: a series that ends at midnight
  // (a model unused the next day) is gone at 00:00, as after a live scrape's staleness marker.
  const totalOf = (day: string) => [...truthOf(day, ['model'], 'cost').values()].reduce((a, b) => a + b, 0);
  let changes = 0;
  for (let day = '2026-10-12'; day < '2026-11-19'; day = addDays(day, 1)) {
    const midnight = dayStartMs(day);
    const series = async (at: number) => new Set((await prometheus.query('bedrock_cost_usd_daily', at / 1000)).map((s) => JSON.stringify(s.metric)));
    const after = await series(midnight);
    if ([...(await series(midnight - 2_000))].some((key) => !after.has(key))) changes += 1;
    for (const [at, shows] of [[midnight - 2_000, addDays(day, -2)], [midnight, addDays(day, -1)], [midnight + 30_000, addDays(day, -1)], [midnight + 299_000, addDays(day, -1)]] as const) {
      for (const expr of ['sum(bedrock_cost_usd_daily)', 'org:bedrock_cost_usd_daily:sum']) {
        const value = (await answer(expr, at, [])).get('') ?? 0;
        t.ok(Math.abs(value - totalOf(shows)) < 1e-6 * Math.max(1, totalOf(shows)), `${expr} at ${new Date(at).toISOString()}: ${value}, the cost of ${shows} (${totalOf(shows)})`);
      }
    }
  }
  t.ok(changes > 0, `series end at midnight on ${changes} days, so the check above means something`);

  // The week-over-week rule averages the settled series over 7 days; recompute it from the truth the
  // same way (the settled value on day Y is Y-1's tokens from 12:00, Y-2's before), sample by sample.
  const tokensOn = (day: string) => [...truthOf(day, ['model'], 'tokens').values()].reduce((a, b) => a + b, 0);
  const settledAt = (ms: number) => {
    const day = new Date(ms).toISOString().slice(0, 10);
    return tokensOn(addDays(day, ms - dayStartMs(day) >= 12 * HOUR ? -1 : -2));
  };
  const weekAverage = (end: number) => {
    let sum = 0;
    let count = 0;
    for (let ms = end; ms > end - 7 * 24 * HOUR; ms -= 5 * 60_000) {
      sum += settledAt(ms);
      count += 1;
    }
    return sum / count;
  };
  const at = dayStartMs('2026-11-15') + 18 * HOUR;
  const expected = weekAverage(at) / weekAverage(at - 7 * 24 * HOUR);
  const ratio = (await answer('org:bedrock_tokens_daily_settled:wow_ratio', at, [])).get('');
  t.ok(ratio !== undefined && Math.abs(ratio - expected) / expected < 0.02, `week-over-week growth ${ratio} (truth ${expected.toFixed(4)})`);
  t.ok(expected > 1.5, 'the growth data set grows');
});

t.test('bad backfill flags are one-line errors', async (t) => {
  const now = NOW;
  const { backfillOptions } = await import('../src/commands/backfill.js');
  const options = (args: string[]) => backfillOptions(loadConfig(args, {}, { command: BACKFILL_SETTINGS }).command, now);
  t.throws(() => options(['--from=2024-01-01']), /^--from: Cost Explorer keeps 13 months; the earliest day is 2025-10-01$/);
  t.throws(() => options(['--from=yesterday']), /^--from: expected a day/);
  t.throws(() => options(['--lookback-delta=30s']), /^--lookback-delta: must be at least 60s/);
  t.throws(() => options(['--lookback-delta=1m500ms']), /^--lookback-delta: expected whole seconds that divide a day/);
  t.throws(() => options(['--lookback-delta=7m']), /^--lookback-delta: expected whole seconds that divide a day/);
  t.throws(() => options(['--until=2030-01-01T00:00:00Z']), /^--until: must not be in the future/);
  t.throws(() => options(['--until=soon']), /^--until: expected an RFC 3339 time/);
  t.throws(() => options(['--from=2026-11-19', '--until=2026-11-19T12:00:00Z']), /^--until: must be after 2026-11-20/);
  t.throws(() => options(['--rules=r.yml']), /^--rules: needs --tsdb/);
  t.throws(() => options(['--from=2026-11-01', '--rules-from=2026-11-01']), /^--rules-from: must be after --from \(2026-11-01\) and before --until$/);
  t.throws(() => options(['--from=2026-11-01', '--rules-from=2026-11-21']), /^--rules-from: must be after --from/);
  t.throws(() => options(['--rules-from=soon']), /^--rules-from: expected a day/);
  t.equal(options(['--from=2026-11-01']).rulesFrom, '2026-11-02', 'the rules start with the history');
  t.same(options(['--lookback-delta=1m', '--until=2026-11-20T10:03:30Z']).untilMs, Date.parse('2026-11-20T10:03:00Z'), 'until is aligned to the sample spacing');
});
