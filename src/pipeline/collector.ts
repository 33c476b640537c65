import type { Config } from '../config.js';
import type { Ledger } from '../cost-explorer/ledger.js';
import { loadLedger, saveLedger } from '../cost-explorer/ledger-file.js';
import { oneLine } from '../errors.js';
import type { Logger } from '../log.js';
import type { HealthMetrics } from '../metrics/health.js';
import { buildSnapshot, type Snapshot } from './snapshot.js';
import { Pacer } from '../pacer.js';
import type { Contribution, Source } from '../sources/source.js';
import { dayOf } from '../time.js';
import { collect, windowOf } from './collect.js';
import { RefreshLoop, type RefreshStatus } from './loop.js';

export interface CollectorOptions {
  sources: readonly Source[];
  ledger: Ledger;
  health: HealthMetrics;
  logger: Logger;
  collection: Pick<Config['collection'], 'lookbackDays' | 'settleDays' | 'accountBreakdown'>;
  refresh: Config['refresh'];
  clock?: () => Date;
  random?: () => number;
  /** Where settled days are kept across restarts (ledger.file). */
  ledgerFile?: string | undefined;
}

export interface CollectorStatus extends RefreshStatus {
  /** The Bedrock services the sources read. */
  services: string[];
}

/**
 * What `serve` runs in the background: every source refreshed on the loop's schedule, and the
 * snapshot swapped in whole. Readers see the previous snapshot until a refresh has finished; a source
 * that fails keeps its last good series in the new one, so it never blanks the others.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #clock: () => Date;
  readonly #loop: RefreshLoop;
  readonly #contributions = new Map<string, Contribution>();
  readonly #plans = new Map<string, string>();
  #services: string[] = [];
  #snapshot: Snapshot | undefined;
  #savedRevision = 0;

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#loop = new RefreshLoop({
      timing: options.refresh,
      run: (signal) => this.#refresh(signal),
      onScheduled: (delayMs, failures) => options.logger.debug({ delayMs, failures }, 'next refresh scheduled'),
      clock: this.#clock,
      ...(options.random ? { random: options.random } : {}),
    });
  }

  get snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  get status(): CollectorStatus {
    return { ...this.#loop.status, services: this.#services };
  }

  /** Runs one refresh (or joins the one under way); resolves to whether every source succeeded, never rejects. */
  refresh(): Promise<boolean> {
    return this.#loop.refresh();
  }

  start(): boolean {
    return this.#loop.start();
  }

  /** Stops the loop, abandoning the refresh under way, and saves what it had read and not yet saved. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#persist();
  }

  /** Loads the settled days a previous run saved; a file that is not intact is ignored with a warning. */
  async restore(): Promise<void> {
    const { ledgerFile: file, ledger, logger } = this.#options;
    if (!file) return;
    try {
      const days = await loadLedger(file, ledger);
      this.#savedRevision = ledger.revision;
      if (days > 0) logger.info({ file, days }, 'restored settled days from the ledger file');
    } catch (error) {
      logger.warn({ file, err: error }, `ignoring the ledger file, it will be rewritten: ${oneLine(error)}`);
    }
  }

  /** Saves the ledger when it holds settled days the file lacks, even from a refresh that failed part-way. */
  async #persist(): Promise<void> {
    const { ledgerFile: file, ledger, logger } = this.#options;
    const revision = ledger.revision;
    if (!file || revision === this.#savedRevision) return;
    try {
      const days = await saveLedger(file, ledger);
      this.#savedRevision = revision;
      logger.debug({ file, days }, 'saved the ledger file');
    } catch (error) {
      logger.warn({ file, err: error }, `could not save the ledger file: ${oneLine(error)}`);
    }
  }

  async #refresh(signal: AbortSignal): Promise<void> {
    const { sources, ledger, health, logger, collection } = this.#options;
    const started = performance.now();
    const today = dayOf(this.#clock());
    const outcomes = await collect(sources, windowOf(today, collection.lookbackDays), ledger, {
      today,
      settleDays: collection.settleDays,
      signal,
      onPlan: (source, plan) => {
        if (this.#plans.get(source.name) === plan.description) return;
        this.#plans.set(source.name, plan.description);
        logger.info(
          { source: source.name, queries: plan.queries.length, plan: plan.description, accountBreakdown: collection.accountBreakdown },
          `query plan: ${plan.queries.length} GetCostAndUsage queries per refresh (one paid request per page; settled days are not read again)`,
        );
      },
    });
    const pacer = new Pacer();
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      const source = outcome.source.name;
      if (!outcome.ok) {
        failures.push(outcome.error);
        health.sourceSuccess.set({ source }, 0);
        logger.error({ err: outcome.error, source, failures: this.#loop.status.consecutiveFailures + 1 }, `refresh failed, keeping the last good snapshot: ${oneLine(outcome.error)}`);
        continue;
      }
      this.#contributions.set(source, await outcome.source.contribute(today, outcome.entries, pacer));
      this.#services = outcome.plan.services;
      health.sourceSuccess.set({ source }, 1);
      health.sourceLastSuccess.set({ source }, this.#clock().getTime() / 1000);
    }
    const seconds = (performance.now() - started) / 1000;
    health.refreshDuration.set(seconds);
    if (failures.length < outcomes.length) {
      const snapshot = await buildSnapshot(sources.flatMap((source) => this.#contributions.get(source.name) ?? []), pacer);
      this.#snapshot = snapshot;
      health.unrecognized.set(snapshot.unrecognized.size);
    }
    await this.#persist();
    if (failures.length > 0) {
      health.refreshSuccess.set(0);
      throw failures[0];
    }
    health.refreshSuccess.set(1);
    health.lastSuccess.set(this.#clock().getTime() / 1000);
    logger.info({ seconds: Number(seconds.toFixed(3)), series: this.#snapshot?.series, today }, 'refresh succeeded');
  }
}
