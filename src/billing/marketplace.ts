// Marketplace grammar: '<RC>-MP:<RC>_<dimension>-Units'. The dimension never names the model (it comes
// from the SERVICE); it comes as CamelCase ('CacheReadInputTokenCount_Global') or snake_case
// ('cache_write_tokens_1h_global_standard'), read here as a set of words.
import { readQualifiers } from './token-meters.js';
import type { Direction, Parsed } from './usage-type.js';

/** Classifies what follows 'MP:' ('USE1_InputTokenCount_Global-Units'). */
export function classifyMarketplace(afterMp: string): Parsed {
  const dimension = afterMp.replace(/^[A-Z]{2,4}\d{0,2}_/, '').replace(/-Units?$/i, '');
  const words = (dimension.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+[a-z]*/g) ?? []).map((word) => word.toLowerCase());
  const has = (...any: string[]): boolean => any.some((word) => words.includes(word));

  if (has('reserved') || has('tpm')) {
    return {
      kind: 'reserved_capacity',
      direction: has('input') ? 'input' : has('output') ? 'output' : '',
      route: has('global') ? 'global' : has('geo') ? 'geo' : 'regional',
      fallbackUnit: 'tpm_hours',
    };
  }
  if (has('provisioned')) return { kind: 'provisioned_throughput', unit: 'model_unit_hours' };
  if (has('searchunits') || (has('search') && has('units'))) return { kind: 'rerank', unit: 'search_units' };
  if (has('cache') && has('storage')) return { kind: 'other', unit: 'token_hours' };
  if (has('cache') && has('validation')) return { kind: 'other', unit: 'validations' };
  if (has('token') || has('tokens')) return tokens(words);
  const length = words.find((word) => LENGTHS.has(word));
  if (length !== undefined && has('video', 'audio')) {
    // Media billed by its length: made ('OutputVideoSeconds') or read, to embed or understand it ('inputVideoSecond').
    if (has('output') && has('video')) return { kind: 'video_generation', unit: LENGTHS.get(length) as string };
    if (has('input')) return { kind: 'other', unit: LENGTHS.get(length) as string };
  }
  if (has('image') || has('images')) return { kind: 'image_generation', unit: 'images' };
  return { kind: 'unknown' };
}

const LENGTHS = new Map([['second', 'seconds'], ['seconds', 'seconds'], ['minute', 'minutes'], ['minutes', 'minutes']]);

// Cache words first: 'CacheReadInputTokenCount' also contains 'Input'.
function tokens(words: readonly string[]): Parsed {
  const qualifiers = readQualifiers(words);
  const direction = directionOf(words);
  if (qualifiers === undefined || direction === undefined) return { kind: 'unknown' };
  return { kind: 'tokens', direction, ...qualifiers, tokenScale: 1e6 };
}

function directionOf(words: readonly string[]): Direction | undefined {
  // OpenAI's listings say 'cached input' for what others call a cache read.
  if (words.includes('cached') && words.includes('input')) return 'cache_read';
  if (words.includes('cache')) {
    if (words.includes('read')) return 'cache_read';
    if (words.includes('write')) return 'cache_write';
    return undefined;
  }
  if (words.includes('input')) return 'input';
  if (words.includes('output')) return 'output';
  return undefined;
}
