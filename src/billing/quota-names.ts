import type { QuotaScope } from './model-ids.js';
import { parseModel } from './models.js';

// Service Quotas names Bedrock's per-model token quotas in words, one per way of calling a model:
// 'On-demand InvokeModel tokens per minute for Anthropic Claude Sonnet 4.5 V1' (in one region),
// 'Cross-Region InvokeModel tokens per minute for ...' or 'Cross-region model inference tokens per
// minute for ...' (a geography's profile), 'Global cross-Region model inference tokens per minute for
// ...'. Read into the scope a call counts against and the model as the bill names it.

export interface TokenQuotaName {
  scope: QuotaScope;
  model: string;
  provider: string;
}

// Input and output quotas of their own ('... model inference input tokens per minute ...', the mantle
// endpoint's) and daily ones do not match: only the combined per-minute quota does.
const NAME = /^(on-demand|cross-region|global cross-region)(?: invokemodel| model inference)? tokens per minute for (.+)$/i;
const SCOPES: Readonly<Record<string, QuotaScope>> = { 'on-demand': 'on_demand', 'cross-region': 'cross_region', 'global cross-region': 'global' };
// A quota of its own for some calls of a model: long-context requests ('... V1 1M Context Length').
const VARIANT = /\b\d+[KM] context length\b/i;
// Notes in brackets: '(Preview)'.
const NOTE = /\s*\([^)]*\)/g;

/** A per-minute token quota's name read, or undefined for any other quota. */
export function parseQuotaName(name: string): TokenQuotaName | undefined {
  const match = NAME.exec(name.trim());
  if (match === null || VARIANT.test(match[2]!)) return undefined;
  const { slug, provider } = parseModel(match[2]!.replace(NOTE, ''));
  if (slug === '') return undefined;
  return { scope: SCOPES[match[1]!.toLowerCase()]!, model: slug, provider };
}
