import type { Config } from './config.js';
import type { CostSource } from './cost-explorer/client.js';
import { dayEntries, type DayEntry, type Ledger } from './cost-explorer/ledger.js';
import { loadLedger, saveLedger } from './cost-explorer/ledger-file.js';
import { describePlan, planQueries, type PlannedQuery } from './cost-explorer/plan.js';
import type { Logger } from './log.js';
import type { HealthMetrics } from './metrics/health.js';
import { buildSnapshot, memoizedClassifier, type Snapshot } from './metrics/snapshot.js';
import { addDays, dayOf, eachDay, monthStart, type Day } from './time.js';

export interface CollectorOptions {
  source: CostSource;
  ledger: Ledger;
  health: HealthMetrics;
  logger: Logger;
  collection: Config['collection'];
  refresh: Config['refresh'];
  clock?: () => Date;
  random?: () => number;
  /** Where settled days are kept across restarts (ledger.file). */
  ledgerFile?: string | undefined;
}

export interface RefreshStatus {
  refreshing: boolean;
  consecutiveFailures: number;
  lastAttemptAt?: Date;
  lastSuccessAt?: Date;
  lastError?: string;
  nextRefreshAt?: Date;
  services: string[];
}

/** Days the snapshot is built from: the current month, yesterday (also on the 1st) and any lookback. */
export function windowOf(today: Day, lookbackDays: number): { start: Day; end: Day } {
  const candidates = [monthStart(today), addDays(today, -1), addDays(today, -lookbackDays)];
  return { start: candidates.reduce((a, b) => (a < b ? a : b)), end: addDays(today, 1) };
}

/** Exponential backoff with "equal jitter": between half and all of min(max, base * 2^(failures-1)). */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(ceiling * (0.5 + random / 2));
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string };
  if (e?.name === 'CredentialsProviderError') {
    return 'no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role';
  }
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  // The SDK appends advice on further lines; the status and the landing page show one line.
  return `${name}${e?.message ?? String(error)}`.split('\n')[0]!;
}

