/*
 * Hand-written catalogue of real Bedrock usage types (from test/fixtures/billing/usage-types.tsv and
 * bedrock-billing.md) with the labels a person reads off them. This is the ground truth the
 * exporter's parser is tested against, so it is written out by hand and never computed.
 * Prices are USD per unit of UsageQuantity: Price List values where the sources give one,
 * plausible neighbours otherwise.
 */
import type { RecordType, Truth } from './dataset.js';


/** The usage type the emulator makes up on purpose (after a region code), which no grammar knows. */
export const MADE_UP_USAGE_TYPE = 'Bedrock-Quantum-Widgets';
export type Size = 'tiny' | 'small' | 'demo' | 'large';

/** How an entry's usage evolves over the history (relative to the data set's `today`). */
export type Lifecycle =
  | 'always'
  /** Billed on this path only for the last 90 days (the model moved here from Marketplace). */
  | 'moved-in'
  /** Billed on this path until 60 days ago (the model moved away). */
  | 'moved-out'
  /** First appears mid-way through the current month. */
  | 'new-this-month';

export interface CatalogueEntry {
  /** `{RC}` stands for the region billing code. */
  usageType: string;
  service: string;
  unit: string;
  price: number;
  truth: Truth;
  /** Billing codes where it is used; the first is its home region. */
  regions: readonly string[];
  /** The smallest data-set size that includes it. */
  from: Size;
  /** Typical daily spend in USD of one account around `today` (growth runs backwards from there). */
  dailySpend: number;
  /** A constant daily quantity instead of spend-driven usage (provisioned capacity, model-unit hours). */
  fixedDailyQuantity?: number;
  /** Growth factor per year in the default scenario. */
  yearlyGrowth?: number;
  /** Takes part in the one-day spike. */
  spike?: boolean;
  lifecycle?: Lifecycle;
  recordType?: RecordType;
}

const BEDROCK = 'Amazon Bedrock';
const BEDROCK_SERVICE = 'Amazon Bedrock Service';
const AGENTCORE = 'Amazon Bedrock AgentCore';
const SONNET_MP = 'Claude Sonnet 4.6 (Amazon Bedrock Edition)';
const OPUS_MP = 'Claude Opus 4.7 (Amazon Bedrock Edition)';
const RERANK_MP = 'Cohere Rerank v3.5 (Amazon Bedrock Edition)';
const SD_MP = 'Stable Diffusion 3.5 Large v1.0 (Amazon Bedrock Edition)';

const K_TOKENS = '1K tokens';
const MP_UNITS = 'Units';

function tokens(model: string, provider: string, direction: string, tier = 'standard', route = 'regional', tokensPerUnit = 1000): Truth {
  return { model, provider, kind: 'tokens', direction, tier, route, tokensPerUnit };
}

function nonToken(kind: string, model = '', provider = ''): Truth {
  return { model, provider, kind, direction: '', tier: '', route: '', tokensPerUnit: 0 };
}

const MP_TOKENS = 1_000_000;
const WIDE = ['USE1', 'USW2', 'EU', 'APS3', 'EUC1', 'APN1', 'USE2'];
const US_EU = ['USE1', 'USW2', 'EU', 'EUC1', 'USE2'];

