// CloudWatch's GetMetricData and ListMetrics over the emulator's minutes (live/minutes.ts), as the
// current SDK speaks them (AWS JSON 1.0, timestamps in epoch seconds): MetricStat queries and SEARCH
// expressions, dynamic labels, periods and statistics, pages, and publication delay and revision.
import { addDays, dayOf, dayStartMs, type Day } from '../time.js';
import type { Dataset } from './dataset.js';
import { dayMinutes, MINUTE_MS, shownValue, type MinuteSeries } from './live/minutes.js';
import { encodePageToken, readPageToken, requestKey } from './page-token.js';
import { isJsonObject, listAt, objectAt, optionalString, requiredString, type JsonObject } from './request.js';
import { ServiceError } from './service-error.js';

export interface CloudWatchContext {
  asOf: Date;
  /** The region the request was signed for, and the account its credentials belong to. */
  region: string;
  account: string;
  /** The caller is a monitoring account (cross-account observability): it sees every account's metrics. */
  monitoring: boolean;
  minutes: MinutesOfDay;
}

/** Whose metrics a caller may read: its own, or as a monitoring account its source accounts' too. */
const sees = (context: CloudWatchContext, account: string): boolean => context.monitoring || account === context.account;

export type MinutesOfDay = (day: Day) => ReadonlyMap<string, MinuteSeries>;

/** Each day's minutes computed once, the last few kept. */
export function cachedMinutes(dataset: Dataset, keep = 3): MinutesOfDay {
  const cache = new Map<Day, ReadonlyMap<string, MinuteSeries>>();
  return (day) => {
    let minutes = cache.get(day);
    if (minutes === undefined) {
      minutes = dayMinutes(dataset, day);
      cache.set(day, minutes);
      while (cache.size > keep) cache.delete(cache.keys().next().value!);
    }
    return minutes;
  };
}

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const STATS = ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'] as const;
type Stat = (typeof STATS)[number];
const ID = /^[a-z][a-zA-Z0-9_]*$/;

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValue', message);
}

interface Selection {
  id: string;
  label: string | undefined;
  period: number;
  stat: Stat;
  matches(series: MinuteSeries): boolean;
}

