// Seeded, stable randomness: the same seed and the same keys always give the same numbers.

/** A mulberry32 generator: fast, 32-bit state, good enough for synthetic data and fault dice. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the joined keys: a stable 32-bit hash. */
export function hashKeys(...keys: Array<string | number>): number {
  let hash = 0x811c9dc5;
  const text = keys.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 1) fixed by a hash and an index alone, so lazily generated data never depends on call order. */
export function unitAt(hash: number, index: number): number {
  return seededRandom((hash ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)();
}
