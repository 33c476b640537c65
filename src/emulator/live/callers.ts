// How the emulator's organization calls Bedrock, as CloudWatch records it: each billed token line item
// is a model invoked with some `ModelId` (a base id, a geography or global system profile, a team's
// application inference profile, with a service-tier suffix), or a mantle model in a project. Written
// by hand like the catalogue: these are the ids AWS publishes, never computed by the exporter's parser.
import type { LineItem, Truth } from '../dataset.js';
import { hashKeys, unitAt } from '../random.js';

/** A base model id per model of the catalogue that is billed by the token. */
export const MODEL_IDS: Readonly<Record<string, string>> = {
  'claude-sonnet-4.6': 'anthropic.claude-sonnet-4-6',
  'claude-sonnet-4.5': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-sonnet-4': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'claude-opus-4.8': 'anthropic.claude-opus-4-8',
  'claude-opus-4.7': 'anthropic.claude-opus-4-7',
  'claude-opus-4.6': 'anthropic.claude-opus-4-6-v1',
  'claude-haiku-4.5': 'anthropic.claude-haiku-4-5-20251001-v1:0',
  'claude-haiku-3.5': 'anthropic.claude-3-5-haiku-20241022-v1:0',
  'nova-pro': 'amazon.nova-pro-v1:0',
  'nova-lite': 'amazon.nova-lite-v1:0',
  'nova-micro': 'amazon.nova-micro-v1:0',
  'nova-2-lite': 'amazon.nova-2-lite-v1:0',
  'qwen3-32b': 'qwen.qwen3-32b-v1:0',
  'gpt-oss-120b': 'openai.gpt-oss-120b-1:0',
  'llama3.1-405b': 'meta.llama3-1-405b-instruct-v1:0',
  'llama3.3-70b': 'meta.llama3-3-70b-instruct-v1:0',
  'mistral-large-3-675b': 'mistral.mistral-large-3-675b-instruct',
};

export const RUNTIME_NAMESPACE = 'AWS/Bedrock';
export const MANTLE_NAMESPACE = 'AWS/BedrockMantle';

/** CloudWatch's token metric per direction, by namespace; a direction without one is not counted there. */
export const TOKEN_METRICS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [RUNTIME_NAMESPACE]: { input: 'InputTokenCount', output: 'OutputTokenCount', cache_read: 'CacheReadInputTokenCount', cache_write: 'CacheWriteInputTokenCount' },
  [MANTLE_NAMESPACE]: { input: 'TotalInputTokens', output: 'TotalOutputTokens' },
};

/** One metric's identity in CloudWatch, less its name. */
export interface Caller {
  account: string;
  region: string;
  namespace: string;
  dimensions: Readonly<Record<string, string>>;
}

// Geography of a system inference profile called from a region.
const GEOGRAPHIES: ReadonlyArray<readonly [prefix: string, geography: string]> = [
  ['us-gov-', 'us-gov'],
  ['us-', 'us'],
  ['ca-', 'us'],
  ['eu-', 'eu'],
  ['ap-', 'apac'],
];
const MANTLE = /^[A-Z0-9]+-([a-z0-9]+\.[a-z0-9.-]+?)-mantle-/;
const TIER_SUFFIXES: Readonly<Record<string, string>> = { flex: '+flex', priority: '+priority' };

/**
 * Who calls a token line item, as CloudWatch sees it; undefined for usage CloudWatch's per-minute
 * metrics do not count (batch jobs, and models or directions without a metric).
 */
export function callerOf(item: LineItem): Caller | undefined {
  const { truth } = item;
  if (item.recordType !== 'Usage' || !seenByCloudWatch(item.usageType, truth)) return undefined;
  const mantle = MANTLE.exec(item.usageType);
  if (mantle !== null) return { account: item.account, region: item.region, namespace: MANTLE_NAMESPACE, dimensions: { Project: 'default', Model: mantle[1]! } };
  const base = MODEL_IDS[truth.model]!;
  const modelId = `${invokedId(item, base)}${TIER_SUFFIXES[truth.tier] ?? ''}`;
  return { account: item.account, region: item.region, namespace: RUNTIME_NAMESPACE, dimensions: { ModelId: modelId } };
}

/** Whether CloudWatch's per-minute metrics count a usage type's tokens: not batch, and a model and direction with a metric. */
export function seenByCloudWatch(usageType: string, truth: Truth): boolean {
  if (truth.kind !== 'tokens' || truth.tier === 'batch') return false;
  if (MANTLE.test(usageType)) return TOKEN_METRICS[MANTLE_NAMESPACE]![truth.direction] !== undefined;
  return MODEL_IDS[truth.model] !== undefined;
}

/** A team calls through its application profile; others call the base id or their geography's profile. */
function invokedId(item: LineItem, base: string): string {
  const team = item.tags?.team;
  if (team !== undefined) return applicationProfileArn(item.region, item.account, team, base, item.truth.route);
  if (item.truth.route === 'global') return `global.${base}`;
  const geography = GEOGRAPHIES.find(([prefix]) => item.region.startsWith(prefix))?.[1];
  const viaProfile = unitAt(hashKeys(item.account, item.region, base), 1) < 0.5;
  return viaProfile && geography !== undefined ? `${geography}.${base}` : base;
}

/** The ARN of the application inference profile a team made for a model (over a global profile for route global). */
export function applicationProfileArn(region: string, account: string, team: string, base: string, route: string): string {
  const id = `${hashKeys(account, region, team, base, route).toString(36)}${hashKeys(team, base, route, region, account).toString(36)}`;
  return `arn:aws:bedrock:${region}:${account}:application-inference-profile/${id.padStart(12, '0').slice(-12)}`;
}
