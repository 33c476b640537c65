import fc from 'fast-check';
import t from 'tap';
import { modelSlug } from '../../src/billing/models.js';
import { BILLING_CODES, regionFromCode } from '../../src/billing/regions.js';
import { classifyUsage, type Direction, type Kind, type UsageClass } from '../../src/billing/usage-type.js';

const KINDS = new Set<Kind>([
  'tokens', 'guardrail', 'provisioned_throughput', 'customization', 'custom_model_import', 'image_generation',
  'video_generation', 'data_automation', 'rerank', 'web_search', 'agentcore', 'reserved_capacity', 'other', 'unknown',
]);
const RUNTIME_METERS: ReadonlyArray<readonly [string, Direction]> = [
  ['input-tokens', 'input'],
  ['output-tokens', 'output'],
  ['cache-read-input-token-count', 'cache_read'],
  ['cache-write-input-token-count', 'cache_write'],
  ['text-input-tokens', 'input'],
  ['speech-input-tokens', 'input'],
  ['input-image-token-count', 'input'],
  ['input-audio-token-count', 'input'],
];
const MANTLE_METERS: ReadonlyArray<readonly [string, Direction]> = [
  ['input-tokens', 'input'],
  ['output-tokens', 'output'],
  ['cache-read-tokens', 'cache_read'],
  ['cache-write-tokens', 'cache_write'],
];
const RUNTIME_QUALIFIERS = ['batch', 'flex', 'priority', 'latency-optimized', 'custom-model', 'cross-region-global', 'long-context', '1-hour'];
const SERVICES = ['Amazon Bedrock', 'Amazon Bedrock Service', 'Amazon Bedrock AgentCore', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)'];
// Pieces of real usage types, glued at random to reach deep into the grammars.
const PIECES = [
  'USE1', 'EU', 'APS3', '-', '-', '-', '_', ':', '.', 'MP:', 'USE1_', ':Consumption-based:', 'Units', 'input', 'output', 'tokens',
  'token-count', 'cache', 'read', 'write', 'Cache', 'Read', 'Write', 'Input', 'Output', 'Token', 'Count', 'Tokens', 'mantle',
  'reserved', 'per', 'minute', 'global', 'geo', 'Global', 'Geo', 'batch', 'flex', 'priority', 'standard', 'latency-optimized',
  'cross-region-global', 'Claude', '4.6', '3-5', 'Sonnet', 'V2', 'anthropic.', 'claude', 'Nova', '2.0', 'Lite', 'search', 'units',
  'T2I', 'T2V', 'Reel', 'grounding', 'Guardrail', 'GuardrailChecks', 'ProvisionedThroughput', 'CustomModelImport', 'Customization',
  'Training', 'Storage', 'RFT', 'Hours', 'DataAutomation', 'ImagesProcessed', 'Bedrock-Websearch', 'TPM', 'Reserved', 'second',
  'image', 'v1:0', 'zai.', 'glm5', 'é', '\u0000', '😀',
];

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((pieces) => pieces.join('')),
);
const anyService = fc.oneof(
  fc.constantFrom(...SERVICES),
  anyText,
  anyText.map((name) => `${name} (Amazon Bedrock Edition)`),
);
const anyUnit = fc.option(fc.oneof(fc.constantFrom('1K tokens', '1M tokens', 'Tokens', 'Units', 'N/A', 'vCPU-Hours'), anyText), {
  nil: undefined,
});
// Runtime model names: known spellings and invented CamelCase names (none starts like a feature).
const runtimeModel = fc.oneof(
  fc.constantFrom('Claude4.6Sonnet', 'Claude3-5Haiku', 'NovaPro', 'Nova2.0Lite', 'Llama3-1-405B', 'Mistral-Large-3-675b-Instruct'),
  fc.constantFrom('Qwen3-32B', 'gpt-oss-120b', 'zai.glm5', 'deepseek.v3.2', 'TitanTextG1-Express', 'Qwen3-VL-235B-A22B'),
  fc
    .stringMatching(/^[A-Z][a-z]{2,8}(?:\d(?:\.\d)?[A-Z][a-z]{1,5})?(?:-[A-Z0-9][a-z0-9]{0,5}){0,2}$/)
    .filter((name) => !/^(?:guardrail|web-?search|dataautomation)/i.test(name)),
);
const mantleModel = fc.oneof(
  fc.constantFrom('anthropic.claude-opus-4-8', 'openai.gpt-oss-120b', 'qwen.qwen3-32b', 'xai.grok-4.3', 'moonshotai.kimi-k3'),
  fc.stringMatching(/^[a-z]{2,10}\.[a-z][a-z0-9]{1,6}(?:-[a-z0-9]{1,5}){0,3}$/),
);

function invariantsHold(usage: UsageClass): boolean {
  const tokens = usage.kind === 'tokens';
  const carriesRoute = tokens || usage.kind === 'reserved_capacity';
  return (
    KINDS.has(usage.kind) &&
    (tokens ? [1, 1000, 1e6].includes(usage.tokensPerUnit) : usage.tokensPerUnit === 0) &&
    (tokens ? usage.unit === 'tokens' : /^[a-z0-9]+(?:_[a-z0-9]+)*$/.test(usage.unit)) &&
    (tokens ? usage.direction !== '' : carriesRoute || usage.direction === '') &&
    (tokens ? usage.tier !== '' : usage.tier === '') &&
    (carriesRoute ? usage.route !== '' : usage.route === '') &&
    (usage.model === '' ? usage.provider === '' : usage.provider !== '' && modelSlug(usage.model) === usage.model)
  );
}

