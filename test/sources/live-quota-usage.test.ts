// Headroom, pure: the busiest of the last five published minutes of quota usage, summed over every
// model id of one model and scope, beside the quotas of the models called today.
import t from 'tap';
import { parseModelId, type InvokedModel } from '../../src/billing/model-ids.js';
import { calledKey, QUOTA_USAGE_MINUTES, quotaFamilies } from '../../src/sources/live/quota-usage.js';
import { parseExposition } from '../helpers/exposition.js';
import { render } from '../../src/metrics/exposition.js';

const MINUTE = 60_000;
const THROUGH = 100 * MINUTE;
const model = (id: string): InvokedModel => parseModelId(id) as InvokedModel;
const minutes = (values: Record<number, number>) => new Map(Object.entries(values).map(([minute, value]) => [Number(minute) * MINUTE, value]));

t.test('a minute summed over the ids of one model and scope, then the busiest recent one', async (t) => {
  const usage = [
    { account: '1', region: 'us-east-1', model: model('anthropic.claude-sonnet-4-5-20250929-v1:0'), minutes: minutes({ 90: 9_000, 96: 100, 97: 400, 99: 50 }) },
    // An application profile resolved to the same model, called in one region: the same quota.
    { account: '1', region: 'us-east-1', model: { ...model('anthropic.claude-sonnet-4-5-20250929-v1:0'), quota: 'on_demand' as const }, minutes: minutes({ 96: 350, 99: 20 }) },
    { account: '1', region: 'us-east-1', model: model('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), minutes: minutes({ 98: 700 }) },
    { account: '1', region: 'us-east-1', model: model('global.anthropic.claude-sonnet-4-5-20250929-v1:0'), minutes: minutes({ 80: 5 }) },
    { account: '1', region: 'eu-west-1', model: model('amazon.nova-pro-v1:0'), minutes: minutes({ 99: 5 }) },
  ];
  const quotas = [
    { account: '1', region: 'us-east-1', model: 'claude-sonnet-4.5', provider: 'anthropic', scope: 'on_demand' as const, tokensPerMinute: 200_000 },
    { account: '1', region: 'us-east-1', model: 'claude-sonnet-4.5', provider: 'anthropic', scope: 'cross_region' as const, tokensPerMinute: 400_000 },
    { account: '1', region: 'us-east-1', model: 'nova-pro', provider: 'amazon', scope: 'on_demand' as const, tokensPerMinute: 1_000_000 },
    { account: '2', region: 'us-east-1', model: 'claude-sonnet-4.5', provider: 'anthropic', scope: 'on_demand' as const, tokensPerMinute: 100_000 },
  ];
  const called = new Set([calledKey('1', 'us-east-1', 'claude-sonnet-4.5')]);
  const samples = parseExposition(await render(quotaFamilies(usage, quotas, called, new Map([['us-east-1', THROUGH]]))));
  const value = (name: string, quota: string) => samples.find((sample) => sample.name === name && sample.labels.quota === quota && sample.labels.model === 'claude-sonnet-4.5')?.value;
  t.equal(QUOTA_USAGE_MINUTES, 5);
  t.equal(value('bedrock_live_quota_usage_tokens_per_minute', 'on_demand'), 450, 'minute 96: 100 + 350 (more than minute 97); minute 90 is older than five minutes');
  t.equal(value('bedrock_live_quota_usage_tokens_per_minute', 'cross_region'), 700);
  t.equal(value('bedrock_live_quota_usage_tokens_per_minute', 'global'), 0, 'nothing lately');
  t.equal(samples.find((sample) => sample.name === 'bedrock_live_quota_usage_tokens_per_minute' && sample.labels.region === 'eu-west-1')?.value, 0, 'a region with no minute read: none recent');
  t.equal(value('bedrock_quota_tokens_per_minute', 'on_demand'), 200_000);
  t.equal(value('bedrock_quota_tokens_per_minute', 'cross_region'), 400_000);
  t.same(samples.filter((sample) => sample.name === 'bedrock_quota_tokens_per_minute').map((sample) => [sample.labels.account, sample.labels.model]), [['1', 'claude-sonnet-4.5'], ['1', 'claude-sonnet-4.5']], 'only the quotas of models called today, in their account');
  t.same(samples.find((sample) => sample.name === 'bedrock_quota_tokens_per_minute' && sample.labels.quota === 'on_demand')?.labels, { account: '1', region: 'us-east-1', model: 'claude-sonnet-4.5', provider: 'anthropic', quota: 'on_demand' });
});
