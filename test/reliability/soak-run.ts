// The soak: many refreshes on an advancing clock with random faults. Run short by soak.test.ts and in
// full by `npm run soak`. Every failed refresh must leave /metrics as it was, every checked good one
// must equal the ground truth, and memory and handles must stay level.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Fault, FaultRule } from '../../src/emulator/faults.js';
import { parseExposition } from '../helpers/exposition.js';
import { dataPart, gauge, startRig, truthDifferences, watchProcess } from '../helpers/rig.js';

export interface SoakOptions {
  days: number;
  size: 'tiny' | 'small' | 'demo' | 'large';
  /** Chance that a refresh meets a fault rule. */
  faultProbability: number;
  seed: number;
  /** Compare with the ground truth after every Nth good refresh (and always at the end). */
  checkEvery: number;
  /** Progress lines, e.g. console.log. */
  progress?: (line: string) => void;
}

export interface SoakResult {
  refreshes: number;
  failed: number;
  faults: Record<string, number>;
  requests: number;
  /** Failed refreshes after which /metrics was not byte-equal to what it was before. */
  changedByFailure: number;
  /** Good refreshes that did not equal the ground truth (first differences). */
  mismatches: string[];
  finalDifferences: string[];
  /** heapUsed after a full GC, in MiB: after warm-up (the ledger full) and at the end. */
  heapMiB: { warm: number; end: number };
  rssMiB: { warm: number; end: number };
  handles: { warm: Record<string, number>; end: Record<string, number> };
  problems: string[];
  seconds: number;
}

const FAULTS: Fault[] = ['throttle', 'http_500', 'http_503', 'slow', 'hang', 'truncated', 'malformed', 'data_unavailable', 'expired_token'];
const HOUR = 3_600_000;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const random = seeded(options.seed);
  const gc = collectGarbage();
  const watcher = watchProcess();
  // The ledger holds the window and no more, so memory should level off once the window is full.
  const rig = await startRig({
    size: options.size,
    now: '2026-09-01T06:00:00Z',
    pageSize: 50,
    flags: ['--aws.max-attempts=2', '--aws.request-timeout=500ms', '--ledger.max-days=40', '--collection.rediscover-interval=1m'],
  });
  const { collector } = rig.exporter;
  const result: SoakResult = {
    refreshes: 0, failed: 0, faults: {}, requests: 0, changedByFailure: 0, mismatches: [], finalDifferences: [],
    heapMiB: { warm: 0, end: 0 }, rssMiB: { warm: 0, end: 0 }, handles: { warm: {}, end: {} }, problems: watcher.problems, seconds: 0,
  };
  const end = rig.clock.now.getTime() + options.days * 24 * HOUR;
  const warmAt = rig.clock.now.getTime() + Math.min(options.days / 2, 35) * 24 * HOUR;
  let warmed = false;
  let good = 0;
  try {
    let previous = dataPart(await rig.metricsText());
    while (rig.clock.now.getTime() < end) {
      rig.emulator.faults.clear();
      if (random() < options.faultProbability) {
        const fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
        const rule: FaultRule = { fault, probability: 0.3 + random() * 0.7, delayMs: Math.floor(random() * 1000) };
        if (random() < 0.3) rule.page = 2;
        rig.emulator.faults.add(rule);
        result.faults[fault] = (result.faults[fault] ?? 0) + 1;
      }
      const ok = await collector.refresh();
      result.refreshes++;
      const text = await rig.metricsText();
      const data = dataPart(text);
      if (!ok) {
        result.failed++;
        if (data !== previous || gauge(text, 'bedrock_exporter_refresh_success') !== 0) result.changedByFailure++;
      } else if (++good % options.checkEvery === 0) {
        const wrong = truthDifferences(rig.dataset, rig.clock.now, parseExposition(text));
        if (wrong.length > 0) result.mismatches.push(`${rig.clock.now.toISOString()}: ${wrong.slice(0, 3).join('; ')}`);
      }
      previous = data;
      if (!warmed && rig.clock.now.getTime() >= warmAt) {
        warmed = true;
        gc();
        result.heapMiB.warm = mib(process.memoryUsage().heapUsed);
        result.rssMiB.warm = mib(process.memoryUsage().rss);
        result.handles.warm = handles();
      }
      if (result.refreshes % 50 === 0) options.progress?.(`${result.refreshes} refreshes, ${result.failed} failed, clock ${rig.clock.now.toISOString()}, heap ${mib(process.memoryUsage().heapUsed)} MiB`);
      rig.clock.now = new Date(rig.clock.now.getTime() + (4 + random() * 4) * HOUR);
    }
    // The last word: Cost Explorer answers again, and everything must be exactly right.
    rig.emulator.faults.clear();
    let final = false;
    for (let attempt = 0; attempt < 3 && !final; attempt++) {
      final = await collector.refresh();
      result.refreshes++;
    }
    if (!final) result.finalDifferences.push(`the final refresh failed: ${collector.status.lastError}`);
    result.finalDifferences.push(...truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())));
    result.requests = rig.emulator.stats().total;
    gc();
    result.heapMiB.end = mib(process.memoryUsage().heapUsed);
    result.rssMiB.end = mib(process.memoryUsage().rss);
    result.handles.end = handles();
  } finally {
    await rig.close();
    watcher.stop();
  }
  result.seconds = Math.round(performance.now() - started) / 1000;
  return result;
}
