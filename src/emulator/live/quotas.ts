// Service Quotas for the emulator's organization (AWS JSON 1.1, ListServiceQuotas): Bedrock's quotas
// per model in every account and region, named as AWS names them, in its two generations of wording.
// Written by hand like the model ids: the exporter's parser reads these names, it never made them.
import { nextTokenPage } from '../page-token.js';
import { hashKeys } from '../random.js';
import type { JsonObject } from '../request.js';
import { ServiceError } from '../service-error.js';

interface Named {
  /** The model's name in quota names. */
  name: string;
  /** Named in the newer wording ('model inference') rather than the older ('InvokeModel'). */
  newer: boolean;
  /** Has global cross-Region profiles, and so a global quota. */
  global: boolean;
}

/** By the catalogue's model (live/callers.ts MODEL_IDS). */
export const QUOTA_MODEL_NAMES: Readonly<Record<string, Named>> = {
  'claude-sonnet-4.6': { name: 'Anthropic Claude Sonnet 4.6', newer: true, global: true },
  'claude-sonnet-4.5': { name: 'Anthropic Claude Sonnet 4.5 V1', newer: false, global: true },
  'claude-sonnet-4': { name: 'Anthropic Claude Sonnet 4 V1', newer: false, global: true },
  'claude-opus-4.8': { name: 'Anthropic Claude Opus 4.8', newer: true, global: true },
  'claude-opus-4.7': { name: 'Anthropic Claude Opus 4.7', newer: true, global: true },
  'claude-opus-4.6': { name: 'Anthropic Claude Opus 4.6 V1', newer: true, global: true },
  'claude-haiku-4.5': { name: 'Anthropic Claude Haiku 4.5', newer: true, global: true },
  'claude-haiku-3.5': { name: 'Anthropic Claude 3.5 Haiku', newer: false, global: false },
  'nova-pro': { name: 'Amazon Nova Pro', newer: false, global: false },
  'nova-lite': { name: 'Amazon Nova Lite', newer: false, global: false },
  'nova-micro': { name: 'Amazon Nova Micro', newer: false, global: false },
  'nova-2-lite': { name: 'Amazon Nova 2 Lite', newer: true, global: true },
  'qwen3-32b': { name: 'Qwen3 32B', newer: true, global: false },
  'gpt-oss-120b': { name: 'OpenAI GPT OSS 120B', newer: true, global: false },
  'llama3.1-405b': { name: 'Meta Llama 3.1 405B Instruct', newer: false, global: false },
  'llama3.3-70b': { name: 'Meta Llama 3.3 70B Instruct', newer: false, global: false },
  'mistral-large-3-675b': { name: 'Mistral Large 3 675B Instruct', newer: true, global: false },
};

/** AWS's default tokens a minute per scope, before an account's own factor. */
const ON_DEMAND_TPM = 200_000;
const CROSS_REGION_TPM = 400_000;
const GLOBAL_TPM = 800_000;
/** Some accounts asked for more, some got less. */
const FACTORS = [0.5, 1, 1, 2, 5];
const PAGE = 100;

interface Quota {
  QuotaName: string;
  Value: number;
}

/** Every Bedrock quota of `account` in `region`, in a stable order. */
export function bedrockQuotas(account: string, region: string): Quota[] {
  const quotas: Quota[] = [];
  for (const [model, { name, newer, global }] of Object.entries(QUOTA_MODEL_NAMES)) {
    const factor = FACTORS[hashKeys(account, region, model) % FACTORS.length]!;
    const onDemand = ON_DEMAND_TPM * factor;
    quotas.push(
      { QuotaName: `On-demand ${newer ? 'model inference' : 'InvokeModel'} tokens per minute for ${name}`, Value: onDemand },
      { QuotaName: `${newer ? 'Cross-region model inference' : 'Cross-Region InvokeModel'} tokens per minute for ${name}`, Value: CROSS_REGION_TPM * factor },
      { QuotaName: `${newer ? 'Cross-region model inference' : 'Cross-Region InvokeModel'} requests per minute for ${name}`, Value: CROSS_REGION_TPM / 1000 },
      { QuotaName: `Model invocation max tokens per day for ${name}`, Value: onDemand * 1440 },
    );
    if (global) quotas.push({ QuotaName: `Global cross-Region model inference tokens per minute for ${name}`, Value: GLOBAL_TPM * factor });
    if (model === 'claude-sonnet-4.5') quotas.push({ QuotaName: `Cross-region model inference tokens per minute for ${name} 1M Context Length`, Value: CROSS_REGION_TPM / 2 });
  }
  quotas.push({ QuotaName: 'Batch inference job size (in GB) for Amazon Nova Pro', Value: 5 });
  return quotas;
}

/** ListServiceQuotas for the caller's account and region, `MaxResults` a page. */
export function listServiceQuotas(body: JsonObject, call: { account: string; region: string }): JsonObject {
  if (body.ServiceCode !== 'bedrock') throw new ServiceError('NoSuchResourceException', `The request failed because the specified service ${String(body.ServiceCode)} does not exist.`);
  const size = typeof body.MaxResults === 'number' ? body.MaxResults : PAGE;
  if (!Number.isInteger(size) || size < 1 || size > PAGE) throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${PAGE}`);
  const invalid = 'InvalidPaginationTokenException';
  const { page, nextToken } = nextTokenPage('ListServiceQuotas', body, bedrockQuotas(call.account, call.region), size, { invalid, changed: invalid });
  const quotas = page.map((quota) => {
    const code = `L-${(hashKeys(quota.QuotaName) >>> 0).toString(16).toUpperCase().padStart(8, '0').slice(-8)}`;
    return {
      ServiceCode: 'bedrock',
      ServiceName: 'Amazon Bedrock',
      QuotaArn: `arn:aws:servicequotas:${call.region}:${call.account}:bedrock/${code}`,
      QuotaCode: code,
      QuotaName: quota.QuotaName,
      Value: quota.Value,
      Unit: 'None',
      Adjustable: true,
      GlobalQuota: false,
    };
  });
  return { Quotas: quotas, ...(nextToken !== undefined ? { NextToken: nextToken } : {}) };
}
