import fc from 'fast-check';
import t from 'tap';
import { AnswerError, decodeCostAndUsagePage, decodeCostCategoriesPage, decodeDimensionValuesPage, decodeTagsPage } from '../../src/cost-explorer/decode.js';
import type { Grouping } from '../../src/cost-explorer/plan.js';

const BY_ACCOUNT: Grouping = { type: 'DIMENSION', key: 'LINKED_ACCOUNT' };
const BY_SERVICE: Grouping = { type: 'DIMENSION', key: 'SERVICE' };

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
  t.same(decodeCostAndUsagePage(page, BY_ACCOUNT, 'Amazon Bedrock'), [
    { day: '2026-11-25', estimated: false, rows: [{ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', cost: 1.5, quantity: 1000.25, unit: '1K tokens' }] },
    { day: '2026-11-26', estimated: true, rows: [] },
    { day: '2026-11-27', estimated: false, rows: [] },
  ]);
});

t.test('SERVICE as a group key names the service; credits stay negative', async (t) => {
  const page = { ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: [{ Keys: ['Amazon Bedrock Service', 'USE1-Claude4.6Sonnet-input-tokens'], Metrics: { ...metrics('-3.25', '0'), UsageQuantity: { Amount: '0' } } }] }] };
  const [bucket] = decodeCostAndUsagePage(page, BY_SERVICE);
  t.same(bucket?.rows, [{ account: '', service: 'Amazon Bedrock Service', usageType: 'USE1-Claude4.6Sonnet-input-tokens', cost: -3.25, quantity: 0, unit: '' }]);
  t.same(decodeCostAndUsagePage({}, BY_SERVICE), [], 'no ResultsByTime, no rows');
});

t.test('a tag or cost category answers KEY$VALUE: the value is kept, and spend without it is the empty value', async (t) => {
  const page = (first: string[]) => ({ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01' }, Groups: first.map((key) => ({ Keys: [key, 'USE1-NovaPro-input-tokens'], Metrics: metrics('2', '3') })) }] });
  const byTag = decodeCostAndUsagePage(page(['team$ml-platform', 'team$', 'team$a$b']), { type: 'TAG', key: 'team' }, 'Amazon Bedrock');
  t.same(byTag[0]?.rows.map((row) => [row.group, row.account, row.service]), [['ml-platform', '', 'Amazon Bedrock'], ['', '', 'Amazon Bedrock'], ['a$b', '', 'Amazon Bedrock']]);
  const byCategory = decodeCostAndUsagePage(page(['Business Unit$Research']), { type: 'COST_CATEGORY', key: 'Business Unit' }, 'Amazon Bedrock');
  t.equal(byCategory[0]?.rows[0]?.group, 'Research');
  t.throws(() => decodeCostAndUsagePage(page(['owner$x']), { type: 'TAG', key: 'team' }, 'Amazon Bedrock'), { code: 'BUE_ERR_AWS_ANSWER', message: /Groups\[0\]: expected a key like "team\$value", got "owner\$x"/ });
  t.notOk('group' in (decodeCostAndUsagePage(page(['111122223333']), BY_ACCOUNT)[0]?.rows[0] ?? {}), 'only a tag or cost category has a group value');
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
  const [bucket] = decodeCostAndUsagePage(page, BY_ACCOUNT, 'Amazon Bedrock');
  t.same(bucket?.rows.map((row) => [row.account, row.accountName]), [
    ['111122223333', 'ml-platform-prod'],
    ['444455556666', undefined],
    ['777788889999', undefined],
    ['000011112222', undefined],
  ]);
  t.notOk('accountName' in (bucket?.rows[1] ?? {}), 'no name is no property, not an empty one');
  const notAList = decodeCostAndUsagePage({ ...page, DimensionValueAttributes: 'x' }, BY_ACCOUNT);
  t.notOk(notAList[0]?.rows.some((row) => 'accountName' in row));
  const byService = decodeCostAndUsagePage({ ...page, ResultsByTime: [{ TimePeriod: { Start: '2026-11-25' }, Groups: [{ Keys: ['111122223333', 'USE1-X'], Metrics: metrics('1', '1') }] }] }, BY_SERVICE);
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
    t.throws(() => decodeCostAndUsagePage(page, BY_ACCOUNT), { code: 'BUE_ERR_AWS_ANSWER', message });
  }
});

t.test('dimension values', async (t) => {
  t.same(decodeDimensionValuesPage({ DimensionValues: [{ Value: 'Amazon Bedrock', Attributes: {} }] }), ['Amazon Bedrock']);
  t.throws(() => decodeDimensionValuesPage({}), AnswerError);
  t.throws(() => decodeDimensionValuesPage({ DimensionValues: [{}] }), /DimensionValues\[0\]: no Value/);
});

t.test('tag keys and values, cost category names and values', async (t) => {
  t.same(decodeTagsPage({ Tags: ['team', 'cost-center'], ReturnSize: 2, TotalSize: 2 }), ['team', 'cost-center']);
  t.same(decodeTagsPage({ ReturnSize: 0, TotalSize: 0 }), [], 'none in the period');
  t.same(decodeCostCategoriesPage({ CostCategoryNames: ['business-unit'] }, 'CostCategoryNames'), ['business-unit']);
  t.same(decodeCostCategoriesPage({ CostCategoryNames: ['business-unit'], CostCategoryValues: ['Research'] }, 'CostCategoryValues'), ['Research']);
  t.throws(() => decodeTagsPage(null), { code: 'BUE_ERR_AWS_ANSWER', message: /Tags is not a list of strings/ });
  t.throws(() => decodeTagsPage({ Tags: ['team', 7] }), /Tags is not a list of strings/);
  t.throws(() => decodeCostCategoriesPage({ CostCategoryValues: 'Research' }, 'CostCategoryValues'), /CostCategoryValues is not a list of strings/);
});

t.test('property: any JSON value decodes or fails with AnswerError, nothing else', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const decode of [() => decodeCostAndUsagePage(value, BY_ACCOUNT), () => decodeDimensionValuesPage(value)]) {
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
