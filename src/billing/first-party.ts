// First-party grammars of 'Amazon Bedrock' and 'Amazon Bedrock Service' usage types, after the region
// code: runtime and mantle token meters, reserved capacity, and the non-token features.
import { parseModel } from './models.js';
import { findTokenMeter, leadingTokenMeter, qualifierInModel, readQualifiers, type TokenMeter } from './token-meters.js';
import { snakeCase } from './units.js';
import type { Parsed } from './usage-type.js';

type Rule = (rest: string) => Parsed | undefined;

// Order matters: features whose names contain a token meter ('-reserved-...-input-tokens-per-minute')
// or a colon ('-CustomModelImport-Inference-v1:0') come before the token grammars.
const RULES: readonly Rule[] = [
  guardrail,
  dataAutomation,
  webSearch,
  customModelImport,
  reservedCapacity,
  provisionedThroughput,
  customization,
  mantleTokens,
  runtimeTokens,
  rerank,
  grounding,
  imageGeneration,
  videoGeneration,
  otherModelUsage,
];

export function classifyFirstParty(rest: string): Parsed {
  for (const rule of RULES) {
    const parsed = rule(rest);
    if (parsed !== undefined) return parsed;
  }
  return { kind: 'unknown' };
}

/** A rule's result with the model named by `name`, or no match when nothing usable is left of the name. */
function withModel(name: string, parsed: Parsed): Parsed | undefined {
  const model = parseModel(name);
  return model.slug === '' ? undefined : { ...parsed, model };
}

function guardrail(rest: string): Parsed | undefined {
  return /^Guardrails?(?:Checks)?-./.test(rest) ? { kind: 'guardrail', unit: 'text_units' } : undefined;
}

function dataAutomation(rest: string): Parsed | undefined {
  if (!/^DataAutomation-/.test(rest)) return undefined;
  const processed = rest.split('-').find((part) => /^\w+Processed$/.test(part));
  return { kind: 'data_automation', unit: processed === undefined ? '' : snakeCase(processed.slice(0, -'Processed'.length)) };
}

function webSearch(rest: string): Parsed | undefined {
  return /^(?:Bedrock-)?Web-?search(?:-|$)/i.test(rest) ? { kind: 'web_search', unit: 'queries' } : undefined;
}

function customModelImport(rest: string): Parsed | undefined {
  const match = /^(.+?)-CustomModelImport(?:-|$)/.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'custom_model_import', unit: 'cmu_minutes' }) : undefined;
}

// '<Model>-reserved-1-month-input-tokens-per-minute[-cross-region-global]', billed in 1K TPM hours.
function reservedCapacity(rest: string): Parsed | undefined {
  const match = /^(.+?)-reserved-(.+)$/.exec(rest);
  if (!match) return undefined;
  const words = (match[2] as string).split('-');
  const direction = words.includes('input') ? 'input' : words.includes('output') ? 'output' : '';
  const route = words.includes('global') ? 'global' : words.includes('geo') ? 'geo' : 'regional';
  return withModel(match[1] as string, { kind: 'reserved_capacity', direction, route, unit: 'thousand_tpm_hours' });
}

function provisionedThroughput(rest: string): Parsed | undefined {
  const match = /^(.+?)-ProvisionedThroughput(?:-|$)/.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'provisioned_throughput', unit: 'model_unit_hours' }) : undefined;
}

// '-Customization-Training', '-Customization-Storage', '-RFT-Training-Hours' (any method acronym).
function customization(rest: string): Parsed | undefined {
  const match = /^(.+?)-(?:Customization|Distillation|[A-Z]{2,6})-(Training|Storage)(-Hours)?$/.exec(rest);
  if (!match) return undefined;
  const unit = match[3] ? 'hours' : match[2] === 'Storage' ? 'model_months' : 'thousand_tokens';
  return withModel(match[1] as string, { kind: 'customization', unit });
}

const MANTLE = '-mantle-';

/** Usage of the OpenAI-compatible mantle endpoint, whose CloudWatch metrics count no cache tokens. */
export const isMantleUsage = (usageType: string): boolean => usageType.indexOf(MANTLE) > 0;

// '<provider>.<model-id>-mantle-<meter>[-5m|-30m|-1h][-long-ctx][-global]-<tier>'
function mantleTokens(rest: string): Parsed | undefined {
  const at = rest.indexOf(MANTLE);
  if (at <= 0) return undefined;
  const meter = leadingTokenMeter(rest.slice(at + MANTLE.length));
  return meter ? tokens(rest.slice(0, at), meter) : undefined;
}

// '<Model>-<meter>[-<qualifier>...]', qualifiers in any order; one may also be named with the model
// ('Llama3-1-70B-LatencyOptimized-input-tokens').
function runtimeTokens(rest: string): Parsed | undefined {
  const meter = findTokenMeter(rest);
  if (!meter) return undefined;
  const named = qualifierInModel(meter.before);
  return named ? tokens(named.model, { ...meter, after: [...meter.after, ...named.words] }) : tokens(meter.before, meter);
}

function tokens(model: string, meter: TokenMeter): Parsed | undefined {
  const qualifiers = readQualifiers(meter.after);
  if (qualifiers === undefined) return undefined;
  return withModel(model, { kind: 'tokens', direction: meter.direction, ...qualifiers, tokenScale: 1000 });
}

function rerank(rest: string): Parsed | undefined {
  const match = /^(.+?)-search-?units$/i.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'rerank', unit: 'search_units' }) : undefined;
}

// '<Model>-nova-grounding': web grounding billed per query against a model.
function grounding(rest: string): Parsed | undefined {
  const match = /^(.+?)(?:-[a-z]+)?-grounding$/.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'web_search', unit: 'queries' }) : undefined;
}

// '<Model>-T2I-1024-Standard', '<Model>-I2I-...', '<Model>-Custom-T2I-...' (a fine-tuned model of it).
function imageGeneration(rest: string): Parsed | undefined {
  const match = /^(.+?)(?:-Custom)?-[A-Z]{1,2}2I(?:-|$)/.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'image_generation', unit: 'images' }) : undefined;
}

// '<Model>-T2V-...', or anything billed to a Reel model.
function videoGeneration(rest: string): Parsed | undefined {
  const match = /^(.+?)(?:-Custom)?-[A-Z]{1,2}2V(?:-|$)/.exec(rest) ?? /^([^-]*Reel[^-]*)(?:-|$)/.exec(rest);
  if (!match) return undefined;
  // Bedrock prices generated video per second (Nova Reel, Luma Ray); Cost Explorer's unit wins when it names one.
  return withModel(match[1] as string, { kind: 'video_generation', unit: /sec/i.test(rest) ? 'seconds' : '', fallbackUnit: 'seconds' });
}

// Non-token meters of a model: '<Model>-input-audio-second', '<Model>-input-image'.
function otherModelUsage(rest: string): Parsed | undefined {
  const match = /^(.+?)-(?:input|output)-(?!.*token)(?:[a-z]+-)*?(second|minute|hour|image|video|request|character|page)s?$/.exec(rest);
  return match ? withModel(match[1] as string, { kind: 'other', unit: `${match[2] as string}s` }) : undefined;
}
