import t, { type Test } from 'tap';
import { GetCostAndUsageCommand, type GetCostAndUsageCommandInput } from '@aws-sdk/client-cost-explorer';
import { generateDataset } from '../../src/emulator/dataset.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { emulatorWithClient } from '../helpers/emulator-client.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const DATASET = generateDataset({ seed: 2, size: 'tiny', today: '2026-11-20' });
const VALID: GetCostAndUsageCommandInput = { TimePeriod: { Start: '2026-11-01', End: '2026-11-20' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };

async function setup(t: Test, options: Partial<EmulatorOptions> = {}) {
  const { emulator, client } = await emulatorWithClient(t, DATASET, NOW, options);
  /** The error the SDK surfaces for this input. */
  const failure = async (input: Partial<GetCostAndUsageCommandInput>) => {
    try {
      await client.send(new GetCostAndUsageCommand(input as GetCostAndUsageCommandInput));
    } catch (error) {
      const { name, message, $metadata } = error as Error & { $metadata: { httpStatusCode?: number } };
      return { name, message, status: $metadata.httpStatusCode };
    }
    throw new Error(`expected ${JSON.stringify(input)} to fail`);
  };
  return { emulator, client, failure };
}

const validation = (message: string) => ({ name: 'ValidationException', message, status: 400 });
const coral = (value: string, path: string, constraint: string) =>
  validation(`1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`);
const PATTERN = 'Member must satisfy regular expression pattern: (\\d{4}-\\d{2}-\\d{2})(T\\d{2}:\\d{2}:\\d{2}Z)?';

t.test('TimePeriod', async (t) => {
  const { failure } = await setup(t);
  const period = (Start?: string, End?: string) => failure({ ...VALID, TimePeriod: { Start, End } });
  t.same(await failure({ ...VALID, TimePeriod: undefined }), coral('null', 'timePeriod', 'Member must not be null'));
  t.same(await period(undefined, '2026-11-20'), coral('null', 'timePeriod.start', 'Member must not be null'));
  t.same(await period('2026-11-01', undefined), coral('null', 'timePeriod.end', 'Member must not be null'));
  t.same(await period('2026/11/01', '2026-11-20'), coral("'2026/11/01'", 'timePeriod.start', PATTERN));
  t.same(await period('2026-11-01', 'tomorrow'), coral("'tomorrow'", 'timePeriod.end', PATTERN));
  t.same(await period('2026-02-30', '2026-11-20'), validation('Start date 2026-02-30 is not a valid date.'));
  t.same(await period('2026-11-01', '2026-11-20T25:00:00Z'), validation('End date 2026-11-20T25:00:00Z is not a valid date.'));
  t.same(await period('2026-11-01', '2026-11-01'), validation('Start date (and hour) should be before end date (and hour)'), 'Start == End');
  t.same(await period('2026-11-02', '2026-11-01'), validation('Start date (and hour) should be before end date (and hour)'), 'Start > End');
  t.same(await period('2025-09-30', '2025-11-01'),
    validation('Start date 2025-09-30 is outside the data retention window: the earliest available date is 2025-10-01 (13 months before the current month).'));
  t.same(await period('2026-11-01', '2026-12-02'), validation('end date past the beginning of next month'));
});

t.test('the edges of the TimePeriod rules are accepted', async (t) => {
  const { client } = await setup(t);
  const answer = await client.send(new GetCostAndUsageCommand({ ...VALID, TimePeriod: { Start: '2025-10-01', End: '2026-12-01' }, Granularity: 'MONTHLY' }));
  t.equal(answer.ResultsByTime!.length, 14);
});

t.test('Granularity and Metrics', async (t) => {
  const { failure } = await setup(t);
  t.same(await failure({ ...VALID, Granularity: undefined }), coral('null', 'granularity', 'Member must not be null'));
  t.same(await failure({ ...VALID, Granularity: 'WEEKLY' as never }),
    coral("'WEEKLY'", 'granularity', 'Member must satisfy enum value set: [DAILY, MONTHLY, HOURLY]'));
  t.same(await failure({ ...VALID, Metrics: undefined }), coral('null', 'metrics', 'Member must not be null'));
  t.same(await failure({ ...VALID, Metrics: [] }), validation('Metrics must contain at least one metric.'));
  t.same(await failure({ ...VALID, Metrics: ['UnblendedCost', 'Profit'] }), validation(
    'Invalid metric Profit. Valid metrics are AMORTIZED_COST, BLENDED_COST, NET_AMORTIZED_COST, NET_UNBLENDED_COST, NORMALIZED_USAGE_AMOUNT, UNBLENDED_COST, USAGE_QUANTITY (or their CamelCase forms).'));
});

t.test('HOURLY', async (t) => {
  const disabled = await setup(t);
  const hourly = { ...VALID, Granularity: 'HOURLY' as const, TimePeriod: { Start: '2026-11-19T00:00:00Z', End: '2026-11-20T00:00:00Z' } };
  t.same(await disabled.failure(hourly),
    validation('Hourly granularity is not enabled for this account: turn on hourly data in the Cost Explorer preferences.'));
  t.same(await disabled.failure({ ...VALID, TimePeriod: { Start: '2026-11-19T00:00:00Z', End: '2026-11-20T00:00:00Z' } }),
    validation('Hourly timePeriod is not supported for this request'), 'times of day need HOURLY');
  const enabled = await setup(t, { hourly: true });
  t.same(await enabled.failure({ ...hourly, TimePeriod: { Start: '2026-11-05T23:00:00Z', End: '2026-11-06T00:00:00Z' } }), validation(
    'Start date is more than 14 days ago for hourly granularity. Please adjust start date as we support only 14 days of data at hourly granularity.'));
  const ok = await enabled.client.send(new GetCostAndUsageCommand({ ...hourly, TimePeriod: { Start: '2026-11-06T00:00:00Z', End: '2026-11-06T02:00:00Z' } }));
  t.equal(ok.ResultsByTime!.length, 2, '14 days back is allowed');
});

t.test('GroupBy', async (t) => {
  const { failure } = await setup(t);
  const groupBy = (...GroupBy: Array<{ Type?: string; Key?: string }>) => failure({ ...VALID, GroupBy: GroupBy as never });
  t.same(await groupBy({ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'REGION' }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }),
    validation('GroupBy can have at most 2 group definitions; it has 3.'));
  t.same(await groupBy({ Type: 'DIMENSION', Key: '' }), validation('Group Definition is invalid. Both type an key need to be set to a non-empty value.'));
  t.same(await groupBy({ Key: 'SERVICE' }), validation('Group Definition is invalid. Both type an key need to be set to a non-empty value.'));
  t.same(await groupBy({ Type: 'LINKED_ACCOUNT', Key: 'X' }), validation('Group Definition type is invalid.'));
  t.same(await groupBy({ Type: 'DIMENSION', Key: 'AZ' }), validation('Dimension AZ is not allowed.'));
  t.same(await groupBy({ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'SERVICE' }), validation('GroupBy must not repeat a key.'));
  t.same(await groupBy({ Type: 'TAG', Key: 'team' }, { Type: 'TAG', Key: 'team' }), validation('GroupBy must not repeat a key.'));
});

