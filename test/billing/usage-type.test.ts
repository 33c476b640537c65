import t from 'tap';
import { classifyUsage, isMarketplaceService, type UsageClass } from '../../src/billing/usage-type.js';

const BEDROCK = 'Amazon Bedrock';
const BEDROCK_SERVICE = 'Amazon Bedrock Service';
const AGENTCORE = 'Amazon Bedrock AgentCore';

const NOTHING: UsageClass = {
  model: '',
  provider: '',
  region: '',
  kind: 'unknown',
  direction: '',
  tier: '',
  route: '',
  tokensPerUnit: 0,
  unit: 'units',
};

t.test('Marketplace services are recognised by their suffix', async (t) => {
  t.ok(isMarketplaceService('Claude Sonnet 4.6 (Amazon Bedrock Edition)'));
  t.ok(isMarketplaceService('Cohere Rerank v3.5 (Amazon Bedrock Edition) '));
  t.notOk(isMarketplaceService('Amazon Bedrock'));
  t.notOk(isMarketplaceService('Amazon Bedrock Service'));
  t.notOk(isMarketplaceService('(Amazon Bedrock Edition) Claude'));
  t.notOk(isMarketplaceService(undefined as unknown as string));
});

// Strings that are not in the TSV: new regions, qualifier orders, models and dimensions.
t.test('realistic usage types beyond the TSV', async (t) => {
  const cases: ReadonlyArray<readonly [service: string, usageType: string, want: Partial<UsageClass>]> = [
    [BEDROCK_SERVICE, 'MXC1-Claude4.7Opus-output-tokens-batch-cross-region-global',
      { model: 'claude-opus-4.7', provider: 'anthropic', region: 'mx-central-1', kind: 'tokens', direction: 'output', tier: 'batch', route: 'global', tokensPerUnit: 1000, unit: 'tokens' }],
    [BEDROCK, 'APS8-NovaPremier-input-tokens-priority',
      { model: 'nova-premier', provider: 'amazon', region: 'ap-southeast-6', kind: 'tokens', direction: 'input', tier: 'priority', route: 'regional' }],
    [BEDROCK_SERVICE, 'EUS2-Claude5Sonnet-cache-write-input-token-count-1-hour-cross-region-global-flex',
      { model: 'claude-sonnet-5', region: 'eu-south-2', kind: 'tokens', direction: 'cache_write', tier: 'flex', route: 'global' }],
    [BEDROCK_SERVICE, 'EUN1-anthropic.claude-sonnet-5-mantle-cache-write-tokens-30m-long-ctx-global-priority',
      { model: 'claude-sonnet-5', provider: 'anthropic', region: 'eu-north-1', kind: 'tokens', direction: 'cache_write', tier: 'priority', route: 'global' }],
    [BEDROCK, 'USE2-google.gemma-3-27b-it-mantle-output-tokens-batch',
      { model: 'gemma-3-27b-it', provider: 'google', region: 'us-east-2', kind: 'tokens', direction: 'output', tier: 'batch', route: 'regional' }],
    [BEDROCK, 'USE1-acme.foo-2-mantle-input-tokens-flex',
      { model: 'acme-foo-2', provider: 'acme', kind: 'tokens', direction: 'input', tier: 'flex' }],
    [BEDROCK, 'APS10-NovaLite-output-tokens', { model: 'nova-lite', region: 'APS10', kind: 'tokens', direction: 'output' }],
    [BEDROCK, 'CAN2-DeepSeek-V3.2-input-tokens', { model: 'deepseek-v3.2', provider: 'deepseek', region: 'ca-west-1', kind: 'tokens' }],
    [BEDROCK, 'USE1-deepseek.v3.2-mantle-output-tokens-standard', { model: 'deepseek-v3.2', provider: 'deepseek', kind: 'tokens', direction: 'output' }],
    [BEDROCK, 'USE1-Llama3-2-11B-input-tokens-batch', { model: 'llama3.2-11b', provider: 'meta', tier: 'batch' }],
    [BEDROCK, 'USE1-Nova2.0Sonic-output-audio-token-count', { model: 'nova-2-sonic', kind: 'tokens', direction: 'output' }],
    [BEDROCK, 'USE1-NovaPro-video-input-tokens', { model: 'nova-pro', kind: 'tokens', direction: 'input' }],
    [BEDROCK, 'EU-Qwen3-Coder-480B-A35B-Instruct-input-tokens', { model: 'qwen3-coder-480b-a35b', provider: 'qwen', region: 'eu-west-1' }],
    [BEDROCK, 'USE1-xai.grok-5-mantle-input-tokens-standard', { model: 'grok-5', provider: 'xai', kind: 'tokens' }],
    ['Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_cache_read_tokens_global_batch-Units',
      { model: 'claude-opus-5', provider: 'anthropic', kind: 'tokens', direction: 'cache_read', tier: 'batch', route: 'global', tokensPerUnit: 1e6 }],
    ['Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_output_tokens_geo_priority-Units',
      { kind: 'tokens', direction: 'output', tier: 'priority', route: 'geo' }],
    ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'APS3-MP:APS3_CacheWrite1hInputTokenCount_Global_Batch-Units',
      { model: 'claude-haiku-4.5', region: 'ap-south-1', kind: 'tokens', direction: 'cache_write', tier: 'batch', route: 'global' }],
    ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_MillionBatchInputTokens-Units',
      { kind: 'tokens', direction: 'input', tier: 'batch', route: 'regional', tokensPerUnit: 1e6 }],
    ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputTokenCount_Flex-Units', { kind: 'tokens', direction: 'output', tier: 'flex' }],
    ['Stable Image Ultra (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputImageCount-Units',
      { model: 'stable-image-ultra', provider: 'stability', kind: 'image_generation', unit: 'images', direction: '' }],
    ['Claude Opus 5 (Amazon Bedrock Edition)', 'EU-MP:EU_Reserved_6Month_OutputTPM_Global-Units',
      { model: 'claude-opus-5', region: 'eu-west-1', kind: 'reserved_capacity', direction: 'output', route: 'global', tier: '', tokensPerUnit: 0 }],
    ['Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_ProvisionedThroughput_6MonthCommit_ModelUnits_Usage',
      { kind: 'provisioned_throughput', unit: 'model_unit_hours' }],
    ['Cohere Rerank v4 (Amazon Bedrock Edition)', 'USE1-MP:USE1_SearchUnits-Units', { model: 'cohere-rerank-v4', kind: 'rerank', unit: 'search_units' }],
    ['TwelveLabs Marengo Embed 3.0 (Amazon Bedrock Edition)', 'USE1-MP:USE1_inputVideoSecond-Units',
      { model: 'marengo-embed-3', provider: 'twelvelabs', kind: 'other', unit: 'seconds' }],
    ['TwelveLabs Marengo Embed 3.0 (Amazon Bedrock Edition)', 'USW2-MP:USW2_InputAudioMinutes-Units', { kind: 'other', unit: 'minutes' }],
    ['Luma Ray 3 (Amazon Bedrock Edition)', 'USW2-MP:USW2_OutputVideoSeconds-Units', { provider: 'unknown', kind: 'video_generation', unit: 'seconds' }],
    [BEDROCK, 'USE1-openai.gpt-oss-120b-reserved-6-month-output-tokens-per-minute-cross-region-global',
      { model: 'gpt-oss-120b', provider: 'openai', kind: 'reserved_capacity', direction: 'output', route: 'global', unit: 'thousand_tpm_hours' }],
    [BEDROCK, 'USE1-NovaPro-reserved-1-month-model-units', { model: 'nova-pro', kind: 'reserved_capacity', direction: '', route: 'regional' }],
    [BEDROCK, 'USE1-NovaPro-reserved-3-month-input-tokens-per-minute-cross-region-geo',
      { model: 'nova-pro', kind: 'reserved_capacity', direction: 'input', route: 'geo' }],
    ['Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_Reserved_1Month_TPM-Units',
      { kind: 'reserved_capacity', direction: '', route: 'regional', unit: 'tpm_hours' }],
    [BEDROCK, 'USE1-NovaCanvas-T2I-2048-Premium', { model: 'nova-canvas', provider: 'amazon', kind: 'image_generation', unit: 'images' }],
    [BEDROCK, 'USE1-NovaReel-T2V-720p-Seconds', { model: 'nova-reel', kind: 'video_generation', unit: 'seconds' }],
    [BEDROCK, 'USE1-NovaReel1.1-MultiShot', { model: 'nova-reel1.1', kind: 'video_generation', unit: 'seconds' }],
    [BEDROCK, 'USE1-NovaReel-T2V-Medfps-HDRes', { model: 'nova-reel', kind: 'video_generation', unit: 'seconds' }],
    [BEDROCK, 'USE1-Llama3-1-70B-LatencyOptimized-input-tokens',
      { model: 'llama3.1-70b', provider: 'meta', kind: 'tokens', direction: 'input', tier: 'latency_optimized', route: 'regional', tokensPerUnit: 1000 }],
    [BEDROCK, 'USE1-Llama3-1-70B-LatencyOptimized-output-tokens-batch', { model: 'llama3.1-70b', direction: 'output', tier: 'batch' }],
    ['OpenAI GPT-5.1 (Amazon Bedrock Edition)', 'USE1-MP:USE1_cached_input_tokens_global_standard-Units',
      { model: 'gpt-5.1', provider: 'openai', kind: 'tokens', direction: 'cache_read', tier: 'standard', route: 'global', tokensPerUnit: 1e6 }],
    [BEDROCK, 'USE1-LumaRay-I2V-540p', { model: 'luma-ray', kind: 'video_generation' }],
    [BEDROCK, 'USE1-GuardrailChecks-PromptAttackCheckUnitsConsumed', { model: '', provider: '', kind: 'guardrail', unit: 'text_units' }],
    [BEDROCK, 'USE1-Guardrails-ContextualGroundingPolicyUnitsConsumed', { kind: 'guardrail' }],
    [AGENTCORE, 'USE1-Memory:Consumption-based:ShortTermEvents', { model: '', kind: 'agentcore', unit: 'short_term_events' }],
    [AGENTCORE, 'USW2-Browser:Consumption-based:Memory', { region: 'us-west-2', kind: 'agentcore', unit: 'gb_hours' }],
    [BEDROCK, 'USE1-TitanEmbeddingsG1-Multimodal-input-image', { model: 'titan-embeddings-g1-multimodal', kind: 'other', unit: 'images' }],
    [BEDROCK, 'USE1-NovaMultiModalEmbeddings-input-video-seconds', { model: 'nova-multimodal-embeddings', kind: 'other', unit: 'seconds' }],
    [BEDROCK, 'EUC2-Nova2.0Pro-ProvisionedThroughput-6month-ModelUnits', { model: 'nova-2-pro', region: 'eu-central-2', kind: 'provisioned_throughput' }],
    [BEDROCK, 'USE1-Qwen3-32B-SFT-Training-Hours', { model: 'qwen3-32b', kind: 'customization', unit: 'hours' }],
    [BEDROCK, 'USE1-NovaPro-Distillation-Training', { model: 'nova-pro', kind: 'customization', unit: 'thousand_tokens' }],
    [BEDROCK, 'USE1-Llama3-3-70B-Customization-Storage', { model: 'llama3.3-70b', kind: 'customization', unit: 'model_months' }],
    [BEDROCK, 'USE1-Mistral-CustomModelImport-Inference-v3:0', { model: 'mistral', provider: 'mistral', kind: 'custom_model_import', unit: 'cmu_minutes' }],
    [BEDROCK, 'USE1-amazon.rerank-v1-search-units', { model: 'amazon-rerank-v1', provider: 'amazon', kind: 'rerank' }],
    [BEDROCK, 'USE1-Bedrock-WebSearch-Queries', { model: '', kind: 'web_search', unit: 'queries' }],
    [BEDROCK, 'USE1-Nova2.0Pro-nova-grounding', { model: 'nova-2-pro', provider: 'amazon', kind: 'web_search' }],
    [BEDROCK, 'USE1-gpt-oss-120b-grounding', { model: 'gpt-oss-120b', kind: 'web_search' }],
  ];
  for (const [service, usageType, want] of cases) t.hasStrict(classifyUsage(service, usageType), want, usageType);
});

