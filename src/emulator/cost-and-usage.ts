// GetCostAndUsage over a Dataset: validation, buckets, groups, Estimated flags and pagination.
import { addDays, addMonths, DAY_MS, dayOf, dayStartMs, eachDay, monthStart } from '../time.js';
import type { Dataset, LineItem } from './dataset.js';
import { checkDimension, groupKeyOf, type GroupType } from './dimensions.js';
import { compileFilter, type Predicate } from './filter.js';
import { Aggregate, parseMetrics } from './metrics.js';
import { encodePageToken, readPageToken, requestKey } from './page-token.js';
import { enumString, listAt, objectAt, optionalString, type JsonObject } from './request.js';
import { validationError } from './service-error.js';
import { HOUR_MS, isMonthClosed, visibleShare } from './settlement.js';
import { checkEndNotBeyondNextMonth, checkRetention, daysOf, parseTimePeriod, type TimePeriod } from './time-period.js';

export interface QueryContext {
  dataset: Dataset;
  asOf: Date;
  pageSize: number;
  hourly: boolean;
  /** Remembers multi-page answers so that later pages do not recompute them. */
  cache: Map<string, unknown>;
}

type Granularity = 'DAILY' | 'MONTHLY' | 'HOURLY';
const GRANULARITIES: readonly Granularity[] = ['DAILY', 'MONTHLY', 'HOURLY'];
const HOURLY_DAYS = 14;
const CACHED_ANSWERS = 4;

interface Bucket {
  start: string;
  end: string;
  estimated: boolean;
  total: Aggregate;
  groups: Array<{ keys: string[]; sums: Aggregate }>;
}

/** One row of the flattened answer: a group of a bucket, or a bucket that has no groups. */
interface Row {
  bucket: Bucket;
  group: Bucket['groups'][number] | undefined;
}

export function getCostAndUsage(body: JsonObject, context: QueryContext): JsonObject {
  const key = requestKey('GetCostAndUsage', body);
  const cursor = readPageToken(body.NextPageToken, key);
  const asOf = cursor ? new Date(cursor.asOfMs) : context.asOf;

  const period = parseTimePeriod(body.TimePeriod);
  const granularity = enumString(body.Granularity, 'granularity', GRANULARITIES);
  const metrics = parseMetrics(body.Metrics);
  checkRetention(period, asOf);
  checkEndNotBeyondNextMonth(period, asOf);
  checkGranularity(period, granularity, asOf, context.hourly);
  const groupBy = parseGroupBy(body.GroupBy);
  const filter: Predicate = body.Filter === undefined || body.Filter === null ? () => true : compileFilter(body.Filter);

  const cacheKey = `${key}@${asOf.getTime()}`;
  let rows = context.cache.get(cacheKey) as Row[] | undefined;
  if (!rows) {
    rows = flatten(buckets(context.dataset, period, granularity, asOf, groupBy, filter), groupBy.length > 0);
    if (rows.length > context.pageSize) remember(context.cache, cacheKey, rows);
  }

  const offset = cursor?.offset ?? 0;
  const page = rows.slice(offset, offset + context.pageSize);
  const next = offset + context.pageSize;
  const accounts = new Map(context.dataset.accounts.map((account) => [account.id, account.name]));
  const accountIndex = groupBy.findIndex((g) => g.type === 'DIMENSION' && g.key === 'LINKED_ACCOUNT');
  const shownAccounts = new Set<string>();
  const results: JsonObject[] = [];
  let current: { bucket: Bucket; result: JsonObject & { Groups: JsonObject[] } } | undefined;
  for (const row of page) {
    if (current?.bucket !== row.bucket) {
      current = {
        bucket: row.bucket,
        result: {
          TimePeriod: { Start: row.bucket.start, End: row.bucket.end },
          Total: groupBy.length > 0 ? {} : row.bucket.total.metricValues(metrics),
          Groups: [],
          Estimated: row.bucket.estimated,
        },
      };
      results.push(current.result);
    }
    if (row.group) {
      current.result.Groups.push({ Keys: row.group.keys, Metrics: row.group.sums.metricValues(metrics) });
      if (accountIndex >= 0) shownAccounts.add(row.group.keys[accountIndex]!);
    }
  }
  return {
    ...(groupBy.length > 0 ? { GroupDefinitions: groupBy.map(({ type, key }) => ({ Type: type, Key: key })) } : {}),
    ResultsByTime: results,
    DimensionValueAttributes: [...shownAccounts].map((id) => ({ Value: id, Attributes: { description: accounts.get(id) ?? id } })),
    ...(next < rows.length ? { NextPageToken: encodePageToken(key, { offset: next, asOfMs: asOf.getTime(), page: (cursor?.page ?? 1) + 1 }) } : {}),
  };
}

