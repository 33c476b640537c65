import type { Direction } from './usage-type.js';

export interface Qualifiers {
  tier: string;
  route: string;
}

// Multi-word qualifiers are matched before their words; TTLs and context length carry no label.
const QUALIFIERS: ReadonlyMap<string, { tier?: string; route?: string }> = new Map([
  ['standard', { tier: 'standard' }],
  ['batch', { tier: 'batch' }],
  ['flex', { tier: 'flex' }],
  ['priority', { tier: 'priority' }],
  ['latency-optimized', { tier: 'latency_optimized' }],
  ['custom-model', { tier: 'custom_model' }],
  ['cross-region-global', { route: 'global' }],
  ['global', { route: 'global' }],
  ['cross-region-geo', { route: 'geo' }],
  ['geo', { route: 'geo' }],
  ['long-context', {}],
  ['long-ctx', {}],
  ['1-hour', {}],
  ['5m', {}],
  ['30m', {}],
  ['1h', {}],
]);
const LONGEST_QUALIFIER_WORDS = 3;

// One label per usage type however the qualifiers are ordered: the first tier of this list wins.
const TIER_PRECEDENCE = ['priority', 'flex', 'batch', 'latency_optimized', 'custom_model', 'standard'];
const ROUTE_PRECEDENCE = ['global', 'geo', 'regional'];

/**
 * A qualifier written with the model instead of after the meter, as one CamelCase word
 * ('Llama3-1-70B-LatencyOptimized'): the model without it, and the qualifier's words.
 */
export function qualifierInModel(model: string): { model: string; words: string[] } | undefined {
  const dash = model.lastIndexOf('-');
  const last = model.slice(dash + 1);
  const words = last.replace(/([a-z])(?=[A-Z])/g, '$1-').toLowerCase();
  if (dash <= 0 || !/^[A-Z]/.test(last) || !QUALIFIERS.has(words)) return undefined;
  return { model: model.slice(0, dash), words: words.split('-') };
}

/**
 * Reads qualifier words as a set. Unknown words are skipped so that a new qualifier does not lose the
 * tokens; a 'per' (as in 'tokens-per-minute') makes it a rate, not a token count: undefined.
 */
export function readQualifiers(words: readonly string[]): Qualifiers | undefined {
  const tiers = new Set<string>();
  const routes = new Set<string>(['regional']);
  for (let i = 0; i < words.length; ) {
    let length = Math.min(LONGEST_QUALIFIER_WORDS, words.length - i);
    let qualifier = QUALIFIERS.get(words.slice(i, i + length).join('-'));
    while (qualifier === undefined && length > 1) {
      length -= 1;
      qualifier = QUALIFIERS.get(words.slice(i, i + length).join('-'));
    }
    if (qualifier === undefined && words[i] === 'per') return undefined;
    if (qualifier?.tier !== undefined) tiers.add(qualifier.tier);
    if (qualifier?.route !== undefined) routes.add(qualifier.route);
    i += length;
  }
  return {
    tier: TIER_PRECEDENCE.find((tier) => tiers.has(tier)) ?? 'standard',
    route: ROUTE_PRECEDENCE.find((route) => routes.has(route)) as string,
  };
}

const MODALITY = 'text|speech|image|audio|video';
// input-tokens, cache-read-input-token-count, speech-input-tokens, input-audio-token-count, cache-write-tokens,
// speech-understanding-input-token (Nova Sonic)...
const METER = `(?:(?:${MODALITY})(?:-understanding|-generation)?-)?(input|output|cache-read|cache-write)(?:-(?:input|${MODALITY}))*-(?:tokens?|token-count)`;
const RUNTIME_METER = new RegExp(`-${METER}(?=-|$)`);
const LEADING_METER = new RegExp(`^${METER}(?=-|$)`);

export interface TokenMeter {
  /** What comes before the meter (the model, for the runtime grammar). */
  before: string;
  direction: Direction;
  /** Qualifier words after the meter. */
  after: string[];
}

/** The first token meter inside a runtime usage type ('<Model>-<meter>[-<qualifier>...]'). */
export function findTokenMeter(text: string): TokenMeter | undefined {
  const match = RUNTIME_METER.exec(text);
  if (match === null) return undefined;
  return meter(text.slice(0, match.index), match[1] as string, text.slice(match.index + match[0].length));
}

/** A token meter at the start of text (mantle: '<meter>[-5m|-30m|-1h][-long-ctx][-global]-<tier>'). */
export function leadingTokenMeter(text: string): TokenMeter | undefined {
  const match = LEADING_METER.exec(text);
  if (match === null) return undefined;
  return meter('', match[1] as string, text.slice(match[0].length));
}

function meter(before: string, direction: string, rest: string): TokenMeter {
  return { before, direction: direction.replace('-', '_') as Direction, after: rest.split('-').filter((w) => w !== '') };
}
