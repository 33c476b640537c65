import { oneLine } from '../../errors.js';
import type { Logger } from '../../log.js';

// A live API that fails (no permission, throttled, down) fails every poll: it warns when it begins to
// fail, once, and again only after it has worked.

/** One failure this poll: what failed (the key it is known by until it recovers), why, and what it costs. */
export interface PollFailure {
  key: string;
  error: unknown;
  message: string;
}

export class WarnOnce {
  readonly #logger: Logger;
  /** Per kind of read, the keys that failed last poll. */
  readonly #failing = new Map<string, ReadonlySet<string>>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * This poll's failures of one kind of read: a key warns once (its first failure) unless it failed
   * last poll too; a key absent has recovered. One key for a whole API is one warning for it.
   */
  poll(kind: string, failures: readonly PollFailure[]): void {
    const before = this.#failing.get(kind);
    const now = new Set<string>();
    for (const { key, error, message } of failures) {
      if (!before?.has(key) && !now.has(key)) this.#logger.warn({ err: error }, `${message}: ${oneLine(error)}`);
      now.add(key);
    }
    this.#failing.set(kind, now);
  }
}
