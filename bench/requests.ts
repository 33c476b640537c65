// Paid Cost Explorer requests over 30 days of operation against the emulator's large organization,
// on a simulated clock: the exporter's default plan (the real collector, real SDK, real requests), a
// naive plan that re-reads the whole month on every refresh, and the minimum the data allows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../src/config.js';
import { generateDataset, type Dataset } from '../src/emulator/dataset.js';
import { seededRandom } from '../src/emulator/random.js';
import { COST_EXPLORER_PRICE_USD } from '../src/cost-explorer/client.js';
import { dayOf } from '../src/time.js';
import { modelledRequests, type Requests } from './plan-model.js';
import { configFrom, startStack, type CountingSource, type Stack } from './stack.js';
import { progress, table, thousands } from './stats.js';

export const START = new Date('2026-11-10T08:00:00Z');
const DAYS = 30;
const END = new Date(START.getTime() + DAYS * 86_400_000);
/** The real service's page size is not documented: 5000 groups is our guess, 500 a pessimistic one. */
const PAGE_SIZES = [5000, 500] as const;
/** The emulator serves this one; other page sizes are counted from the same answers. */
const SERVED_PAGE_SIZE = PAGE_SIZES[0];
const DEFAULTS = configFrom();
/** No day is ever old enough to settle: every refresh reads the whole window again. */
const NAIVE = configFrom(['--collection.settle-days=100000']);

const total = (requests: Requests): number => requests.costAndUsage + requests.dimensionValues;
const same = (a: Requests, b: Requests): boolean => a.costAndUsage === b.costAndUsage && a.dimensionValues === b.dimensionValues;
const show = (requests: Requests): string => `${requests.costAndUsage} GetCostAndUsage + ${requests.dimensionValues} GetDimensionValues`;

/** When the collector refreshes: every interval with the collector's jitter, from START for DAYS days. */
export function refreshTimes(seed = 1): Date[] {
  const { intervalMs, jitter } = DEFAULTS.refresh;
  const random = seededRandom(seed);
  const times: Date[] = [];
  for (let at = START.getTime(); at < END.getTime(); at += Math.round(intervalMs * (1 + jitter * (2 * random() - 1)))) times.push(new Date(at));
  return times;
}

function paidSoFar(stack: Stack): Requests {
  const { GetCostAndUsage = 0, GetDimensionValues = 0 } = stack.emulator.stats().requests;
  return { costAndUsage: GetCostAndUsage, dimensionValues: GetDimensionValues };
}

/** The collector through `times`: what the emulator was asked (per operation too), and what each answer held. */
export async function operate(dataset: Dataset, config: Config, times: readonly Date[], label: string): Promise<{ paid: Requests; byOperation: Record<string, number>; source: CountingSource }> {
  const stack = await startStack({ dataset, now: times[0]!, pageSize: SERVED_PAGE_SIZE });
  try {
    const { collector, source } = stack.collector(config);
    for (const [index, at] of times.entries()) {
      stack.clock.now = at;
      if (!(await collector.refresh())) throw new Error(`refresh at ${at.toISOString()} failed: ${collector.status.lastError}`);
      if (index % 30 === 29) progress(`  ${label}: ${index + 1}/${times.length} refreshes`);
    }
    return { paid: paidSoFar(stack), byOperation: stack.emulator.stats().requests, source };
  } finally {
    await stack.close();
  }
}

interface Restart {
  steady: number;
  restored: number;
  cold: number;
}

/** Pages of one refresh: without a restart, after a restart with ledger.file, and after one without. */
async function restart(dataset: Dataset, at: Date): Promise<Restart> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-ledger-'));
  const withFile = configFrom([`--ledger.file=${join(directory, 'ledger.gz')}`]);
  const stack = await startStack({ dataset, now: at, pageSize: SERVED_PAGE_SIZE });
  const pagesOf = async (refresh: () => Promise<boolean>): Promise<number> => {
    const before = total(paidSoFar(stack));
    if (!(await refresh())) throw new Error('refresh failed');
    return total(paidSoFar(stack)) - before;
  };
  try {
    const first = await stack.startExporter(withFile);
    await first.collector.refresh();
    stack.clock.now = new Date(at.getTime() + DEFAULTS.refresh.intervalMs);
    const steady = await pagesOf(() => first.collector.refresh());
    await first.close();
    const restarted = await stack.startExporter(withFile);
    const restored = await pagesOf(() => restarted.collector.refresh());
    await restarted.close();
    const fresh = await stack.startExporter(DEFAULTS);
    const cold = await pagesOf(() => fresh.collector.refresh());
    return { steady, restored, cold };
  } finally {
    await stack.close();
    await rm(directory, { recursive: true, force: true });
  }
}

