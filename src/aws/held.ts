// Lists that change seldom (quotas, list prices) are asked of AWS again per region only after a while.

/** Per region, the last answer and when it came: asked again once it is `forMs` old. */
export class HeldByRegion<T> {
  readonly #forMs: number;
  readonly #held = new Map<string, { atMs: number; value: T }>();

  constructor(forMs: number) {
    this.#forMs = forMs;
  }

  /** The region's held answer while it is fresh, else what `read` answers now (held from `now`). */
  async get(region: string, now: Date, read: () => Promise<T>): Promise<T> {
    const held = this.#held.get(region);
    if (held !== undefined && now.getTime() - held.atMs < this.#forMs) return held.value;
    const value = await read();
    this.#held.set(region, { atMs: now.getTime(), value });
    return value;
  }
}