t.test('Filter', async (t) => {
  const { failure } = await setup(t);
  const filter = (Filter: unknown) => failure({ ...VALID, Filter: Filter as never });
  const service = { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } };
  t.same(await filter({ And: [service] }), validation('And expression must have at least 2 operands'));
  t.same(await filter({ Or: [service] }), validation('Or expression must have at least 2 operands'));
  t.same(await filter({}), validation('Expression must specify exactly one of And, Or, Not, Dimensions, Tags, CostCategories; it has 0.'));
  t.same(await filter({ ...service, Not: service }), validation('Expression must specify exactly one of And, Or, Not, Dimensions, Tags, CostCategories; it has 2.'));
  t.same(await filter({ Not: { Dimensions: { Key: 'INSTANCE_TYPE', Values: ['x'] } } }), validation('Dimension INSTANCE_TYPE is not allowed.'));
  t.same(await filter({ Dimensions: { Key: 'SERVICE', Values: [] } }), validation('Dimensions filter on SERVICE must have at least one value.'));
  t.same(await filter({ Dimensions: { Key: 'SERVICE' } }), coral('null', 'filter.dimensions.values', 'Member must not be null'));
  t.same(await filter({ Dimensions: { Key: 'SERVICE', Values: ['Bedrock'], MatchOptions: ['CONTAINS'] } }),
    validation('MatchOptions CONTAINS is not supported by this emulator; use EQUALS, ABSENT, CASE_SENSITIVE, CASE_INSENSITIVE.'));
  t.same(await filter({ Dimensions: { Key: 'SERVICE', Values: ['x'], MatchOptions: ['ABSENT'] } }), validation('MatchOptions ABSENT is not supported for Dimensions.'));
  t.same(await filter({ Tags: { Values: ['a'] } }), coral('null', 'filter.tags.key', 'Member must not be null'));
  t.same(await filter({ And: [service, { CostCategories: { Key: 'c' } }] }), coral('null', 'filter.and.2.costCategories.values', 'Member must not be null'));
});

t.test('NextPageToken: garbage, tampered and stale tokens', async (t) => {
  const { client, failure } = await setup(t, { pageSize: 3 });
  const first = await client.send(new GetCostAndUsageCommand(VALID));
  const token = first.NextPageToken!;
  t.type(token, 'string');
  const invalid = { name: 'InvalidNextTokenException', message: 'The NextPageToken is not valid.', status: 400 };
  t.same(await failure({ ...VALID, NextPageToken: 'garbage' }), invalid);
  t.same(await failure({ ...VALID, NextPageToken: `${token.slice(0, -2)}AA` }), invalid, 'tampered signature');
  t.same(await failure({ ...VALID, NextPageToken: `${token}.x` }), invalid);
  const [payload, signature] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), o: 0 })).toString('base64url');
  t.same(await failure({ ...VALID, NextPageToken: `${forged}.${signature}` }), invalid, 'edited payload');
  t.same(await failure({ ...VALID, Metrics: ['AmortizedCost'], NextPageToken: token }), {
    name: 'RequestChangedException', message: 'The request changed since the NextPageToken was issued; start again without a NextPageToken.', status: 400,
  });
  const second = await client.send(new GetCostAndUsageCommand({ ...VALID, NextPageToken: token }));
  t.equal(second.ResultsByTime![0]!.TimePeriod!.Start, '2026-11-04');
  const blank = await client.send(new GetCostAndUsageCommand({ ...VALID, NextPageToken: '' }));
  t.same(blank.ResultsByTime, first.ResultsByTime, 'an empty token asks for the first page');
});