const dollars = (requests: number): string => `$${(requests * COST_EXPLORER_PRICE_USD).toFixed(2)}`;
const ratio = (value: number): string => `${value.toFixed(2)}x`;

export async function runRequestsBench(): Promise<string> {
  const dataset = generateDataset({ seed: 7, size: 'large', today: dayOf(END) });
  const times = refreshTimes();
  progress(`requests: ${times.length} refreshes over ${DAYS} days from ${START.toISOString()}, large organization`);

  const operated = await operate(dataset, DEFAULTS, times, 'default plan');
  const counted = operated.source.pages(SERVED_PAGE_SIZE);
  if (!same(counted, operated.paid)) throw new Error(`counting answers gives ${show(counted)}, the emulator served ${show(operated.paid)}`);
  // The naive plan is too slow to run for a month here (it reads every day again); its first day is
  // run for real and must match the count from the data, which then gives the whole month.
  const firstDay = times.filter((at) => at.getTime() < START.getTime() + 86_400_000);
  const naiveDay = (await operate(dataset, NAIVE, firstDay, 'naive plan, first day')).paid;
  const naiveDayModelled = modelledRequests(dataset, firstDay, SERVED_PAGE_SIZE, 'naive', NAIVE);
  if (!same(naiveDay, naiveDayModelled)) throw new Error(`naive plan's first day: ran ${show(naiveDay)}, modelled ${show(naiveDayModelled)}`);

  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const pageSize of PAGE_SIZES) {
    const minimum = modelledRequests(dataset, times, pageSize, 'minimum', DEFAULTS);
    const naive = modelledRequests(dataset, times, pageSize, 'naive', NAIVE);
    const plans = [
      { name: 'default', how: pageSize === SERVED_PAGE_SIZE ? 'run, counted by the emulator' : 'run, pages counted from its answers', requests: operated.source.pages(pageSize) },
      { name: 'naive: whole month every refresh', how: 'from the data (first day run: equal)', requests: naive },
      { name: 'minimum the data allows', how: 'from the data', requests: minimum },
    ];
    const [ours, naiveTotal] = plans.map((plan) => total(plan.requests)) as [number, number];
    for (const { name, how, requests } of plans) {
      rows.push([thousands(pageSize), name, how, thousands(requests.costAndUsage), thousands(requests.dimensionValues), thousands(total(requests)), dollars(total(requests)), ratio(total(requests) / total(minimum))]);
    }
    const overMinimum = ours / total(minimum);
    const underNaive = naiveTotal / ours;
    verdicts.push(
      `page size ${thousands(pageSize)}: default = ${ratio(overMinimum)} the minimum (target <= 1.2x: ${overMinimum <= 1.2 ? 'met' : 'MISSED'}); ` +
        `naive = ${ratio(underNaive)} the default (target >= 5x: ${underNaive >= 5 ? 'met' : 'MISSED'})`,
      `  GetCostAndUsage pages by service, naive / minimum: ` +
        [...naive.byService].map(([service, pages]) => `${service} ${thousands(pages)} / ${thousands(minimum.byService.get(service) ?? 0)}`).join('; '),
    );
  }
  progress('  restarts');
  const restartAt = new Date('2026-11-20T12:00:00Z');
  const { steady, restored, cold } = await restart(dataset, restartAt);

  return [
    `Cost Explorer requests in ${DAYS} days (${times.length} refreshes every ${DEFAULTS.refresh.intervalMs / 3_600_000}h ±${DEFAULTS.refresh.jitter * 100}%, ` +
      `from ${START.toISOString().slice(0, 10)}), emulator's large organization (${dataset.accounts.length} accounts), $${COST_EXPLORER_PRICE_USD} per page`,
    '',
    table(['page size', 'plan', 'counted', 'GetCostAndUsage', 'GetDimensionValues', 'requests', 'cost / 30 days', 'vs minimum'], rows),
    '',
    ...verdicts,
    '',
    `Restart on ${restartAt.toISOString().slice(0, 10)} (page size ${thousands(SERVED_PAGE_SIZE)}): requests of the refresh 4h after the first one`,
    '',
    table(['no restart', 'restarted with ledger.file', 'restarted without ledger.file'], [[thousands(steady), thousands(restored), thousands(cold)]]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await runRequestsBench());
