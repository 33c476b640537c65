/*
 * Synthetic organization: deterministic per seed, generated one day at a time on demand.
 * Shapes the exporter's tests and dashboards rely on: 13+ months of history, weekly seasonality,
 * exponential growth in some models, a one-day spike, a model billed on two paths over time,
 * a model that first appears mid-way through the current month, credits, and one usage type
 * no grammar knows. Scenario 'growth' keeps everything flat-ish except one model whose daily
 * tokens more than double week over week during the last 4 weeks.
 */
import { LRUCache } from 'lru-cache';
import { addDays, addMonths, dayOf, dayStartMs, daysBetween, monthStart, type Day } from '../time.js';
import { activations, attributionOf, tagEpochs, tagsOn } from './attribution.js';
import { CATALOGUE, usageTypeIn, type CatalogueEntry, type Size } from './catalogue.js';
import type { Account, Dataset, LineItem } from './dataset.js';
import { hashKeys, seededRandom, unitAt } from './random.js';
import { REGION_BY_CODE } from './regions.js';
import { seenByCloudWatch } from './live/callers.js';
import { runawayOf, runawayQuantity, type Runaway, type RunawayOptions } from './runaway.js';
import { settledView } from './settled-view.js';

export interface GenerateOptions {
  seed: number;
  size: Size;
  today: Day;
  scenario?: 'default' | 'growth';
  /** A caller that runs away from a set minute (runaway.ts). */
  runaway?: RunawayOptions;
}

interface SizePlan {
  accounts: number;
  regions: readonly string[];
  /** Regions per usage type for entries of the tiny set and for the rest. */
  regionsForCore: number;
  regionsForRest: number;
  /** Chance that an account uses a given usage type. */
  accountShare: number;
  /** Chance that a used usage type shows up on a given day. */
  dailyActivity: number;
  spendScale: number;
  cachedDays: number;
}

const SIZE_ORDER: readonly Size[] = ['tiny', 'small', 'demo', 'large'];
const ALL_REGIONS = ['USE1', 'USW2', 'EU', 'APS3', 'EUC1', 'APN1', 'USE2'];

const PLANS: Record<Size, SizePlan> = {
  tiny: { accounts: 1, regions: ['USE1'], regionsForCore: 1, regionsForRest: 1, accountShare: 1, dailyActivity: 1, spendScale: 1, cachedDays: 1000 },
  small: { accounts: 3, regions: ['USE1', 'USW2', 'EU'], regionsForCore: 1, regionsForRest: 1, accountShare: 0.4, dailyActivity: 1, spendScale: 1, cachedDays: 1000 },
  demo: { accounts: 6, regions: ['USE1', 'USW2', 'EU', 'APS3'], regionsForCore: 2, regionsForRest: 1, accountShare: 0.35, dailyActivity: 1, spendScale: 1, cachedDays: 1000 },
  large: { accounts: 300, regions: ALL_REGIONS, regionsForCore: 7, regionsForRest: 7, accountShare: 0.6, dailyActivity: 0.35, spendScale: 0.2, cachedDays: 45 },
};

const ACCOUNT_NAMES = ['Platform Production', 'Data Science', 'Customer Support AI', 'Search & Discovery', 'Developer Sandbox', 'Security Analytics'];
const WEEKDAY_FACTOR = [0.55, 1, 1.08, 1.1, 1.06, 0.95, 0.5]; // Sunday first, as getUTCDay counts
const SPIKE_FACTOR = 8;
const SPIKE_DAYS_AGO = 17;
const GROWTH_MODEL = 'claude-sonnet-4.6';
const GROWTH_PER_WEEK = 2.5;
const GROWTH_WEEKS = 5; // so that each of the last 4 weeks more than doubles the week before
const NET_DISCOUNT = 0.05;
const CREDIT_DAYS_OF_MONTH = new Set(['01', '15']);
const CREDIT_AMOUNT = -15;
const CREDITED_USAGE_TYPE = '{RC}-NovaPro-input-tokens';