/**
 * Refreshes the snapshot from Cost Explorer in the background, never two at once, and swaps it in
 * whole: readers see the previous snapshot until a refresh has fully succeeded.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #clock: () => Date;
  readonly #random: () => number;
  readonly #classify = memoizedClassifier();
  readonly #reportedUnknown = new Set<string>();
  #snapshot: Snapshot | undefined;
  #inFlight: Promise<boolean> | undefined;
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #stopping = new AbortController();
  #services: { names: string[]; at: number } | undefined;
  #lastPlan = '';
  readonly status: RefreshStatus = { refreshing: false, consecutiveFailures: 0, services: [] };

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  get snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  /** Loads the settled days a previous run saved; a file that is not intact is ignored with a warning. */
  async restore(): Promise<void> {
    const { ledgerFile: file, ledger, logger } = this.#options;
    if (!file) return;
    try {
      const days = await loadLedger(file, ledger);
      logger.info({ file, days }, 'restored settled days from the ledger file');
    } catch (error) {
      logger.warn({ file, err: error }, `ignoring the ledger file, it will be rewritten: ${(error as Error).message}`);
    }
  }

  async #persist(newlySettled: number): Promise<void> {
    const { ledgerFile: file, ledger, logger } = this.#options;
    if (!file || newlySettled === 0) return;
    try {
      const days = await saveLedger(file, ledger);
      logger.debug({ file, days }, 'saved the ledger file');
    } catch (error) {
      logger.warn({ file, err: error }, `could not save the ledger file: ${(error as Error).message}`);
    }
  }

  /** Runs one refresh (or joins the one under way); resolves to whether it succeeded, never rejects. */
  refresh(): Promise<boolean> {
    this.#inFlight ??= this.#run().finally(() => {
      this.#inFlight = undefined;
      this.status.refreshing = false;
    });
    return this.#inFlight;
  }

  /** Refreshes now, then every interval (with jitter), sooner with backoff after a failure; false when already started. */
  start(): boolean {
    if (this.#started) return false;
    this.#started = true;
    const loop = async (): Promise<void> => {
      const ok = await this.refresh();
      if (this.#stopping.signal.aborted) return;
      const delay = ok ? this.#nextInterval() : this.#backoff();
      this.status.nextRefreshAt = new Date(this.#clock().getTime() + delay);
      this.#options.logger.debug({ delayMs: delay, failures: this.status.consecutiveFailures }, 'next refresh scheduled');
      this.#timer = setTimeout(() => void loop(), delay);
    };
    void loop();
    return true;
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #nextInterval(): number {
    const { intervalMs, jitter } = this.#options.refresh;
    return Math.round(intervalMs * (1 + jitter * (2 * this.#random() - 1)));
  }

  #backoff(): number {
    const { retryBaseMs, retryMaxMs } = this.#options.refresh;
    return backoffDelay(this.status.consecutiveFailures, retryBaseMs, retryMaxMs, this.#random());
  }

  async #run(): Promise<boolean> {
    const { health, logger, refresh } = this.#options;
    const started = performance.now();
    this.status.refreshing = true;
    this.status.lastAttemptAt = this.#clock();
    try {
      const signal = AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(refresh.timeoutMs)]);
      const { snapshot, newlySettled } = await this.#collect(signal);
      this.#snapshot = snapshot;
      await this.#persist(newlySettled);
      const seconds = (performance.now() - started) / 1000;
      this.status.consecutiveFailures = 0;
      this.status.lastSuccessAt = this.#clock();
      delete this.status.lastError;
      health.refreshSuccess.set(1);
      health.lastSuccess.set(this.status.lastSuccessAt.getTime() / 1000);
      health.refreshDuration.set(seconds);
      health.unrecognized.set(snapshot.unrecognized.size);
      logger.info({ seconds: Number(seconds.toFixed(3)), series: snapshot.series, today: snapshot.summary.today }, 'refresh succeeded');
      return true;
    } catch (error) {
      this.status.consecutiveFailures += 1;
      this.status.lastError = describeError(error);
      health.refreshSuccess.set(0);
      health.refreshDuration.set((performance.now() - started) / 1000);
      logger.error({ err: error, failures: this.status.consecutiveFailures }, `refresh failed, keeping the last good snapshot: ${this.status.lastError}`);
      return false;
    }
  }

  async #discover(start: Day, end: Day, signal: AbortSignal): Promise<string[]> {
    const { collection, source, logger } = this.#options;
    if (collection.services.length > 0) return collection.services;
    const now = this.#clock().getTime();
    if (this.#services && now - this.#services.at < collection.rediscoverMs) return this.#services.names;
    const names = await source.discoverServices(collection.serviceSearch, start, end, signal);
    if (this.#services?.names.join('\n') !== names.join('\n')) logger.info({ services: names }, 'discovered Bedrock services in Cost Explorer');
    this.#services = { names, at: now };
    return names;
  }

  #logPlan(queries: readonly PlannedQuery[]): void {
    const plan = describePlan(queries);
    if (plan === this.#lastPlan) return;
    this.#lastPlan = plan;
    this.#options.logger.info(
      { queries: queries.length, plan, accountBreakdown: this.#options.collection.accountBreakdown },
      `query plan: ${queries.length} GetCostAndUsage queries per refresh (one paid request per page; settled days are not read again)`,
    );
  }

  async #collect(signal: AbortSignal): Promise<{ snapshot: Snapshot; newlySettled: number }> {
    const { source, ledger, collection, logger } = this.#options;
    const today = dayOf(this.#clock());
    const { start, end } = windowOf(today, collection.lookbackDays);
    const days = eachDay(start, end);
    const services = await this.#discover(start, end, signal);
    this.status.services = services;
    const queries = planQueries(services, collection.accountBreakdown);
    this.#logPlan(queries);

    const fetched: DayEntry[] = [];
    for (const query of queries) {
      // Never empty: today is never settled.
      const from = ledger.unsettled(days, query.key)[0]!;
      for (const entry of dayEntries(query.key, await source.fetchDaily(query, from, end, signal), from, end, today, collection.settleDays)) fetched.push(entry);
    }
    ledger.commit(fetched);

    // What was just read wins over the ledger, which may already have evicted some of it (ledger.max_days).
    const fresh = new Map(fetched.map((entry) => [`${entry.day}|${entry.queryKey}`, entry]));
    const entries = queries.flatMap((query) =>
      days.map((day) => fresh.get(`${day}|${query.key}`) ?? ledger.get(day, query.key)).filter((entry) => entry !== undefined),
    );
    const snapshot = await buildSnapshot(entries, today, this.#classify);
    for (const unknown of snapshot.unrecognized) {
      if (this.#reportedUnknown.has(unknown)) continue;
      this.#reportedUnknown.add(unknown);
      const [service, usageType] = unknown.split('|');
      logger.warn({ service, usageType }, 'unrecognized Bedrock usage type: exported with kind="unknown"; please report it');
    }
    return { snapshot, newlySettled: fetched.filter((entry) => entry.settled).length };
  }
}