t.test('the same model by runtime, mantle and Marketplace paths', async (t) => {
  const slugs = [
    classifyUsage(BEDROCK_SERVICE, 'USE1-Claude4.6Sonnet-input-tokens'),
    classifyUsage(BEDROCK_SERVICE, 'USE1-anthropic.claude-sonnet-4-6-mantle-input-tokens-standard'),
    classifyUsage('Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount-Units'),
  ].map((usage) => usage.model);
  t.same(slugs, ['claude-sonnet-4.6', 'claude-sonnet-4.6', 'claude-sonnet-4.6']);
});

t.test('a scale stated by Cost Explorer wins over the grammar default', async (t) => {
  const runtime = (unit?: string): number => classifyUsage(BEDROCK, 'USE1-NovaPro-input-tokens', unit).tokensPerUnit;
  const marketplace = (unit?: string): number =>
    classifyUsage('Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount-Units', unit).tokensPerUnit;
  for (const unit of ['1K tokens', '1K Tokens', '1,000 tokens', '1000 Input Tokens', 'Thousand tokens']) {
    t.equal(marketplace(unit), 1000, unit);
  }
  for (const unit of ['1M tokens', '1M Input Tokens', '1,000,000 tokens', 'Million Input Tokens', 'million tokens']) {
    t.equal(runtime(unit), 1e6, unit);
  }
  for (const unit of ['Tokens', 'token', ' tokens ']) t.equal(runtime(unit), 1, unit);
  for (const unit of [undefined, '', 'Units', 'N/A', 'Count', 'Requests', '1K TPM Hour', 'K tokens']) {
    t.equal(runtime(unit), 1000, String(unit));
    t.equal(marketplace(unit), 1e6, String(unit));
  }
});