t.test('any strings: never throws, always a well-formed class, always the same one', async (t) => {
  fc.assert(
    fc.property(anyService, anyText, anyUnit, (service, usageType, unit) => {
      const usage = classifyUsage(service, usageType, unit);
      return invariantsHold(usage) && JSON.stringify(classifyUsage(service, usageType, unit)) === JSON.stringify(usage);
    }),
    { numRuns: 5000 },
  );
  t.pass('held');
});

t.test('the region is the billing code before the first dash', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...BILLING_CODES), anyText, anyService, (code, rest, service) => {
      return classifyUsage(service, `${code}-${rest}`).region === regionFromCode(code);
    }),
  );
  t.pass('held');
});

t.test('any known region code with any well-formed runtime meter parses', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...BILLING_CODES), runtimeModel, fc.constantFrom(...RUNTIME_METERS), (code, model, [meter, direction]) => {
      const usage = classifyUsage('Amazon Bedrock', `${code}-${model}-${meter}`);
      return (
        usage.kind === 'tokens' &&
        usage.region === regionFromCode(code) &&
        usage.region !== code &&
        usage.model === modelSlug(model) &&
        usage.model !== '' &&
        usage.direction === direction &&
        usage.tier === 'standard' &&
        usage.route === 'regional' &&
        usage.tokensPerUnit === 1000
      );
    }),
    { numRuns: 2000 },
  );
  t.pass('held');
});

t.test('a future region code is kept as is', async (t) => {
  const futureCode = fc.stringMatching(/^[A-Z]{2,4}\d{0,2}$/).filter((code) => !BILLING_CODES.includes(code));
  fc.assert(
    fc.property(futureCode, fc.constantFrom(...RUNTIME_METERS), (code, [meter]) => {
      const usage = classifyUsage('Amazon Bedrock', `${code}-NovaPro-${meter}`);
      return usage.region === code && usage.kind === 'tokens';
    }),
  );
  t.pass('held');
});

t.test('runtime qualifiers in any order give the same result', async (t) => {
  fc.assert(
    fc.property(
      runtimeModel,
      fc.constantFrom(...RUNTIME_METERS),
      fc.shuffledSubarray(RUNTIME_QUALIFIERS),
      (model, [meter, direction], qualifiers) => {
        const canonical = classifyUsage('Amazon Bedrock', ['USE1', model, meter, ...[...qualifiers].sort()].join('-'));
        const shuffled = classifyUsage('Amazon Bedrock', ['USE1', model, meter, ...qualifiers].join('-'));
        const tiers = qualifiers.filter((q) => !['cross-region-global', 'long-context', '1-hour'].includes(q)).map((q) => q.replace('-', '_'));
        return (
          JSON.stringify(shuffled) === JSON.stringify(canonical) &&
          shuffled.kind === 'tokens' &&
          shuffled.direction === direction &&
          (tiers.length === 0 ? shuffled.tier === 'standard' : tiers.includes(shuffled.tier)) &&
          shuffled.route === (qualifiers.includes('cross-region-global') ? 'global' : 'regional')
        );
      },
    ),
    { numRuns: 2000 },
  );
  t.pass('held');
});

t.test('mantle qualifiers in any order give the same result', async (t) => {
  fc.assert(
    fc.property(
      mantleModel,
      fc.constantFrom(...MANTLE_METERS),
      fc.shuffledSubarray(['long-ctx', 'global']),
      fc.constantFrom([], ['5m'], ['30m'], ['1h']),
      fc.constantFrom('standard', 'flex', 'priority', 'batch'),
      (model, [meter, direction], flags, ttl, tier) => {
        const inGrammarOrder = ['USE1', model, 'mantle', meter, ...ttl, ...['long-ctx', 'global'].filter((f) => flags.includes(f)), tier];
        const canonical = classifyUsage('Amazon Bedrock', inGrammarOrder.join('-'));
        const shuffled = classifyUsage('Amazon Bedrock', ['USE1', model, 'mantle', meter, tier, ...flags, ...ttl].join('-'));
        return (
          JSON.stringify(shuffled) === JSON.stringify(canonical) &&
          shuffled.kind === 'tokens' &&
          shuffled.model === modelSlug(model) &&
          shuffled.direction === direction &&
          shuffled.tier === tier &&
          shuffled.route === (flags.includes('global') ? 'global' : 'regional')
        );
      },
    ),
    { numRuns: 2000 },
  );
  t.pass('held');
});

t.test('Marketplace dimension words in any order give the same result', async (t) => {
  const service = 'Claude Sonnet 4.6 (Amazon Bedrock Edition)';
  fc.assert(
    fc.property(
      fc.constantFrom(['input', 'tokens'], ['output', 'tokens'], ['cache', 'read', 'tokens'], ['cache', 'write', 'tokens']),
      fc.shuffledSubarray(['global', 'batch', '1h']),
      fc.boolean(),
      (meter, qualifiers, camel) => {
        const words = [...meter, ...qualifiers];
        const dimension = (list: string[]): string =>
          camel ? list.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('_') : list.join('_');
        const canonical = classifyUsage(service, `USE1-MP:USE1_${dimension([...meter, ...[...qualifiers].sort()])}-Units`);
        const shuffled = classifyUsage(service, `USE1-MP:USE1_${dimension(words)}-Units`);
        return (
          JSON.stringify(shuffled) === JSON.stringify(canonical) &&
          shuffled.kind === 'tokens' &&
          shuffled.model === 'claude-sonnet-4.6' &&
          shuffled.tokensPerUnit === 1e6 &&
          shuffled.tier === (qualifiers.includes('batch') ? 'batch' : 'standard') &&
          shuffled.route === (qualifiers.includes('global') ? 'global' : 'regional')
        );
      },
    ),
  );
  t.pass('held');
});
