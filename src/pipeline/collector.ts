import { oneLine } from '../errors.js';
import type { Logger } from '../log.js';
import type { HealthMetrics } from '../metrics/health.js';
import { Pacer } from '../pacer.js';
import type { RefreshTiming, Source } from '../sources/source.js';
import { RefreshLoop, type RefreshStatus } from './loop.js';
import { buildSnapshot, renderContribution, type RenderedContribution, type Snapshot } from './snapshot.js';

export interface CollectorOptions {
  sources: readonly Source[];
  health: HealthMetrics;
  logger: Logger;
  /** The schedule of a source that brings none of its own. */
  refresh: RefreshTiming;
  clock?: () => Date;
  random?: () => number;
}

export interface CollectorStatus extends RefreshStatus {
  /** The Bedrock services the sources read. */
  services: string[];
  /** Each source's own, in the order they were given. */
  sources: SourceStatus[];
}

export interface SourceStatus extends RefreshStatus {
  title: string;
}

/** A source, its loop, and what it last gave, rendered. */
interface Run {
  source: Source;
  loop: RefreshLoop;
  rendered?: RenderedContribution;
  ok: boolean;
  /** Its first refresh has finished, well or not. */
  done: boolean;
  /** Why its refreshes fail, as logged, while they do: the same failure again is not logged again. */
  failing?: string;
  seconds: number;
}

/**
 * What `serve` runs in the background: each source refreshed by a loop of its own, on its own
 * schedule, and the snapshot rebuilt from every source's last good contribution whenever one of them
 * succeeds. Readers see the previous snapshot until then; a source that fails or is slow keeps its
 * last good series in the snapshot and never blanks or delays the others.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #clock: () => Date;
  readonly #runs: Run[];
  #snapshot: Snapshot | undefined;
  #rebuilding: Promise<void> = Promise.resolve();

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#runs = options.sources.map((source) => {
      const run: Run = {
        source,
        ok: false,
        done: false,
        seconds: 0,
        loop: new RefreshLoop({
          timing: source.timing ?? options.refresh,
          run: (signal) => this.#refresh(run, signal),
          onScheduled: (delayMs, failures) => options.logger.debug({ source: source.name, delayMs, failures }, 'next refresh scheduled'),
          clock: this.#clock,
          ...(options.random ? { random: options.random } : {}),
        }),
      };
      return run;
    });
  }

  get snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  /**
   * Every source has finished its first refresh and there is data: what /-/ready reports. Scrapes are
   * served before that (a source never waits for another), but a start is done only then.
   */
  get ready(): boolean {
    return this.#snapshot !== undefined && this.#runs.every((run) => run.done);
  }

  /** Every source's loop in one: the oldest success, the next refresh due, the first error. */
  get status(): CollectorStatus {
    const statuses = this.#runs.map((run) => run.loop.status);
    const times = (pick: (status: RefreshStatus) => Date | undefined) => statuses.map(pick).filter((time) => time !== undefined).sort((a, b) => a.getTime() - b.getTime());
    const failing = this.#runs.find((run) => run.loop.status.lastError !== undefined);
    const status: CollectorStatus = {
      refreshing: statuses.some((s) => s.refreshing),
      consecutiveFailures: Math.max(0, ...statuses.map((s) => s.consecutiveFailures)),
      services: [...new Set(this.#runs.flatMap((run) => run.rendered?.contribution.services ?? []))],
      sources: this.#runs.map((run) => ({ ...run.loop.status, title: run.source.title ?? run.source.name })),
    };
    const lastSuccess = times((s) => s.lastSuccessAt);
    if (lastSuccess.length === statuses.length && statuses.length > 0) status.lastSuccessAt = lastSuccess[0]!;
    const lastAttempt = times((s) => s.lastAttemptAt).at(-1);
    if (lastAttempt) status.lastAttemptAt = lastAttempt;
    const next = times((s) => s.nextRefreshAt)[0];
    if (next) status.nextRefreshAt = next;
    if (failing) status.lastError = this.#runs.length > 1 ? `${failing.source.name}: ${failing.loop.status.lastError}` : failing.loop.status.lastError!;
    return status;
  }

  /** Refreshes every source once (or joins the refreshes under way); resolves to whether all succeeded, never rejects. */
  async refresh(): Promise<boolean> {
    const results = await Promise.all(this.#runs.map((run) => run.loop.refresh()));
    return results.every(Boolean);
  }

  /** Starts every source's loop; false when already started. */
  start(): boolean {
    return this.#runs.map((run) => run.loop.start()).every(Boolean);
  }

  /** Stops every loop, abandoning the refreshes under way. */
  async stop(): Promise<void> {
    await Promise.all(this.#runs.map((run) => run.loop.stop()));
    await this.#rebuilding;
  }

  async #refresh(run: Run, signal: AbortSignal): Promise<void> {
    const { health, logger } = this.#options;
    const source = run.source.name;
    const started = performance.now();
    const pacer = new Pacer();
    try {
      run.rendered = await renderContribution(await run.source.refresh({ now: this.#clock(), signal, pacer }), pacer);
      run.ok = true;
      if (run.failing !== undefined) logger.info({ source }, `refresh works again after: ${run.failing}`);
      delete run.failing;
      health.sourceSuccess.set({ source }, 1);
      health.sourceLastSuccess.set({ source }, this.#clock().getTime() / 1000);
      await this.#rebuild();
    } catch (error) {
      run.ok = false;
      health.sourceSuccess.set({ source }, 0);
      const why = oneLine(error);
      const failures = run.loop.status.consecutiveFailures + 1;
      if (why === run.failing) logger.debug({ err: error, source, failures }, `refresh failed again, keeping the last good series: ${why}`);
      else logger.error({ err: error, source, failures }, `refresh failed, keeping the last good series: ${why}`);
      run.failing = why;
      throw error;
    } finally {
      run.done = true;
      run.seconds = (performance.now() - started) / 1000;
      this.#overall();
    }
    logger.info({ source, seconds: Number(run.seconds.toFixed(3)), series: this.#snapshot?.series }, 'refresh succeeded');
  }

  /** One snapshot from every source's last good contribution; rebuilds run one after another, in the order of the refreshes. */
  #rebuild(): Promise<void> {
    this.#rebuilding = this.#rebuilding.then(async () => {
      const snapshot = await buildSnapshot(this.#runs.flatMap((run) => run.rendered ?? []));
      this.#snapshot = snapshot;
      this.#options.health.unrecognized.set(snapshot.unrecognized.size);
    });
    return this.#rebuilding;
  }

  /** The exporter's own refresh series: every source's latest refresh succeeded, and how long the slowest took. */
  #overall(): void {
    const { health } = this.#options;
    health.refreshDuration.set(Math.max(...this.#runs.map((run) => run.seconds)));
    const ok = this.#runs.every((run) => run.ok);
    health.refreshSuccess.set(ok ? 1 : 0);
    if (ok) health.lastSuccess.set(this.#clock().getTime() / 1000);
  }
}