export function getMetricData(body: JsonObject, context: CloudWatchContext): JsonObject {
  const queries = listAt(body.MetricDataQueries ?? [], 'MetricDataQueries');
  if (queries.length === 0 || queries.length > MAX_QUERIES) throw invalid(`The collection MetricDataQueries must not be empty and holds at most ${MAX_QUERIES} queries.`);
  const startMs = epochMs(body.StartTime, 'StartTime');
  const endMs = epochMs(body.EndTime, 'EndTime');
  if (startMs >= endMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  const ascending = optionalString(body.ScanBy, 'ScanBy') === 'TimestampAscending';
  const maxDatapoints = typeof body.MaxDatapoints === 'number' ? body.MaxDatapoints : DEFAULT_MAX_DATAPOINTS;
  const key = requestKey('GetMetricData', body, 'NextToken');
  const cursor = readPageToken(body.NextToken, key, { member: 'NextToken', invalid: 'InvalidNextToken', changed: 'InvalidNextToken' });
  const asOfMs = cursor?.asOfMs ?? context.asOf.getTime();

  const selections = queries.map((query, index) => selectionOf(objectAt(query, `MetricDataQueries.${index}`), index, context));
  const days: Day[] = [];
  for (let day = dayOf(startMs); day <= dayOf(endMs - 1); day = addDays(day, 1)) days.push(day);
  const results: JsonObject[] = [];
  for (const selection of selections) {
    const found = new Map<string, Map<Day, MinuteSeries>>();
    for (const day of days) {
      for (const [seriesKey, series] of context.minutes(day)) {
        if (!selection.matches(series)) continue;
        const perDay = found.get(seriesKey) ?? new Map<Day, MinuteSeries>();
        found.set(seriesKey, perDay.set(day, series));
      }
    }
    for (const [, perDay] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const points = datapoints(perDay, startMs, endMs, asOfMs, selection);
      if (!ascending) points.reverse();
      results.push({
        Id: selection.id,
        Label: labelOf(selection.label, perDay.values().next().value!),
        Timestamps: points.map(([at]) => at / 1000),
        Values: points.map(([, value]) => value),
        StatusCode: 'Complete',
      });
    }
  }
  const offset = cursor?.offset ?? 0;
  let end = offset;
  for (let points = 0; end < results.length && (end === offset || points + (results[end]!.Values as number[]).length <= maxDatapoints); end++) {
    points += (results[end]!.Values as number[]).length;
  }
  const answer: JsonObject = { MetricDataResults: results.slice(offset, end), Messages: [] };
  if (end < results.length) answer.NextToken = encodePageToken(key, { offset: end, asOfMs, page: (cursor?.page ?? 1) + 1 });
  return answer;
}

export function listMetrics(body: JsonObject, context: CloudWatchContext): JsonObject {
  const namespace = optionalString(body.Namespace, 'Namespace');
  const metricName = optionalString(body.MetricName, 'MetricName');
  const filters = listAt(body.Dimensions ?? [], 'Dimensions').map((filter, index) => {
    const object = objectAt(filter, `Dimensions.${index}`);
    return { name: requiredString(object.Name, `Dimensions.${index}.Name`), value: optionalString(object.Value, `Dimensions.${index}.Value`) };
  });
  const linked = body.IncludeLinkedAccounts === true;
  const today = dayOf(context.asOf);
  const metrics = new Map<string, { metric: JsonObject; owner: string }>();
  for (const day of [addDays(today, -1), today]) {
    for (const [key, series] of context.minutes(day)) {
      const { caller } = series;
      if (caller.region !== context.region || !(caller.account === context.account || (linked && sees(context, caller.account)))) continue;
      if ((namespace !== undefined && caller.namespace !== namespace) || (metricName !== undefined && series.metric !== metricName)) continue;
      if (!filters.every(({ name, value }) => caller.dimensions[name] !== undefined && (value === undefined || caller.dimensions[name] === value))) continue;
      const metric = { Namespace: caller.namespace, MetricName: series.metric, Dimensions: Object.entries(caller.dimensions).map(([Name, Value]) => ({ Name, Value })) };
      metrics.set(key, { metric, owner: caller.account });
    }
  }
  const found = [...metrics.values()];
  return { Metrics: found.map(({ metric }) => metric), ...(linked ? { OwningAccounts: found.map(({ owner }) => owner) } : {}) };
}

function epochMs(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The parameter ${path} is required and must be a timestamp.`);
  return value * 1000;
}

function selectionOf(query: JsonObject, index: number, context: CloudWatchContext): Selection {
  const path = `MetricDataQueries.${index}`;
  const id = requiredString(query.Id, `${path}.Id`);
  if (!ID.test(id)) throw invalid(`The value ${id} for parameter ${path}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`);
  const label = optionalString(query.Label, `${path}.Label`);
  const account = optionalString(query.AccountId, `${path}.AccountId`) ?? context.account;
  if (isJsonObject(query.MetricStat)) {
    const stat = objectAt(query.MetricStat, `${path}.MetricStat`);
    const metric = objectAt(stat.Metric, `${path}.MetricStat.Metric`);
    const namespace = requiredString(metric.Namespace, `${path}.MetricStat.Metric.Namespace`);
    const name = requiredString(metric.MetricName, `${path}.MetricStat.Metric.MetricName`);
    const dimensions = Object.fromEntries(
      listAt(metric.Dimensions ?? [], `${path}.MetricStat.Metric.Dimensions`).map((dimension, d) => {
        const object = objectAt(dimension, `${path}.MetricStat.Metric.Dimensions.${d}`);
        return [requiredString(object.Name, 'Name'), requiredString(object.Value, 'Value')];
      }),
    );
    return {
      id,
      label,
      period: periodOf(stat.Period, `${path}.MetricStat.Period`),
      stat: statOf(stat.Stat, `${path}.MetricStat.Stat`),
      matches: (series) =>
        series.caller.region === context.region &&
        series.caller.account === account &&
        sees(context, account) &&
        series.caller.namespace === namespace &&
        series.metric === name &&
        sameDimensions(series.caller.dimensions, dimensions),
    };
  }
  const expression = optionalString(query.Expression, `${path}.Expression`);
  if (expression === undefined) throw invalid(`${path} must hold a MetricStat or an Expression.`);
  const search = parseSearch(expression, path);
  return {
    id,
    label,
    period: search.period,
    stat: search.stat,
    matches: (series) =>
      series.caller.region === context.region &&
      (search.account === undefined ? sees(context, series.caller.account) : series.caller.account === search.account && sees(context, search.account)) &&
      series.caller.namespace === search.namespace &&
      sameKeys(series.caller.dimensions, search.dimensions) &&
      search.terms.every((alternatives) => alternatives.some(([name, value]) => (name === 'MetricName' ? series.metric === value : series.caller.dimensions[name] === value))),
  };
}

function periodOf(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value % 60 !== 0) {
    throw invalid(`The parameter ${path} must be a multiple of 60 (the emulator publishes one-minute data).`);
  }
  return value;
}

function statOf(value: unknown, path: string): Stat {
  const stat = requiredString(value, path);
  if (!(STATS as readonly string[]).includes(stat)) throw invalid(`The parameter ${path} must be one of ${STATS.join(', ')} here, got ${stat}.`);
  return stat as Stat;
}

const sameKeys = (dimensions: Readonly<Record<string, string>>, names: readonly string[]): boolean =>
  Object.keys(dimensions).length === names.length && names.every((name) => dimensions[name] !== undefined);

const sameDimensions = (dimensions: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean =>
  sameKeys(dimensions, Object.keys(wanted)) && Object.entries(wanted).every(([name, value]) => dimensions[name] === value);

interface Search {
  namespace: string;
  dimensions: string[];
  /** Every group must hold: one of its name = value pairs matches (a bare word is a metric name). */
  terms: Array<Array<[string, string]>>;
  account: string | undefined;
  stat: Stat;
  period: number;
}

// SEARCH('{Namespace,Dim1,Dim2} MetricName="X" Dim1="v" (MetricName="A" OR MetricName="B")', 'Sum', 60)
const SEARCH = /^\s*SEARCH\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'([A-Za-z]+)'\s*,\s*(\d+)\s*\)\s*$/;
const SCHEMA = /^\s*\{([^}]*)\}/;
const TERM = /\s*(\(|\)|OR\b|AND\b|([:\w.]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s()]+)|("(?:[^"\\]|\\.)*"|[^\s()]+))/y;

/** The SEARCH expressions the exporter sends: a schema, then name = value terms and OR groups. */
export function parseSearch(expression: string, path = 'Expression'): Search {
  const match = SEARCH.exec(expression);
  if (match === null) throw invalid(`The emulator understands only SEARCH('{Namespace,Dimension...} terms', 'Stat', Period) in ${path}, got ${expression}.`);
  const [, text, stat, period] = match as unknown as [string, string, string, string];
  const schema = SCHEMA.exec(text);
  if (schema === null) throw invalid(`The search in ${path} must start with a {Namespace,Dimension...} schema.`);
  const [namespace = '', ...dimensions] = schema[1]!.split(',').map((part) => unquote(part.trim()));
  const terms: Search['terms'] = [];
  let account: string | undefined;
  let group: Array<[string, string]> | undefined;
  const rest = text.slice(schema[0].length);
  TERM.lastIndex = 0;
  for (let token = TERM.exec(rest); token !== null && token[0].trim() !== ''; token = TERM.exec(rest)) {
    const [, word, name, value, bare] = token;
    if (word === '(') group = [];
    else if (word === ')') {
      if (group === undefined) throw invalid(`Unbalanced parentheses in ${path}.`);
      terms.push(group);
      group = undefined;
    } else if (word === 'OR' || word === 'AND') continue;
    else {
      const pair: [string, string] = name !== undefined ? [name, unquote(value!)] : ['MetricName', unquote(bare!)];
      if (pair[0] === ':aws.AccountId') account = pair[1];
      else if (group !== undefined) group.push(pair);
      else terms.push([pair]);
    }
    if (TERM.lastIndex >= rest.length) break;
  }
  if (group !== undefined) throw invalid(`Unbalanced parentheses in ${path}.`);
  return { namespace, dimensions, terms, account, stat: statOf(stat, path), period: periodOf(Number(period), path) };
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text;
}

/** [period start ms, value] for each period of [startMs, endMs) with at least one published minute. */
function datapoints(perDay: ReadonlyMap<Day, MinuteSeries>, startMs: number, endMs: number, asOfMs: number, selection: Selection): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const periodMs = selection.period * 1000;
  const first = startMs - (startMs % MINUTE_MS);
  for (let bucket = first - (first % periodMs); bucket < endMs; bucket += periodMs) {
    const values: number[] = [];
    for (let at = Math.max(bucket, first); at < Math.min(bucket + periodMs, endMs); at += MINUTE_MS) {
      const day = dayOf(at);
      const finalValue = perDay.get(day)?.minutes[(at - dayStartMs(day)) / MINUTE_MS] ?? 0;
      if (finalValue === 0) continue;
      const shown = shownValue(finalValue, at + MINUTE_MS, asOfMs);
      if (shown !== undefined) values.push(shown);
    }
    if (values.length > 0) points.push([bucket, statistic(selection.stat, values)]);
  }
  return points;
}

function statistic(stat: Stat, values: readonly number[]): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    default:
      return values.length;
  }
}

/** A query's label with CloudWatch's dynamic labels filled in; without one, the metric and its dimension values. */
function labelOf(label: string | undefined, series: MinuteSeries): string {
  const { caller, metric } = series;
  if (label === undefined) return [metric, ...Object.values(caller.dimensions)].join(' ');
  return label.replace(/\$\{PROP\('([^']+)'\)\}/g, (whole, property: string) => {
    if (property.startsWith('Dim.')) return caller.dimensions[property.slice(4)] ?? '';
    const properties: Record<string, string> = { MetricName: metric, Namespace: caller.namespace, AccountId: caller.account, Region: caller.region };
    return properties[property] ?? whole;
  });
}
