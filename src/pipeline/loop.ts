import { oneLine } from '../errors.js';
import type { RefreshTiming } from '../sources/source.js';

// The background refresh of a source of data, as yet-another-cloudwatch-exporter does it: refresh at
// once, then every interval with jitter, sooner with backoff after a failure; never two at once; a
// deadline per refresh; and the status a person reads on the landing page.

export interface RefreshStatus {
  refreshing: boolean;
  consecutiveFailures: number;
  lastAttemptAt?: Date;
  lastSuccessAt?: Date;
  lastError?: string;
  nextRefreshAt?: Date;
}

/** Exponential backoff with "equal jitter": between half and all of min(max, base * 2^(failures-1)). */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(ceiling * (0.5 + random / 2));
}

export interface RefreshLoopOptions {
  timing: RefreshTiming;
  /** One refresh; throws when it did not fully succeed. */
  run: (signal: AbortSignal) => Promise<void>;
  onScheduled?: (delayMs: number, failures: number) => void;
  clock?: () => Date;
  random?: () => number;
}

export class RefreshLoop {
  readonly status: RefreshStatus = { refreshing: false, consecutiveFailures: 0 };
  readonly #options: RefreshLoopOptions;
  readonly #clock: () => Date;
  readonly #random: () => number;
  readonly #stopping = new AbortController();
  #inFlight: Promise<boolean> | undefined;
  #started = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RefreshLoopOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  /** Runs one refresh (or joins the one under way); resolves to whether it succeeded, never rejects. */
  refresh(): Promise<boolean> {
    this.#inFlight ??= this.#run().finally(() => {
      this.#inFlight = undefined;
      this.status.refreshing = false;
    });
    return this.#inFlight;
  }

  /** Refreshes now, then on schedule; false when already started. */
  start(): boolean {
    if (this.#started) return false;
    this.#started = true;
    const loop = async (): Promise<void> => {
      const ok = await this.refresh();
      if (this.#stopping.signal.aborted) return;
      const delay = ok ? this.#nextInterval() : this.#backoff();
      this.status.nextRefreshAt = new Date(this.#clock().getTime() + delay);
      this.#options.onScheduled?.(delay, this.status.consecutiveFailures);
      this.#timer = setTimeout(() => void loop(), delay);
    };
    void loop();
    return true;
  }

  /** Stops the schedule and abandons the refresh under way. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #nextInterval(): number {
    const { intervalMs, jitter } = this.#options.timing;
    return Math.round(intervalMs * (1 + jitter * (2 * this.#random() - 1)));
  }

  #backoff(): number {
    const { retryBaseMs, retryMaxMs } = this.#options.timing;
    return backoffDelay(this.status.consecutiveFailures, retryBaseMs, retryMaxMs, this.#random());
  }

  async #run(): Promise<boolean> {
    this.status.refreshing = true;
    this.status.lastAttemptAt = this.#clock();
    try {
      await this.#options.run(AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(this.#options.timing.timeoutMs)]));
      this.status.consecutiveFailures = 0;
      this.status.lastSuccessAt = this.#clock();
      delete this.status.lastError;
      return true;
    } catch (error) {
      this.status.consecutiveFailures += 1;
      this.status.lastError = oneLine(error);
      return false;
    }
  }
}