interface Series {
  entry: CatalogueEntry;
  usageType: string;
  region: string;
  account: string;
  hash: number;
  baseQuantity: number;
  firstDay: Day;
  /** Exclusive. */
  endDay: Day | undefined;
  tagEpochs: ReturnType<typeof tagEpochs>;
  costCategories: Readonly<Record<string, string>>;
}

export function generateDataset(options: GenerateOptions): Dataset {
  const { seed, size, today } = options;
  const growthScenario = options.scenario === 'growth';
  const plan = PLANS[size];
  const historyStart = addMonths(monthStart(today), -13);
  const accounts = makeAccounts(seed, plan.accounts);
  const series = makeSeries(options, plan, accounts, historyStart);
  const creditEntry = CATALOGUE.find((entry) => entry.usageType === CREDITED_USAGE_TYPE)!;
  const cache = new LRUCache<Day, LineItem[]>({ max: plan.cachedDays });
  const spikeDay = addDays(today, -SPIKE_DAYS_AGO);
  const growthStart = addDays(today, -7 * GROWTH_WEEKS);
  const noise = growthScenario ? 0.05 : 0.1;
  const runaway = options.runaway && runawayIn(series, accounts[0]!, options.runaway);

  function growthOn(entry: CatalogueEntry, day: Day): number {
    if (growthScenario) {
      if (entry.truth.model !== GROWTH_MODEL || entry.lifecycle === 'moved-out' || day < growthStart) return 1;
      return GROWTH_PER_WEEK ** (daysBetween(growthStart, day) / 7);
    }
    return (entry.yearlyGrowth ?? 1) ** (daysBetween(today, day) / 365);
  }

  function generateDay(day: Day): LineItem[] {
    const dayIndex = daysBetween(historyStart, day);
    const weekday = WEEKDAY_FACTOR[new Date(dayStartMs(day)).getUTCDay()]!;
    const spike = !growthScenario && day === spikeDay ? SPIKE_FACTOR : 1;
    const items: LineItem[] = [];
    for (const s of series) {
      if (day < s.firstDay || (s.endDay !== undefined && day >= s.endDay)) continue;
      const extra = runawayQuantity(runaway, { day, account: s.account, region: s.region, service: s.entry.service, usageType: s.usageType });
      if (plan.dailyActivity < 1 && unitAt(s.hash, -dayIndex) >= plan.dailyActivity && extra === 0) continue;
      const quantity = round(
        (s.entry.fixedDailyQuantity ??
          s.baseQuantity * growthOn(s.entry, day) * weekday * (1 + noise * (2 * unitAt(s.hash, dayIndex) - 1)) * (s.entry.spike ? spike : 1)) + extra,
        6,
      );
      const cost = round(quantity * s.entry.price, 10);
      items.push({
        day,
        account: s.account,
        service: s.entry.service,
        usageType: s.usageType,
        region: s.region,
        recordType: s.entry.recordType ?? 'Usage',
        unblendedCost: cost,
        amortizedCost: cost,
        netUnblendedCost: round(cost * (1 - NET_DISCOUNT), 10),
        usageQuantity: quantity,
        unit: s.entry.unit,
        tags: tagsOn(s.tagEpochs, day),
        costCategories: s.costCategories,
        truth: s.entry.truth,
      });
    }
    if (CREDIT_DAYS_OF_MONTH.has(day.slice(8))) {
      items.push({
        day,
        account: accounts[0]!.id,
        service: creditEntry.service,
        usageType: usageTypeIn(creditEntry, 'USE1'),
        region: REGION_BY_CODE.USE1!,
        recordType: 'Credit',
        unblendedCost: CREDIT_AMOUNT,
        amortizedCost: CREDIT_AMOUNT,
        netUnblendedCost: CREDIT_AMOUNT,
        usageQuantity: 0,
        unit: creditEntry.unit,
        truth: creditEntry.truth,
      });
    }
    return items;
  }

  return settledView(accounts, (day) => {
    if (day < historyStart) return [];
    let items = cache.get(day);
    if (!items) {
      items = generateDay(day);
      cache.set(day, items);
    }
    return items;
  }, runaway);
}