t.test('non-token units: the grammar, else Cost Explorer, else a default', async (t) => {
  const unit = (service: string, usageType: string, quantityUnit?: string): string =>
    classifyUsage(service, usageType, quantityUnit).unit;
  t.equal(unit(BEDROCK, 'USE1-Guardrail-WordPolicyUnitsConsumed', 'TextUnit'), 'text_units', 'grammar first');
  t.equal(unit(AGENTCORE, 'USE1-Knowledge-Base:Consumption-based:Storage', 'GB-Month'), 'gb_month');
  t.equal(unit(AGENTCORE, 'USE1-Knowledge-Base:Consumption-based:Storage'), 'storage');
  t.equal(unit(AGENTCORE, 'USE1-Runtime:Consumption-based:vCPU', 'vCPU-Hours'), 'vcpu_hours');
  t.equal(unit(AGENTCORE, 'USE1-Gateway:Consumption-based:API-Invocations'), 'api_invocations');
  t.equal(unit(AGENTCORE, 'USE1-Evaluations:Consumption-based:BuiltIn-Input:Tier1', '1M Input Tokens'), 'million_input_tokens');
  t.equal(unit(AGENTCORE, 'USE1-Gateway:Consumption-based:', 'N/A'), 'units');
  t.equal(unit(BEDROCK, 'USE1-DataAutomation-Standard-AudioMinutesProcessed'), 'audio_minutes');
  t.equal(unit(BEDROCK, 'USE1-DataAutomation-Standard-Documents', 'Documents'), 'documents');
  t.equal(unit(BEDROCK, 'USE1-DataAutomation-Standard-Documents'), 'units');
  t.equal(unit(BEDROCK, 'USE1-NovaReel-T2V-720p', 'Videos'), 'videos');
  t.equal(unit('Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_Reserved_1Month_InputTPM-Units', '1M TPM Hour'), 'million_tpm_hour');
  t.equal(unit('Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_Reserved_1Month_InputTPM-Units', '1K TPM Hour'), 'thousand_tpm_hour');
  t.equal(unit('Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_Reserved_1Month_InputTPM-Units'), 'tpm_hours');
  t.equal(unit(BEDROCK, 'USE1-SomethingNew', 'Hours'), 'hours', 'unknown usage keeps the Cost Explorer unit');
  t.equal(unit(BEDROCK, 'USE1-SomethingNew', 'N/A'), 'units');
  t.equal(unit(BEDROCK, 'USE1-NovaPro-input-tokens', 'Hours'), 'tokens');
});