function checkGranularity(period: TimePeriod, granularity: Granularity, asOf: Date, hourlyEnabled: boolean): void {
  if (granularity !== 'HOURLY') {
    if (period.hasTime) throw validationError('Hourly timePeriod is not supported for this request');
    return;
  }
  if (!hourlyEnabled) {
    throw validationError('Hourly granularity is not enabled for this account: turn on hourly data in the Cost Explorer preferences.');
  }
  // Wording as the service answers it (boto/boto3#2369).
  if (period.startMs < dayStartMs(dayOf(asOf)) - HOURLY_DAYS * DAY_MS) {
    throw validationError(
      'Start date is more than 14 days ago for hourly granularity. Please adjust start date as we support only 14 days of data at hourly granularity.',
    );
  }
}

interface Grouping {
  type: GroupType;
  key: string;
}

function parseGroupBy(value: unknown): Grouping[] {
  if (value === undefined || value === null) return [];
  const list = listAt(value, 'groupBy');
  if (list.length > 2) throw validationError(`GroupBy can have at most 2 group definitions; it has ${list.length}.`);
  const groupings = list.map((entry, index): Grouping => {
    const definition = objectAt(entry, `groupBy.${index + 1}`);
    const type = optionalString(definition.Type, `groupBy.${index + 1}.type`);
    const key = optionalString(definition.Key, `groupBy.${index + 1}.key`);
    // The next two messages are worded as the service answers them (FittedCloud/costreporter#5, aws/aws-sdk-php#1590).
    if (!type || !key) throw validationError('Group Definition is invalid. Both type an key need to be set to a non-empty value.');
    if (type === 'TAG' || type === 'COST_CATEGORY') return { type, key };
    if (type !== 'DIMENSION') throw validationError('Group Definition type is invalid.');
    return { type, key: checkDimension(key) };
  });
  if (new Set(groupings.map((g) => `${g.type}:${g.key}`)).size !== groupings.length) throw validationError('GroupBy must not repeat a key.');
  return groupings;
}

function buckets(dataset: Dataset, period: TimePeriod, granularity: Granularity, asOf: Date, groupBy: Grouping[], filter: Predicate): Bucket[] {
  const result: Bucket[] = [];
  const add = (start: string, end: string, estimated: boolean, each: (visit: (item: LineItem, share: number) => void) => void): void => {
    const bucket: Bucket = { start, end, estimated, total: new Aggregate(), groups: [] };
    const groups = new Map<string, Bucket['groups'][number]>();
    each((item, share) => {
      if (!filter(item)) return;
      bucket.total.add(item, share);
      if (groupBy.length === 0) return;
      const keys = groupBy.map(({ type, key }) => groupKeyOf(item, type, key));
      const id = keys.join('\u0000');
      let group = groups.get(id);
      if (!group) {
        group = { keys, sums: new Aggregate() };
        groups.set(id, group);
      }
      group.sums.add(item, share);
    });
    bucket.groups = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, group]) => group);
    result.push(bucket);
  };

  const days = daysOf(period);
  if (granularity === 'DAILY') {
    for (const day of days) {
      add(day, addDays(day, 1), !dataset.isSettled(day, asOf), (visit) => {
        for (const item of dataset.itemsOn(day, asOf)) visit(item, 1);
      });
    }
  } else if (granularity === 'MONTHLY') {
    const end = addDays(days[days.length - 1]!, 1);
    for (let start = days[0]!; start < end; ) {
      const nextMonth = addMonths(monthStart(start), 1);
      const bucketEnd = nextMonth < end ? nextMonth : end;
      const bucketDays = eachDay(start, bucketEnd);
      const estimated = !isMonthClosed(start, asOf) || bucketDays.some((day) => !dataset.isSettled(day, asOf));
      add(start, bucketEnd, estimated, (visit) => {
        for (const day of bucketDays) for (const item of dataset.itemsOn(day, asOf)) visit(item, 1);
      });
      start = bucketEnd;
    }
  } else {
    for (let hour = Math.floor(period.startMs / HOUR_MS) * HOUR_MS; hour < period.endMs; hour += HOUR_MS) {
      const day = dayOf(hour);
      add(hourStamp(hour), hourStamp(hour + HOUR_MS), !dataset.isSettled(day, asOf), (visit) => {
        const items = dataset.itemsOn(day, asOf);
        if (items.length === 0) return;
        const dayStart = dayStartMs(day);
        // Items show the visible part of the day; hand each visible hour its share of it.
        const share = visibleShare(hour, hour + HOUR_MS, asOf) / (24 * visibleShare(dayStart, dayStart + DAY_MS, asOf));
        for (const item of items) visit(item, share);
      });
    }
  }
  return result;
}

function flatten(buckets: Bucket[], grouped: boolean): Row[] {
  const rows: Row[] = [];
  for (const bucket of buckets) {
    if (grouped && bucket.groups.length > 0) {
      for (const group of bucket.groups) rows.push({ bucket, group });
    } else {
      rows.push({ bucket, group: undefined });
    }
  }
  return rows;
}

function hourStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 13)}:00:00Z`;
}

function remember(cache: Map<string, unknown>, key: string, value: unknown): void {
  cache.set(key, value);
  while (cache.size > CACHED_ANSWERS) cache.delete(cache.keys().next().value!);
}
