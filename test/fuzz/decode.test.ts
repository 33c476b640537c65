// Cost Explorer answers that are almost right: well-formed pages with one to three things changed.
// The decoder either returns rows that are exactly the page's numbers, or throws AnswerError; nothing
// else escapes, and no garbled amount is ever read as a plausible number.
import fc from 'fast-check';
import t from 'tap';
import { mergeBuckets } from '../../src/cost-explorer/client.js';
import { AnswerError, decodeCostAndUsagePage, decodeDimensionValuesPage, type DecodedBucket } from '../../src/cost-explorer/decode.js';
import type { Grouping } from '../../src/cost-explorer/plan.js';
import { addDays, isDay } from '../../src/time.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const decimal = fc.oneof(
  fc.double({ min: -1e6, max: 1e9, noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -1000, max: 1_000_000 }).map(String),
  fc.constantFrom('0', '-0', '0.0000000001', '12.3456789', '-0.01', '1.5E-7', '.5', '7.'),
);
const BY_ACCOUNT: Grouping = { type: 'DIMENSION', key: 'LINKED_ACCOUNT' };
const BY_SERVICE: Grouping = { type: 'DIMENSION', key: 'SERVICE' };
const BY_TAG: Grouping = { type: 'TAG', key: 'team' };
const firstKey = (groupBy: Grouping): fc.Arbitrary<string> => {
  if (groupBy.type !== 'DIMENSION') return fc.string({ maxLength: 20 }).map((value) => `${groupBy.key}$${value}`);
  return groupBy.key === 'LINKED_ACCOUNT' ? fc.stringMatching(/^\d{12}$/) : fc.constantFrom('Amazon Bedrock', 'Amazon Bedrock Service');
};
const group = (groupBy: Grouping) =>
  fc.record({
    Keys: fc.tuple(firstKey(groupBy), fc.string({ minLength: 1, maxLength: 40 })),
    Metrics: fc.record({
      UnblendedCost: fc.record({ Amount: decimal, Unit: fc.constant('USD') }),
      UsageQuantity: fc.record({ Amount: decimal, Unit: fc.constantFrom('1K tokens', '1M tokens', 'Units', 'N/A', '') }),
    }),
  });
const page = (groupBy: Grouping) =>
  fc.record(
    {
      ResultsByTime: fc.array(
        fc.record({
          TimePeriod: fc.integer({ min: 0, max: 400 }).map((offset) => ({ Start: addDays('2026-01-01', offset), End: addDays('2026-01-01', offset + 1) })),
          Total: fc.constant({}),
          Groups: fc.array(group(groupBy), { maxLength: 6 }),
          Estimated: fc.boolean(),
        }),
        { maxLength: 5 },
      ),
      NextPageToken: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      GroupDefinitions: fc.constant([{ Type: groupBy.type, Key: groupBy.key }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }]),
    },
    { requiredKeys: ['ResultsByTime'] },
  );