t.test('qualifiers: a set, lenient with new ones, one tier by precedence', async (t) => {
  const usage = (usageType: string): Partial<UsageClass> => {
    const { kind, direction, tier, route } = classifyUsage(BEDROCK, usageType);
    return { kind, direction, tier, route };
  };
  t.same(usage('USE1-NovaPro-input-tokens-turbo'), { kind: 'tokens', direction: 'input', tier: 'standard', route: 'regional' });
  t.same(usage('USE1-NovaPro-input-tokens-turbo-batch-x2'), { kind: 'tokens', direction: 'input', tier: 'batch', route: 'regional' });
  t.same(usage('USE1-NovaPro-output-tokens-standard'), { kind: 'tokens', direction: 'output', tier: 'standard', route: 'regional' });
  t.same(usage('USE1-NovaPro-input-tokens-cross-region-geo'), { kind: 'tokens', direction: 'input', tier: 'standard', route: 'geo' });
  t.same(usage('USE1-NovaPro-input-tokens-geo-cross-region-global'), { kind: 'tokens', direction: 'input', tier: 'standard', route: 'global' });
  t.equal(usage('USE1-NovaLite-input-tokens-custom-model-batch').tier, 'batch');
  t.equal(usage('USE1-NovaLite-input-tokens-batch-custom-model').tier, 'batch');
  t.equal(usage('USE1-NovaLite-input-tokens-flex-priority').tier, 'priority');
  t.equal(usage('USE1-openai.gpt-oss-120b-mantle-input-tokens-global').tier, 'standard', 'mantle tier defaults to standard');
  t.equal(usage('USE1-openai.gpt-oss-120b-mantle-input-tokens-1h-latency-optimized').tier, 'latency_optimized');
});