/** The runaway's line: the first account's costliest input tokens CloudWatch counts, at the standard tier, billed when it begins. */
function runawayIn(series: readonly Series[], account: Account, options: RunawayOptions): Runaway | undefined {
  const day = dayOf(options.at);
  const candidates = series.filter(({ entry, account: owner, usageType, firstDay, endDay }) =>
    owner === account.id && firstDay <= day && (endDay === undefined || day < endDay) &&
    entry.truth.direction === 'input' && entry.truth.tier === 'standard' && (entry.recordType ?? 'Usage') === 'Usage' && seenByCloudWatch(usageType, entry.truth));
  const line = candidates.sort((a, b) => b.baseQuantity * b.entry.price - a.baseQuantity * a.entry.price)[0];
  if (line === undefined) return undefined;
  return runawayOf(options, { account: account.id, region: line.region, service: line.entry.service, usageType: line.usageType }, line.entry.price, line.entry.truth.tokensPerUnit);
}

function makeAccounts(seed: number, count: number): Account[] {
  const random = seededRandom(hashKeys(seed, 'accounts'));
  const offset = Math.floor(random() * 1_000_000);
  return Array.from({ length: count }, (_, index) => {
    // Random high digits; the low six are a permutation of the index, so ids never collide.
    const high = 100_000 + Math.floor(random() * 900_000);
    const low = (index * 7919 + offset) % 1_000_000;
    const name = ACCOUNT_NAMES[index] ?? `Team ${String(index + 1).padStart(3, '0')}`;
    return { id: `${high}${String(low).padStart(6, '0')}`, name };
  });
}

function makeSeries(options: GenerateOptions, plan: SizePlan, accounts: Account[], historyStart: Day): Series[] {
  const { seed, size, today } = options;
  const activated = activations(historyStart, today);
  const included = CATALOGUE.filter(
    (entry) =>
      SIZE_ORDER.indexOf(entry.from) <= SIZE_ORDER.indexOf(size) &&
      !(options.scenario === 'growth' && entry.lifecycle === 'new-this-month'),
  );
  const series: Series[] = [];
  for (const entry of included) {
    const regionLimit = entry.from === 'tiny' ? plan.regionsForCore : plan.regionsForRest;
    const regionCodes = entry.regions.filter((code) => plan.regions.includes(code)).slice(0, regionLimit);
    for (const code of regionCodes) {
      const usageType = usageTypeIn(entry, code);
      const owner = hashKeys(seed, 'owner', entry.service, usageType) % accounts.length;
      accounts.forEach((account, index) => {
        const hash = hashKeys(seed, entry.service, usageType, account.id);
        const shared = entry.fixedDailyQuantity === undefined && unitAt(hash, 0) < plan.accountShare;
        const uses = index === owner || (entry.from === 'tiny' && index === 0) || shared;
        if (!uses) return;
        const spend = entry.dailySpend * plan.spendScale * (0.4 + 1.2 * unitAt(hash, 1));
        const { tags, costCategories } = attributionOf(size, hash, index === 0);
        series.push({
          entry,
          usageType,
          region: REGION_BY_CODE[code]!,
          account: account.id,
          hash,
          baseQuantity: spend / entry.price,
          firstDay: firstDayOf(entry, today, historyStart),
          endDay: entry.lifecycle === 'moved-out' ? addDays(today, -60) : undefined,
          tagEpochs: tagEpochs(tags, activated),
          costCategories,
        });
      });
    }
  }
  return series;
}

function firstDayOf(entry: CatalogueEntry, today: Day, historyStart: Day): Day {
  if (entry.lifecycle === 'moved-in') return addDays(today, -90);
  if (entry.lifecycle === 'new-this-month') {
    const dayOfMonth = Number(today.slice(8));
    return addDays(monthStart(today), Math.floor((dayOfMonth - 1) / 2));
  }
  return historyStart;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
