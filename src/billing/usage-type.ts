// Cost Explorer (SERVICE, USAGE_TYPE, unit) -> labels. Pure; never throws; memoising is the caller's job.
// Grammar: docs/bedrock-billing.md sections 2 to 4.
import { classifyAgentCore, isAgentCore } from './agentcore.js';
import { classifyFirstParty } from './first-party.js';
import { classifyMarketplace } from './marketplace.js';
import { parseModel, type ModelId } from './models.js';
import { isBillingCode, regionFromCode } from './regions.js';
import { tokenScaleOf, unitLabelOf } from './units.js';

export type Kind =
  | 'tokens'
  | 'guardrail'
  | 'provisioned_throughput'
  | 'customization'
  | 'custom_model_import'
  | 'image_generation'
  | 'video_generation'
  | 'data_automation'
  | 'rerank'
  | 'web_search'
  | 'agentcore'
  | 'reserved_capacity'
  | 'other'
  | 'unknown';

export type Direction = 'input' | 'output' | 'cache_read' | 'cache_write';

export interface UsageClass {
  /** Stable lowercase slug; '' when the usage type names no model (guardrails, web search...). */
  model: string;
  /** 'anthropic', 'amazon', ...; 'unknown' for a model of unknown provider; '' when no model. */
  provider: string;
  /** AWS region name from the billing code ('us-east-1'); an unknown code is kept as is. */
  region: string;
  kind: Kind;
  /** Tokens and reserved capacity only; '' otherwise. */
  direction: Direction | '';
  /** Tokens only: 'standard' | 'batch' | 'flex' | 'priority' | 'latency_optimized' | 'custom_model'; '' otherwise. */
  tier: string;
  /** Tokens and reserved capacity: 'regional' | 'global' | 'geo'; '' otherwise. */
  route: string;
  /** UsageQuantity x tokensPerUnit = tokens; 0 when kind !== 'tokens'. */
  tokensPerUnit: number;
  /** 'tokens' for tokens; otherwise a snake_case unit label, never empty. */
  unit: string;
}

/** What a grammar recognised in a usage type; classifyUsage adds the region and the unit. */
export type Parsed = TokenParse | ReservedParse | FeatureParse;

interface TokenParse {
  kind: 'tokens';
  model?: ModelId;
  direction: Direction;
  tier: string;
  route: string;
  /** Tokens per unit by the grammar, used when Cost Explorer's unit string states no scale. */
  tokenScale: number;
}

interface ReservedParse extends NonTokenUnit {
  kind: 'reserved_capacity';
  model?: ModelId;
  direction: Direction | '';
  route: string;
}

interface FeatureParse extends NonTokenUnit {
  kind: Exclude<Kind, 'tokens' | 'reserved_capacity'>;
  model?: ModelId;
}

interface NonTokenUnit {
  /** The unit the grammar states ('' or absent when it states none). */
  unit?: string;
  /** The unit when neither the grammar nor Cost Explorer states one. */
  fallbackUnit?: string;
}

const MARKETPLACE_SERVICE = /\(Amazon Bedrock Edition\)\s*$/i;
const NO_MODEL: ModelId = { slug: '', provider: '' };

/** '<Model name> (Amazon Bedrock Edition)': a Marketplace listing, billed one SERVICE per model. */
export function isMarketplaceService(service: string): boolean {
  return MARKETPLACE_SERVICE.test(textOf(service));
}

export function classifyUsage(service: string, usageType: string, quantityUnit?: string): UsageClass {
  const serviceText = textOf(service);
  const usage = textOf(usageType).trim();
  const dash = usage.indexOf('-');
  const code = dash < 0 ? usage : usage.slice(0, dash);
  const rest = dash < 0 ? '' : usage.slice(dash + 1);
  // A Marketplace usage type never names the model: it comes from the SERVICE, even when unparsed.
  const serviceModel = isMarketplaceService(serviceText) ? parseModel(serviceText) : NO_MODEL;
  if (!isBillingCode(code)) return toUsageClass('', { kind: 'unknown', model: serviceModel }, textOf(quantityUnit));

  let parsed: Parsed;
  if (rest.startsWith('MP:')) parsed = { ...classifyMarketplace(rest.slice('MP:'.length)), model: serviceModel };
  else if (isAgentCore(serviceText, rest)) parsed = classifyAgentCore(rest);
  else parsed = classifyFirstParty(rest);
  if (parsed.kind === 'unknown') parsed = { ...parsed, model: serviceModel };
  return toUsageClass(regionFromCode(code), parsed, textOf(quantityUnit));
}

function toUsageClass(region: string, parsed: Parsed, quantityUnit: string): UsageClass {
  const { slug: model, provider } = parsed.model ?? NO_MODEL;
  const base = { model, provider, region, kind: parsed.kind };
  switch (parsed.kind) {
    case 'tokens': {
      const { direction, tier, route } = parsed;
      return { ...base, direction, tier, route, tokensPerUnit: tokenScaleOf(quantityUnit) ?? parsed.tokenScale, unit: 'tokens' };
    }
    case 'reserved_capacity': {
      const { direction, route } = parsed;
      return { ...base, direction, tier: '', route, tokensPerUnit: 0, unit: unitOf(parsed, quantityUnit) };
    }
    default:
      return { ...base, direction: '', tier: '', route: '', tokensPerUnit: 0, unit: unitOf(parsed, quantityUnit) };
  }
}

// The grammar's unit, else Cost Explorer's, else the grammar's fallback: never empty.
function unitOf(parsed: NonTokenUnit, quantityUnit: string): string {
  return parsed.unit || unitLabelOf(quantityUnit) || parsed.fallbackUnit || 'units';
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