export const CATALOGUE: readonly CatalogueEntry[] = [
  // Claude billed by AWS under "Amazon Bedrock Service": runtime grammar.
  { usageType: '{RC}-Claude4.6Sonnet-input-tokens', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0033,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'input'), regions: ['USE1', 'EU', 'APS3', 'USW2', 'EUC1', 'APN1'], from: 'tiny',
    dailySpend: 40, yearlyGrowth: 6, lifecycle: 'moved-in' },
  { usageType: '{RC}-Claude4.6Sonnet-output-tokens', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0165,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'output'), regions: ['USE1', 'EU', 'APS3', 'USW2', 'EUC1', 'APN1'], from: 'tiny',
    dailySpend: 60, yearlyGrowth: 6, lifecycle: 'moved-in' },
  { usageType: '{RC}-Claude4.6Sonnet-cache-read-input-token-count', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.00033,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'cache_read'), regions: ['USE1', 'EU', 'USW2', 'APN1'], from: 'small',
    dailySpend: 8, yearlyGrowth: 6, lifecycle: 'moved-in' },
  { usageType: '{RC}-Claude4.6Sonnet-output-tokens-cross-region-global', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.015,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'output', 'standard', 'global'), regions: ['USE1', 'USW2', 'EU'], from: 'demo',
    dailySpend: 20, yearlyGrowth: 6, lifecycle: 'moved-in' },
  { usageType: '{RC}-Claude4.5Sonnet-cache-write-input-token-count', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.004125,
    truth: tokens('claude-sonnet-4.5', 'anthropic', 'cache_write'), regions: ['USW2', 'USE1', 'EU'], from: 'demo', dailySpend: 6 },
  { usageType: '{RC}-Claude4.6Opus-input-tokens-cross-region-global', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.005,
    truth: tokens('claude-opus-4.6', 'anthropic', 'input', 'standard', 'global'), regions: ['USE1', 'USW2', 'EU', 'APN1'], from: 'small',
    dailySpend: 30 },
  { usageType: '{RC}-Claude4.6Opus-cache-read-input-token-count-cross-region-global', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0005,
    truth: tokens('claude-opus-4.6', 'anthropic', 'cache_read', 'standard', 'global'), regions: ['USE1', 'USW2', 'EU'], from: 'demo',
    dailySpend: 5 },
  { usageType: '{RC}-Claude4.6Opus-output-tokens', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0275,
    truth: tokens('claude-opus-4.6', 'anthropic', 'output'), regions: ['USW2', 'USE1', 'EUC1'], from: 'demo', dailySpend: 25 },
  { usageType: '{RC}-Claude4.5Haiku-input-tokens-cross-region-global', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.001,
    truth: tokens('claude-haiku-4.5', 'anthropic', 'input', 'standard', 'global'), regions: US_EU, from: 'small', dailySpend: 10 },
  { usageType: '{RC}-Claude4.5Haiku-output-tokens-cross-region-global', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.005,
    truth: tokens('claude-haiku-4.5', 'anthropic', 'output', 'standard', 'global'), regions: US_EU, from: 'demo', dailySpend: 15 },
  { usageType: '{RC}-Claude4Sonnet-input-tokens-cross-region-global-batch', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0015,
    truth: tokens('claude-sonnet-4', 'anthropic', 'input', 'batch', 'global'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 5 },
  // Claude on the OpenAI-compatible endpoint: mantle grammar.
  { usageType: '{RC}-anthropic.claude-haiku-4-5-mantle-input-tokens-standard', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.0011,
    truth: tokens('claude-haiku-4.5', 'anthropic', 'input'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 4 },
  { usageType: '{RC}-anthropic.claude-opus-4-8-mantle-input-tokens-global-standard', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.005,
    truth: tokens('claude-opus-4.8', 'anthropic', 'input', 'standard', 'global'), regions: ['USW2', 'USE1'], from: 'demo', dailySpend: 12 },
  { usageType: '{RC}-anthropic.claude-opus-4-8-mantle-cache-write-tokens-standard', service: BEDROCK_SERVICE, unit: K_TOKENS, price: 0.006875,
    truth: tokens('claude-opus-4.8', 'anthropic', 'cache_write'), regions: ['USW2', 'USE1'], from: 'demo', dailySpend: 6 },

  // First-party models under "Amazon Bedrock".
  { usageType: '{RC}-Claude3-5Haiku-input-tokens-latency-optimized', service: BEDROCK, unit: K_TOKENS, price: 0.001,
    truth: tokens('claude-haiku-3.5', 'anthropic', 'input', 'latency_optimized'), regions: ['USE2', 'USE1'], from: 'demo', dailySpend: 3 },
  { usageType: '{RC}-NovaPro-input-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0008,
    truth: tokens('nova-pro', 'amazon', 'input'), regions: WIDE, from: 'tiny', dailySpend: 10 },
  { usageType: '{RC}-NovaPro-output-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0032,
    truth: tokens('nova-pro', 'amazon', 'output'), regions: WIDE, from: 'small', dailySpend: 12 },
  { usageType: '{RC}-NovaPro-input-tokens-batch', service: BEDROCK, unit: K_TOKENS, price: 0.0004,
    truth: tokens('nova-pro', 'amazon', 'input', 'batch'), regions: ['USE1', 'APN1', 'EU'], from: 'demo', dailySpend: 3 },
  { usageType: '{RC}-NovaPro-cache-read-input-token-count', service: BEDROCK, unit: K_TOKENS, price: 0.0002,
    truth: tokens('nova-pro', 'amazon', 'cache_read'), regions: ['USE1', 'EU'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-Nova2.0Lite-input-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0003,
    truth: tokens('nova-2-lite', 'amazon', 'input'), regions: WIDE, from: 'small', dailySpend: 5, yearlyGrowth: 4 },
  { usageType: '{RC}-Nova2.0Lite-output-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0025,
    truth: tokens('nova-2-lite', 'amazon', 'output'), regions: WIDE, from: 'small', dailySpend: 8, yearlyGrowth: 4 },
  { usageType: '{RC}-Nova2.0Lite-input-tokens-cross-region-global', service: BEDROCK, unit: K_TOKENS, price: 0.0003,
    truth: tokens('nova-2-lite', 'amazon', 'input', 'standard', 'global'), regions: ['EU', 'USE1', 'APS3'], from: 'demo', dailySpend: 3,
    yearlyGrowth: 4 },
  { usageType: '{RC}-Nova2.0Lite-input-tokens-flex', service: BEDROCK, unit: K_TOKENS, price: 0.00015,
    truth: tokens('nova-2-lite', 'amazon', 'input', 'flex'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 2 },
  { usageType: '{RC}-NovaMicro-input-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.000035,
    truth: tokens('nova-micro', 'amazon', 'input'), regions: ['APS3', 'USE2', 'USE1'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-NovaLite-output-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.00024,
    truth: tokens('nova-lite', 'amazon', 'output'), regions: ['APS3', 'USE1', 'EU'], from: 'demo', dailySpend: 1.5 },
  { usageType: '{RC}-Qwen3-32B-input-tokens-flex', service: BEDROCK, unit: K_TOKENS, price: 0.000075,
    truth: tokens('qwen3-32b', 'qwen', 'input', 'flex'), regions: ['APS3', 'USE1'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-Qwen3-32B-output-tokens-priority', service: BEDROCK, unit: K_TOKENS, price: 0.00105,
    truth: tokens('qwen3-32b', 'qwen', 'output', 'priority'), regions: ['USE1', 'APS3'], from: 'demo', dailySpend: 2 },
  { usageType: '{RC}-qwen.qwen3-32b-mantle-input-tokens-standard', service: BEDROCK, unit: K_TOKENS, price: 0.00015,
    truth: tokens('qwen3-32b', 'qwen', 'input'), regions: ['USE1', 'APS3', 'EU'], from: 'small', dailySpend: 2 },
  { usageType: '{RC}-qwen.qwen3-32b-mantle-output-tokens-batch', service: BEDROCK, unit: K_TOKENS, price: 0.0003,
    truth: tokens('qwen3-32b', 'qwen', 'output', 'batch'), regions: ['USE1', 'APS3'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-openai.gpt-oss-120b-mantle-input-tokens-standard', service: BEDROCK, unit: K_TOKENS, price: 0.00015,
    truth: tokens('gpt-oss-120b', 'openai', 'input'), regions: ['USE1', 'USW2', 'EU'], from: 'small', dailySpend: 3 },
  { usageType: '{RC}-gpt-oss-120b-output-tokens-priority', service: BEDROCK, unit: K_TOKENS, price: 0.00105,
    truth: tokens('gpt-oss-120b', 'openai', 'output', 'priority'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 2 },
  { usageType: '{RC}-Llama3-1-405B-input-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0024,
    truth: tokens('llama3.1-405b', 'meta', 'input'), regions: ['USE1', 'USW2', 'USE2'], from: 'small', dailySpend: 6, spike: true },
  { usageType: '{RC}-Llama3-1-405B-input-tokens-batch', service: BEDROCK, unit: K_TOKENS, price: 0.0012,
    truth: tokens('llama3.1-405b', 'meta', 'input', 'batch'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 2 },
  { usageType: '{RC}-Llama3-3-70B-output-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.00072,
    truth: tokens('llama3.3-70b', 'meta', 'output'), regions: ['USE1', 'USW2', 'USE2'], from: 'demo', dailySpend: 2 },
  { usageType: '{RC}-Mistral-Large-3-675b-Instruct-output-tokens', service: BEDROCK, unit: K_TOKENS, price: 0.0015,
    truth: tokens('mistral-large-3-675b', 'mistral', 'output'), regions: ['USW2', 'EU', 'USE1'], from: 'small', dailySpend: 3 },
  { usageType: '{RC}-Mistral-Large-3-675b-Instruct-input-tokens-flex', service: BEDROCK, unit: K_TOKENS, price: 0.00025,
    truth: tokens('mistral-large-3-675b', 'mistral', 'input', 'flex'), regions: ['USW2', 'EU'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-mistral.mistral-large-3-675b-instruct-mantle-input-tokens-batch', service: BEDROCK, unit: K_TOKENS, price: 0.00025,
    truth: tokens('mistral-large-3-675b', 'mistral', 'input', 'batch'), regions: ['USW2', 'EU'], from: 'demo', dailySpend: 1 },
  // xai.grok-4.3 on mantle is priced per million tokens, and Cost Explorer says so in the unit.
  { usageType: '{RC}-xai.grok-4.3-mantle-input-tokens-standard', service: BEDROCK, unit: '1M tokens', price: 1.25,
    truth: tokens('grok-4.3', 'xai', 'input', 'standard', 'regional', 1_000_000), regions: ['USE1', 'USW2'], from: 'small', dailySpend: 4,
    yearlyGrowth: 10 },
  { usageType: '{RC}-xai.grok-4.3-mantle-output-tokens-standard', service: BEDROCK, unit: '1M tokens', price: 2.5,
    truth: tokens('grok-4.3', 'xai', 'output', 'standard', 'regional', 1_000_000), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 6,
    yearlyGrowth: 10 },
  { usageType: '{RC}-xai.grok-4.3-mantle-cache-read-tokens-standard', service: BEDROCK, unit: '1M tokens', price: 0.3125,
    truth: tokens('grok-4.3', 'xai', 'cache_read', 'standard', 'regional', 1_000_000), regions: ['USE1'], from: 'demo', dailySpend: 1,
    yearlyGrowth: 10 },

  // Non-token first-party usage.
  { usageType: '{RC}-Guardrail-ContentPolicyUnitsConsumed', service: BEDROCK, unit: 'TextUnit', price: 0.00015,
    truth: nonToken('guardrail'), regions: WIDE, from: 'tiny', dailySpend: 3 },
  { usageType: '{RC}-Guardrail-SensitiveInformationPolicyPaidUnitsConsumed', service: BEDROCK, unit: 'TextUnit', price: 0.0001,
    truth: nonToken('guardrail'), regions: ['USE1', 'EU'], from: 'demo', dailySpend: 1 },
  { usageType: '{RC}-Nova2.0Lite-ProvisionedThroughput-NoCommit-ModelUnits', service: BEDROCK, unit: 'Hours', price: 60.5,
    truth: nonToken('provisioned_throughput', 'nova-2-lite', 'amazon'), regions: ['USE1'], from: 'demo', dailySpend: 0,
    fixedDailyQuantity: 8 },
  { usageType: '{RC}-TitanImageGeneratorG1-T2I-1024-Standard', service: BEDROCK, unit: 'Images', price: 0.01,
    truth: nonToken('image_generation', 'titan-image-generator-g1', 'amazon'), regions: ['USE1', 'USW2'], from: 'small', dailySpend: 2 },
  // A usage type no grammar knows: the exporter must keep its cost under kind="unknown".
  { usageType: `{RC}-${MADE_UP_USAGE_TYPE}`, service: BEDROCK, unit: 'Units', price: 0.002,
    truth: nonToken('unknown'), regions: ['USE1', 'EU'], from: 'tiny', dailySpend: 1 },

  // AWS Marketplace listings: one SERVICE per model, and the usage type never names the model.
  { usageType: '{RC}-MP:{RC}_InputTokenCount-Units', service: SONNET_MP, unit: MP_UNITS, price: 3.3,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'input', 'standard', 'regional', MP_TOKENS), regions: ['USE1', 'EUC1', 'USW2'],
    from: 'tiny', dailySpend: 30, lifecycle: 'moved-out' },
  { usageType: '{RC}-MP:{RC}_OutputTokenCount-Units', service: SONNET_MP, unit: MP_UNITS, price: 16.5,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'output', 'standard', 'regional', MP_TOKENS), regions: ['USE1', 'EUC1', 'USW2'],
    from: 'small', dailySpend: 45, lifecycle: 'moved-out' },
  { usageType: '{RC}-MP:{RC}_CacheReadInputTokenCount-Units', service: SONNET_MP, unit: MP_UNITS, price: 0.33,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'cache_read', 'standard', 'regional', MP_TOKENS), regions: ['USE1', 'APN1'],
    from: 'demo', dailySpend: 5, lifecycle: 'moved-out' },
  { usageType: '{RC}-MP:{RC}_CacheWriteInputTokenCount-Units', service: SONNET_MP, unit: MP_UNITS, price: 4.125,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'cache_write', 'standard', 'regional', MP_TOKENS), regions: ['USE1'],
    from: 'demo', dailySpend: 4, lifecycle: 'moved-out' },
  { usageType: '{RC}-MP:{RC}_InputTokenCount_Global-Units', service: SONNET_MP, unit: MP_UNITS, price: 3,
    truth: tokens('claude-sonnet-4.6', 'anthropic', 'input', 'standard', 'global', MP_TOKENS), regions: ['USE1', 'USW2'],
    from: 'demo', dailySpend: 10, lifecycle: 'moved-out' },
  { usageType: '{RC}-MP:{RC}_input_tokens_standard-Units', service: OPUS_MP, unit: MP_UNITS, price: 5.5,
    truth: tokens('claude-opus-4.7', 'anthropic', 'input', 'standard', 'regional', MP_TOKENS), regions: ['USE1', 'EUC1'],
    from: 'tiny', dailySpend: 25, lifecycle: 'new-this-month' },
  { usageType: '{RC}-MP:{RC}_input_tokens_global_standard-Units', service: OPUS_MP, unit: MP_UNITS, price: 5,
    truth: tokens('claude-opus-4.7', 'anthropic', 'input', 'standard', 'global', MP_TOKENS), regions: ['USE1'],
    from: 'demo', dailySpend: 15, lifecycle: 'new-this-month' },
  { usageType: '{RC}-MP:{RC}_cache_write_tokens_1h_standard-Units', service: OPUS_MP, unit: MP_UNITS, price: 11,
    truth: tokens('claude-opus-4.7', 'anthropic', 'cache_write', 'standard', 'regional', MP_TOKENS), regions: ['USE1'],
    from: 'demo', dailySpend: 5, lifecycle: 'new-this-month' },
  { usageType: '{RC}-MP:{RC}_search_units-Units', service: RERANK_MP, unit: MP_UNITS, price: 0.002,
    truth: nonToken('rerank', 'cohere-rerank-v3.5', 'cohere'), regions: ['USE1', 'USW2'], from: 'small', dailySpend: 2,
    recordType: 'Other' },
  { usageType: '{RC}-MP:{RC}_Created_image-Units', service: SD_MP, unit: MP_UNITS, price: 0.08,
    truth: nonToken('image_generation', 'stable-diffusion-3.5-large', 'stability'), regions: ['USE1', 'USW2'], from: 'demo', dailySpend: 4,
    recordType: 'Other' },

  // AgentCore.
  { usageType: '{RC}-Runtime:Consumption-based:vCPU', service: AGENTCORE, unit: 'vCPU-Hours', price: 0.0895,
    truth: nonToken('agentcore'), regions: ['USE1', 'USW2', 'EU'], from: 'small', dailySpend: 3 },
];

export function usageTypeIn(entry: CatalogueEntry, regionCode: string): string {
  return entry.usageType.replaceAll('{RC}', regionCode);
}
