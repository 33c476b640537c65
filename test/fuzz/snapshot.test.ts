// Usage types of any shape, end to end through the usage-type aggregation and buildSnapshot: the exposition always parses, every
// dollar and every token of the window is counted exactly once, and every usage type has its info series.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { classifyUsage } from '../../src/billing/usage-type.js';
import type { DayEntry, LedgerRow } from '../../src/cost-explorer/ledger.js';
import { memoizedClassifier } from '../../src/billing/classifier.js';
import { buildSnapshot, renderContribution } from '../../src/pipeline/snapshot.js';
import { aggregate } from '../../src/sources/usage-type/aggregate.js';
import { addDays, monthStart, type Day } from '../../src/time.js';
import { parseExposition, type Sample } from '../helpers/exposition.js';

const REAL = readFileSync(new URL('../fixtures/billing/usage-types.tsv', import.meta.url), 'utf8').split('\n').filter((line) => !line.startsWith('#')).slice(1).map((line) => line.split('\t')[0]!).filter(Boolean);
const PIECES = ['USE1', 'EU', 'APS3', '-', '_', ':', 'MP:', 'input', 'output', 'tokens', 'cache', 'read', 'write', 'Claude4.6Sonnet', 'NovaPro', 'mantle', 'global', 'batch', 'Units', 'Guardrail', 'T2I'];
// Characters that matter to the text format: quotes, backslashes, newlines, braces, commas, equals.
const NASTY = ['"', '\\', '\n', '{', '}', ',', '=', '\r', '\t', '#', ' ', '\u0000', 'é', '😀', '\u2028'];

const usageType = fc.oneof(
  fc.constantFrom(...REAL),
  fc.array(fc.constantFrom(...PIECES, ...NASTY), { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 30 }),
  fc.tuple(fc.constantFrom(...REAL), fc.constantFrom(...NASTY)).map(([real, nasty]) => real + nasty),
);
const service = fc.oneof(fc.constantFrom('Amazon Bedrock', 'Amazon Bedrock Service', 'Amazon Bedrock AgentCore', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)'), fc.string({ maxLength: 20 }));
const unit = fc.oneof(fc.constantFrom('1K tokens', '1M tokens', 'Tokens', 'Units', 'N/A', 'Hours', ''), fc.string({ maxLength: 10 }));
// Cents, as bills are, so sums compare exactly enough.
const money = fc.integer({ min: -50_000, max: 5_000_000 }).map((cents) => cents / 100);
const row: fc.Arbitrary<LedgerRow> = fc.record({
  account: fc.oneof(fc.constant(''), fc.stringMatching(/^\d{12}$/)),
  service,
  usageType,
  cost: money,
  quantity: fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 10),
  unit,
});

const TODAY: Day = '2026-11-20';
const YESTERDAY = addDays(TODAY, -1);
const FIRST = monthStart(TODAY);
// Days inside and outside both windows.
const day = fc.constantFrom(addDays(FIRST, -3), addDays(FIRST, -1), FIRST, '2026-11-10', YESTERDAY, TODAY, addDays(TODAY, 1));
const entry: fc.Arbitrary<DayEntry> = fc.record({ day, queryKey: fc.constantFrom('service:a', 'service:b'), rows: fc.array(row, { maxLength: 12 }), estimated: fc.boolean(), settled: fc.boolean() });

// The text format escapes only \\, " and \n; Prometheus takes a raw \r or \u2028 in a label value, but the
// test reader matches lines with '.', which stops at them, so they are swapped for a marker on both sides.
const readable = (text: string) => text.replace(/[\r\u2028\u2029]/g, '\u00b6');

const sum = (samples: readonly Sample[], name: string) => samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

t.test('random usage types never break the snapshot, and every dollar is still counted', async (t) => {
  const classify = memoizedClassifier();
  await fc.assert(
    fc.asyncProperty(fc.array(entry, { maxLength: 8 }), async (entries) => {
      const snapshot = await buildSnapshot([await renderContribution(await aggregate(entries, TODAY, classify))]);
      const samples = parseExposition(readable(snapshot.text));
      const inMonth = entries.filter((e) => e.day >= FIRST && e.day <= TODAY).flatMap((e) => e.rows);
      const daily = entries.filter((e) => e.day === YESTERDAY).flatMap((e) => e.rows);
      const tokens = (rows: LedgerRow[]) => rows.reduce((n, r) => {
        const c = classifyUsage(r.service, r.usageType, r.unit);
        return n + (c.kind === 'tokens' ? r.quantity * c.tokensPerUnit : 0);
      }, 0);
      const costOf = (rows: LedgerRow[]) => rows.reduce((n, r) => n + r.cost, 0);
      const infos = new Set(samples.filter((s) => s.name === 'bedrock_usage_type_info').map((s) => `${s.labels.service ?? ''}|${s.labels.usage_type ?? ''}`));
      const used = new Set([...inMonth, ...daily].map((r) => readable(`${r.service}|${r.usageType}`)));
      const unknown = new Set([...inMonth, ...daily].filter((r) => classifyUsage(r.service, r.usageType, r.unit).kind === 'unknown').map((r) => `${r.service}|${r.usageType}`));
      return (
        snapshot.body.equals(Buffer.from(snapshot.text)) &&
        close(sum(samples, 'bedrock_cost_usd_month_to_date'), costOf(inMonth)) &&
        close(sum(samples, 'bedrock_cost_usd_daily'), costOf(daily)) &&
        close(sum(samples, 'bedrock_tokens_month_to_date'), tokens(inMonth)) &&
        close(sum(samples, 'bedrock_tokens_daily'), tokens(daily)) &&
        [...used].every((key) => infos.has(key)) &&
        snapshot.unrecognized.size === unknown.size &&
        samples.every((s) => Number.isFinite(s.value) && Object.values(s.labels).every((v) => v !== ''))
      );
    }),
    { numRuns: 400 },
  );
  t.pass('held');
});
