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

  /** This poll's failures of one kind of read: each warns unless it failed last poll too; a key absent has recovered. */
  poll(kind: string, failures: readonly PollFailure[]): void {
    const before = this.#failing.get(kind);
    for (const { key, error, message } of failures) {
      if (!before?.has(key)) this.#logger.warn({ err: error }, `${message}: ${oneLine(error)}`);
    }
    this.#failing.set(kind, new Set(failures.map(({ key }) => key)));
  }
}