t.test('never guess tokens', async (t) => {
  const kind = (service: string, usageType: string): string => classifyUsage(service, usageType).kind;
  t.equal(kind(BEDROCK, 'USE1-NovaPro-input-tokens-per-minute'), 'unknown', 'a rate is not a count');
  t.equal(kind(BEDROCK, 'USE1-NovaPro-input-tokens-per-second-batch'), 'unknown');
  t.equal(kind(BEDROCK, 'USE1-openai.gpt-5-mantle-input-tokens-per-minute-standard'), 'unknown');
  t.equal(kind(BEDROCK, 'USE1-openai.gpt-5-mantle-requests-standard'), 'unknown');
  t.equal(kind(BEDROCK, 'USE1-input-tokens'), 'unknown', 'no model');
  t.equal(kind(BEDROCK, 'USE1-...-input-tokens'), 'unknown', 'nothing usable as a model');
  t.equal(kind(BEDROCK, 'USE1-NovaPro-Input-Tokens'), 'unknown', 'meters are lower case');
  t.equal(kind(BEDROCK, 'USE1-NovaPro-inference-hours'), 'unknown');
  const mp = 'Claude Opus 5 (Amazon Bedrock Edition)';
  t.equal(kind(mp, 'USE1-MP:USE1_InputTokensPerMinute-Units'), 'unknown');
  t.equal(kind(mp, 'USE1-MP:USE1_CacheTokenCount-Units'), 'unknown', 'a cache token with no read or write');
  t.equal(kind(mp, 'USE1-MP:USE1_TokenCount-Units'), 'unknown', 'tokens with no direction');
  t.equal(kind(mp, 'USE1-MP:USE1_SomethingNew-Units'), 'unknown');
  t.equal(kind(mp, 'USE1-MP:USE1_OutputAudioSeconds-Units'), 'unknown', 'audio made: speech, music? not guessed');
  t.equal(kind(mp, 'USE1-MP:USE1_VideoMinutes-Units'), 'unknown', 'media length with no direction');
  t.equal(kind(mp, 'USE1-MP:USE1_InputVideoCount-Units'), 'unknown', 'media with no length');
  t.equal(kind(mp, 'USE1-MP:USE1_-Units'), 'unknown', 'no dimension');
  t.equal(kind(mp, 'USE1-MP:'), 'unknown');
});

