// Who spends, as the emulator's organization records it on the bill: application inference profiles tagged with a team and an application, IAM principals tagged with a
// cost center, and a cost category over teams and accounts. A series of usage (one usage type in one
// region of one account) is called through one profile by one principal, or directly with a base
// model id (no profile tags). A tag shows only from the day its key was activated as a cost
// allocation tag, as AWS does; a cost category applies to the whole history.
import { addDays, type Day } from '../time.js';
import type { Size } from './catalogue.js';
import { unitAt } from './random.js';

export const TAG_KEYS = { team: 'team', application: 'application', costCenter: 'cost-center' } as const;
export const COST_CATEGORY = 'business-unit';

/** Tag keys as Cost Explorer shows them, by key: the day the key was activated (spend before is untagged). */
export function activations(historyStart: Day, today: Day): ReadonlyMap<string, Day> {
  return new Map([
    [TAG_KEYS.team, historyStart],
    [TAG_KEYS.costCenter, addDays(today, -120)],
    [TAG_KEYS.application, addDays(today, -45)],
  ]);
}

/** Spend called with a base model id carries no profile tags. */
const DIRECT_SHARE = 0.2;
/** Principals without a cost center tag. */
const UNTAGGED_PRINCIPALS = 0.1;

const DEMO_TEAMS = ['ml-platform', 'search', 'support-bot', 'data-science', 'growth'];
const DEMO_UNITS: Record<string, string> = { 'ml-platform': 'Research', 'data-science': 'Research', search: 'Product', growth: 'Product', 'support-bot': 'Customer Care' };
/** Values per key by size: a large organization has many (the benchmark's fifty per key). */
const VALUES: Record<Size, { teams: number; applicationsPerTeam: number; costCenters: number }> = {
  tiny: { teams: 2, applicationsPerTeam: 1, costCenters: 2 },
  small: { teams: 3, applicationsPerTeam: 2, costCenters: 3 },
  demo: { teams: 5, applicationsPerTeam: 2, costCenters: 4 },
  large: { teams: 50, applicationsPerTeam: 1, costCenters: 50 },
};

export interface SeriesAttribution {
  /** Every tag the caller carries, whether or not its key is active yet. */
  tags: Readonly<Record<string, string>>;
  costCategories: Readonly<Record<string, string>>;
}

/** Who calls a series, fixed by its hash; the first account's direct calls fall into a cost category by account. */
export function attributionOf(size: Size, hash: number, firstAccount: boolean): SeriesAttribution {
  const values = VALUES[size];
  const tags: Record<string, string> = {};
  const costCategories: Record<string, string> = {};
  if (unitAt(hash, 101) >= DIRECT_SHARE) {
    const index = Math.floor(unitAt(hash, 102) * values.teams);
    const team = size === 'large' ? `team-${String(index + 1).padStart(2, '0')}` : DEMO_TEAMS[index]!;
    tags[TAG_KEYS.team] = team;
    tags[TAG_KEYS.application] = `${team}-app-${1 + Math.floor(unitAt(hash, 103) * values.applicationsPerTeam)}`;
    costCategories[COST_CATEGORY] = size === 'large' ? `unit-${(index % 10) + 1}` : DEMO_UNITS[team]!;
  } else if (firstAccount) {
    costCategories[COST_CATEGORY] = 'Platform';
  }
  if (unitAt(hash, 104) >= UNTAGGED_PRINCIPALS) tags[TAG_KEYS.costCenter] = `cc-${1000 + Math.floor(unitAt(hash, 105) * values.costCenters)}`;
  return { tags, costCategories };
}

/**
 * The tags a series shows on each day, as a few objects shared by every line item of the series: from
 * each activation day on, one more key.
 */
export function tagEpochs(tags: Readonly<Record<string, string>>, activated: ReadonlyMap<string, Day>): Array<{ from: Day; tags: Readonly<Record<string, string>> }> {
  const days = [...new Set([...activated.values()])].sort();
  return days.map((from) => ({ from, tags: Object.fromEntries(Object.entries(tags).filter(([key]) => activated.get(key)! <= from)) }));
}

/** The epoch's tags for `day`: none before the first activation. */
export function tagsOn(epochs: ReadonlyArray<{ from: Day; tags: Readonly<Record<string, string>> }>, day: Day): Readonly<Record<string, string>> {
  let shown: Readonly<Record<string, string>> = {};
  for (const epoch of epochs) if (epoch.from <= day) shown = epoch.tags;
  return shown;
}
