// CloudWatch's ModelId values read into the labels the bill gives the same model.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { parseModelId } from '../../src/billing/model-ids.js';
import { classifyUsage } from '../../src/billing/usage-type.js';

const rows = readFileSync(new URL('../fixtures/billing/model-ids.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('model_id\t'))
  .map((line) => line.split('\t') as [string, string, string]);

t.test('every real model id gets the model and provider the bill gives the same model', async (t) => {
  t.ok(rows.length >= 40, 'the fixture has its rows');
  for (const [modelId, usageType, service] of rows) {
    const billed = classifyUsage(service, usageType);
    t.match(parseModelId(modelId), { kind: 'model', model: billed.model, provider: billed.provider, route: 'regional', tier: 'standard', quota: 'on_demand' }, `${modelId} = ${usageType}`);
  }
});

t.test('a geography profile is regional on the bill, a global one global; each counts against its own quota', async (t) => {
  for (const [modelId, usageType, service] of rows.slice(0, 12)) {
    const { model, provider } = classifyUsage(service, usageType);
    for (const geography of ['us', 'eu', 'apac', 'jp', 'au', 'ca']) {
      t.match(parseModelId(`${geography}.${modelId}`), { kind: 'model', model, provider, route: 'regional', quota: 'cross_region' }, `${geography}.${modelId}`);
    }
    t.match(parseModelId(`global.${modelId}`), { kind: 'model', model, provider, route: 'global', quota: 'global' }, `global.${modelId}`);
  }
});

t.test('a service tier suffix is the tier', async (t) => {
  t.same(parseModelId('anthropic.claude-sonnet-4-6+priority'), { kind: 'model', model: 'claude-sonnet-4.6', provider: 'anthropic', route: 'regional', tier: 'priority', quota: 'on_demand' });
  t.same(parseModelId('global.anthropic.claude-sonnet-4-6+flex'), { kind: 'model', model: 'claude-sonnet-4.6', provider: 'anthropic', route: 'global', tier: 'flex', quota: 'global' });
  t.same(parseModelId('amazon.nova-pro-v1:0+Latency-Optimized'), { kind: 'model', model: 'nova-pro', provider: 'amazon', route: 'regional', tier: 'latency_optimized', quota: 'on_demand' });
});

t.test('ARNs: foundation models and system profiles are read, application profiles resolved, other resources kept', async (t) => {
  t.same(parseModelId('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'), {
    kind: 'model',
    model: 'claude-haiku-3',
    provider: 'anthropic',
    route: 'regional',
    tier: 'standard',
    quota: 'on_demand',
  });
  t.match(parseModelId('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0'), { model: 'nova-2-lite', route: 'global', quota: 'global' });
  t.match(parseModelId('arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0'), {
    kind: 'model',
    model: 'claude-sonnet-4.5',
    provider: 'anthropic',
    quota: 'cross_region',
  });
  const profile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
  t.same(parseModelId(profile), { kind: 'application_profile', id: profile, tier: 'standard' });
  t.same(parseModelId(`${profile}+priority`), { kind: 'application_profile', id: profile, tier: 'priority' });
  t.same(parseModelId('a1b2c3d4e5f6'), { kind: 'application_profile', id: 'a1b2c3d4e5f6', tier: 'standard' }, 'a bare profile id');
  t.same(parseModelId('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123'), {
    kind: 'other',
    id: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123',
    tier: 'standard',
  });
});

t.test('any string reads without throwing, into labels or a resource to resolve', async () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const parsed = parseModelId(text);
      if (parsed.kind === 'model') return typeof parsed.model === 'string' && (parsed.route === 'regional' || parsed.route === 'global');
      return parsed.id.length <= text.length;
    }),
  );
});