t.test('what cannot be parsed keeps the region, and the model only from a Marketplace SERVICE', async (t) => {
  t.same(classifyUsage(BEDROCK, 'USE1-SomethingNew-Foo'), { ...NOTHING, region: 'us-east-1' });
  t.same(classifyUsage(BEDROCK, 'USE1'), { ...NOTHING, region: 'us-east-1' });
  t.same(classifyUsage(BEDROCK, 'ZZZ9-Something'), { ...NOTHING, region: 'ZZZ9' });
  t.same(classifyUsage(BEDROCK, 'NovaPro-input-tokens'), NOTHING, 'no billing code, no region');
  t.same(classifyUsage(BEDROCK, ''), NOTHING);
  t.same(classifyUsage('', '   '), NOTHING);
  t.same(classifyUsage('Claude Opus 5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_Whatever-Units'), {
    ...NOTHING,
    region: 'us-east-1',
    model: 'claude-opus-5',
    provider: 'anthropic',
  });
  t.same(classifyUsage('Claude Opus 5 (Amazon Bedrock Edition)', 'garbage'), { ...NOTHING, model: 'claude-opus-5', provider: 'anthropic' });
  t.same(classifyUsage(BEDROCK, 'USE1-MP:USE1_InputTokenCount-Units'), {
    ...NOTHING,
    region: 'us-east-1',
    kind: 'tokens',
    direction: 'input',
    tier: 'standard',
    route: 'regional',
    tokensPerUnit: 1e6,
    unit: 'tokens',
  }, 'a Marketplace usage type under another SERVICE has no model');
  t.same(classifyUsage(' (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount-Units').model, '');
});

t.test('Marketplace usage types whatever their inner code', async (t) => {
  const service = 'Claude Opus 5 (Amazon Bedrock Edition)';
  t.hasStrict(classifyUsage(service, 'EU-MP:EU_OutputTokenCount-Units'), { region: 'eu-west-1', kind: 'tokens', direction: 'output' });
  t.hasStrict(classifyUsage(service, 'USE1-MP:InputTokenCount-Units'), { region: 'us-east-1', kind: 'tokens', direction: 'input' });
  t.hasStrict(classifyUsage(service, 'USE1-MP:USE1_output_tokens_standard'), { kind: 'tokens', direction: 'output' });
});

t.test('AgentCore by shape or by service; the colon of CustomModelImport is not AgentCore', async (t) => {
  t.hasStrict(classifyUsage(BEDROCK, 'USE1-Runtime:Consumption-based:vCPU'), { kind: 'agentcore', model: '' });
  t.hasStrict(classifyUsage(AGENTCORE, 'USE1-SomethingElse', 'Requests'), { kind: 'agentcore', unit: 'requests' });
  t.hasStrict(classifyUsage(AGENTCORE, 'USE1-SomethingElse'), { kind: 'agentcore', unit: 'units' });
  t.hasStrict(classifyUsage(BEDROCK, 'USE1-Llama-CustomModelImport-Inference-v1:0'), { kind: 'custom_model_import', model: 'llama' });
});

t.test('never throws on values that are not strings', async (t) => {
  const odd = [undefined, null, 42, {}, [], Symbol('x')] as unknown as string[];
  for (const value of odd) {
    t.same(classifyUsage(value, value, value), NOTHING);
    t.notOk(isMarketplaceService(value));
  }
});