/** Every path to a value inside a JSON value. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const own = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...own, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') return [...own, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return own;
}

type Edit = 'delete' | 'replace' | 'wrap' | 'stringify' | 'null' | 'numberify' | 'garble';
const EDITS: Edit[] = ['delete', 'replace', 'wrap', 'stringify', 'null', 'numberify', 'garble'];
const GARBLED = ['', ' ', 'abc', 'NaN', 'Infinity', '-Infinity', '1e999', '0x1F', '0b101', '0o17', '1,234.50', '12.3.4', '1_000', '+-1', '--1', '١٢', '12abc', '\u00a0', '2026-11-01', 'true', '[]'];

function edit(root: Json, where: Array<string | number>, how: Edit, replacement: Json, garbled: string): Json {
  const copy = structuredClone(root);
  const parent = where.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, copy) as Record<string | number, Json>;
  const key = where[where.length - 1]!;
  const current = parent[key]!;
  if (how === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (how === 'replace') parent[key] = replacement;
  else if (how === 'wrap') parent[key] = [current];
  else if (how === 'stringify') parent[key] = JSON.stringify(current);
  else if (how === 'null') parent[key] = null;
  else if (how === 'numberify') parent[key] = typeof current === 'string' ? Number(current) : 1;
  else parent[key] = garbled;
  return copy;
}

const GROUPINGS: Grouping[] = [BY_ACCOUNT, BY_SERVICE, BY_TAG];

t.test('well-formed pages decode to exactly their numbers', async (t) => {
  for (const groupBy of GROUPINGS) {
    fc.assert(
      fc.property(page(groupBy), (answer) => {
        const buckets = decodeCostAndUsagePage(answer, groupBy, 'Amazon Bedrock');
        const groups = answer.ResultsByTime.flatMap((result) => result.Groups);
        const rows = buckets.flatMap((bucket) => bucket.rows);
        return (
          buckets.length === answer.ResultsByTime.length &&
          rows.length === groups.length &&
          rows.every((row, i) => row.cost === Number(groups[i]!.Metrics.UnblendedCost.Amount) && row.quantity === Number(groups[i]!.Metrics.UsageQuantity.Amount) && row.usageType === groups[i]!.Keys[1])
        );
      }),
      { numRuns: 500 },
    );
  }
  t.pass('held');
});

t.test('almost-right pages: rows that are exactly the page, or AnswerError', async (t) => {
  let decoded = 0;
  let refused = 0;
  for (const groupBy of GROUPINGS) {
    fc.assert(
      fc.property(
        page(groupBy),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...EDITS), fc.jsonValue() as fc.Arbitrary<Json>, fc.constantFrom(...GARBLED)), { minLength: 1, maxLength: 3 }),
        (answer, edits) => {
          let mutated = answer as unknown as Json;
          for (const [pick, how, replacement, garbled] of edits) {
            const all = paths(mutated);
            if (all.length === 0) break;
            mutated = edit(mutated, all[pick % all.length]!, how, replacement, garbled);
          }
          let buckets: DecodedBucket[];
          try {
            buckets = decodeCostAndUsagePage(mutated, groupBy, 'Amazon Bedrock');
          } catch (error) {
            if (!(error instanceof AnswerError)) throw error;
            refused++;
            return error.message.startsWith('malformed Cost Explorer answer: ') && !error.message.includes('\n');
          }
          decoded++;
          // What was accepted is what the page says, amount for amount.
          const results = (mutated as { ResultsByTime?: Array<{ Groups?: Array<{ Metrics: Record<string, { Amount: string }> }> }> }).ResultsByTime ?? [];
          const amounts = results.flatMap((result) => result.Groups ?? []).map((g) => [g.Metrics.UnblendedCost!.Amount, g.Metrics.UsageQuantity!.Amount]);
          const rows = buckets.flatMap((bucket) => bucket.rows);
          return (
            buckets.every((bucket) => isDay(bucket.day) && typeof bucket.estimated === 'boolean') &&
            rows.length === amounts.length &&
            rows.every((row, i) => Number.isFinite(row.cost) && Number.isFinite(row.quantity) && typeof row.usageType === 'string' && typeof row.account === 'string' &&
              row.cost === Number(amounts[i]![0]) && row.quantity === Number(amounts[i]![1]) && /^\s*[+-]?[\d.]/.test(amounts[i]![0]!) && /^\s*[+-]?[\d.]/.test(amounts[i]![1]!))
          );
        },
      ),
      { numRuns: 3000 },
    );
  }
  t.ok(decoded > 100 && refused > 100, `both outcomes were explored (${decoded} decoded, ${refused} refused)`);
});

t.test('garbled amounts are refused, never read as another number', async (t) => {
  for (const garbled of GARBLED) {
    const answer = { ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'], Metrics: { UnblendedCost: { Amount: garbled }, UsageQuantity: { Amount: '1' } } }] }] };
    t.throws(() => decodeCostAndUsagePage(answer, BY_ACCOUNT), AnswerError, JSON.stringify(garbled));
  }
  const ok = (amount: string) => decodeCostAndUsagePage({ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'], Metrics: { UnblendedCost: { Amount: amount }, UsageQuantity: { Amount: '1' } } }] }] }, BY_ACCOUNT)[0]!.rows[0]!.cost;
  t.same(['12.5', '-0.01', '1.5E-7', '.5', '7.', ' 3 '].map(ok), [12.5, -0.01, 1.5e-7, 0.5, 7, 3], 'decimal amounts, as Cost Explorer writes them');
});

t.test('almost-right GetDimensionValues pages: strings or AnswerError', async (t) => {
  const dimensionPage = fc.record({ DimensionValues: fc.array(fc.record({ Value: fc.string(), Attributes: fc.constant({}) }), { maxLength: 5 }), ReturnSize: fc.nat(), TotalSize: fc.nat() });
  fc.assert(
    fc.property(dimensionPage, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...EDITS), fc.jsonValue() as fc.Arbitrary<Json>, fc.constantFrom(...GARBLED)), { minLength: 1, maxLength: 2 }), (answer, edits) => {
      let mutated = answer as unknown as Json;
      for (const [pick, how, replacement, garbled] of edits) {
        const all = paths(mutated);
        mutated = edit(mutated, all[pick % all.length]!, how, replacement, garbled);
      }
      try {
        return decodeDimensionValuesPage(mutated).every((value) => typeof value === 'string');
      } catch (error) {
        if (!(error instanceof AnswerError)) throw error;
        return true;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass('held');
});

t.test('a day split over pages merges into one bucket, in day order, with every row', async (t) => {
  fc.assert(
    fc.property(page(BY_ACCOUNT), fc.nat(), (answer, cut) => {
      const whole = decodeCostAndUsagePage(answer, BY_ACCOUNT);
      const all = whole.flatMap((bucket) => bucket.rows.map((row) => ({ bucket, row })));
      const at = all.length === 0 ? 0 : cut % (all.length + 1);
      const split = (part: typeof all): DecodedBucket[] => part.map(({ bucket, row }) => ({ day: bucket.day, estimated: bucket.estimated, rows: [row] }));
      const merged = mergeBuckets([...split(all.slice(at)), ...split(all.slice(0, at))]);
      const days = [...new Set(all.map(({ bucket }) => bucket.day))].sort();
      return (
        JSON.stringify(merged.map((bucket) => bucket.day)) === JSON.stringify(days) &&
        merged.reduce((n, bucket) => n + bucket.rows.length, 0) === all.length &&
        merged.every((bucket) => bucket.estimated === all.some(({ bucket: b }) => b.day === bucket.day && b.estimated))
      );
    }),
    { numRuns: 500 },
  );
  t.pass('held');
});
