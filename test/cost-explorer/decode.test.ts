import fc from 'fast-check';
import t from 'tap';
import { AnswerError, decodeCostAndUsagePage, decodeDimensionValuesPage } from '../../src/cost-explorer/decode.js';

const metrics = (cost: string, quantity: string, unit = '1K tokens') => ({
  UnblendedCost: { Amount: cost, Unit: 'USD' },
  UsageQuantity: { Amount: quantity, Unit: unit },
});

t.test('a grouped DAILY page becomes rows per day', async (t) => {
  const page = {
    ResultsByTime: [
      { TimePeriod: { Start: '2026-11-25', End: '2026-11-26' }, Total: {}, Groups: [{ Keys: ['111122223333', 'USE1-NovaPro-input-tokens'], Metrics: metrics('1.5', '1000.25') }], Estimated: false },
      { TimePeriod: { Start: '2026-11-26', End: '2026-11-27' }, Total: {}, Groups: [], Estimated: true },
      { TimePeriod: { Start: '2026-11-27', End: '2026-11-28' } },
    ],
  };
  t.same(decodeCostAndUsagePage(page, ['LINKED_ACCOUNT', 'USAGE_TYPE'], 'Amazon Bedrock'), [
    { day: '2026-11-25', estimated: false, rows: [{ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', cost: 1.5, quantity: 1000.25, unit: '1K tokens' }] },
    { day: '2026-11-26', estimated: true, rows: [] },
    { day: '2026-11-27', estimated: false, rows: [] },
  ]);
});

t.test('SERVICE as a group key names the service; credits stay negative', async (t) => {
  const page = { ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['Amazon Bedrock Service', 'USE1-Claude4.6Sonnet-input-tokens'], Metrics: { ...metrics('-3.25', '0'), UsageQuantity: { Amount: '0' } } }] }] };
  const [bucket] = decodeCostAndUsagePage(page, ['SERVICE', 'USAGE_TYPE']);
  t.same(bucket?.rows, [{ account: '', service: 'Amazon Bedrock Service', usageType: 'USE1-Claude4.6Sonnet-input-tokens', cost: -3.25, quantity: 0, unit: '' }]);
  t.same(decodeCostAndUsagePage({}, ['SERVICE', 'USAGE_TYPE']), [], 'no ResultsByTime, no rows');
});

t.test('account names come with a page grouped by account; a bad or missing one is no name, never an error', async (t) => {
  const group = (account: string) => ({ Keys: [account, 'USE1-NovaPro-input-tokens'], Metrics: metrics('1', '1') });
  const page = {
    ResultsByTime: [{ TimePeriod: { Start: '2026-11-25' }, Groups: ['111122223333', '444455556666', '777788889999', '000011112222'].map(group) }],
    DimensionValueAttributes: [
      { Value: '111122223333', Attributes: { description: '  ml-platform-prod ' } },
      { Value: '444455556666', Attributes: { description: '444455556666' } },
      { Value: '777788889999', Attributes: { description: '' } },
      { Value: '000011112222' },
      { Attributes: { description: 'no account' } },
      'garbage',
    ],
  };
  const [bucket] = decodeCostAndUsagePage(page, ['LINKED_ACCOUNT', 'USAGE_TYPE'], 'Amazon Bedrock');
  t.same(bucket?.rows.map((row) => [row.account, row.accountName]), [
    ['111122223333', 'ml-platform-prod'],
    ['444455556666', undefined],
    ['777788889999', undefined],
    ['000011112222', undefined],
  ]);
  t.notOk('accountName' in (bucket?.rows[1] ?? {}), 'no name is no property, not an empty one');
  const notAList = decodeCostAndUsagePage({ ...page, DimensionValueAttributes: 'x' }, ['LINKED_ACCOUNT', 'USAGE_TYPE']);
  t.notOk(notAList[0]?.rows.some((row) => 'accountName' in row));
  const byService = decodeCostAndUsagePage({ ...page, ResultsByTime: [{ TimePeriod: { Start: '2026-11-25' }, Groups: [{ Keys: ['111122223333', 'USE1-X'], Metrics: metrics('1', '1') }] }] }, ['SERVICE', 'USAGE_TYPE']);
  t.notOk('accountName' in (byService[0]?.rows[0] ?? {}), 'names only name accounts');
});

t.test('malformed answers are AnswerErrors that say where', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    [{ ResultsByTime: {} }, /ResultsByTime is not a list/],
    [{ ResultsByTime: [{}] }, /ResultsByTime\[0\]: no TimePeriod/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-13-01' } }] }, /is not a day/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: 3 }] }, /Groups is not a list/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['only one'] }] }] }, /Groups\[0\]: expected 2 string Keys/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 1] }] }] }, /expected 2 string Keys/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'] }] }] }, /no Metrics/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'], Metrics: {} }] }] }, /metric UnblendedCost missing/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'], Metrics: metrics('abc', '1') }] }] }, /UnblendedCost amount "abc" is not a number/],
    [{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['a', 'b'], Metrics: metrics('1', '') }] }] }, /UsageQuantity amount "" is not a number/],
  ];
  for (const [page, message] of bad) {
    t.throws(() => decodeCostAndUsagePage(page, ['LINKED_ACCOUNT', 'USAGE_TYPE']), { code: 'BUE_ERR_AWS_ANSWER', message });
  }
});

t.test('dimension values', async (t) => {
  t.same(decodeDimensionValuesPage({ DimensionValues: [{ Value: 'Amazon Bedrock', Attributes: {} }] }), ['Amazon Bedrock']);
  t.throws(() => decodeDimensionValuesPage({}), AnswerError);
  t.throws(() => decodeDimensionValuesPage({ DimensionValues: [{}] }), /DimensionValues\[0\]: no Value/);
});

t.test('property: any JSON value decodes or fails with AnswerError, nothing else', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const decode of [() => decodeCostAndUsagePage(value, ['LINKED_ACCOUNT', 'USAGE_TYPE']), () => decodeDimensionValuesPage(value)]) {
        try {
          decode();
        } catch (error) {
          if (!(error instanceof AnswerError)) throw error;
        }
      }
    }),
    { numRuns: 2000 },
  );
  t.pass('no other error escaped');
});
