// What a period holds, searchable and paginated: the values of a dimension (GetDimensionValues), the
// cost allocation tag keys or one key's values (GetTags), the cost category names or one category's
// values (GetCostCategories).
import type { LineItem } from './dataset.js';
import { checkDimension, dimensionValue } from './dimensions.js';
import type { QueryContext } from './cost-and-usage.js';
import { compileFilter } from './filter.js';
import { encodePageToken, readPageToken, requestKey } from './page-token.js';
import { optionalString, requiredString, type JsonObject } from './request.js';
import { constraintError, validationError } from './service-error.js';
import { checkRetention, daysOf, parseTimePeriod } from './time-period.js';

interface Seen {
  /** This page's values, sorted. */
  page: string[];
  total: number;
  nextPageToken?: string;
}

/** The distinct values `valuesOf` gives for the line items of the request's period that pass its filter. */
function seenValues(operation: string, body: JsonObject, context: QueryContext, valuesOf: (item: LineItem) => Iterable<string>): Seen {
  const key = requestKey(operation, body);
  const cursor = readPageToken(body.NextPageToken, key);
  const asOf = cursor ? new Date(cursor.asOfMs) : context.asOf;
  const period = parseTimePeriod(body.TimePeriod);
  checkRetention(period, asOf);
  const search = (optionalString(body.SearchString, 'searchString') ?? '').toLowerCase();
  if (body.SortBy !== undefined && body.SortBy !== null) throw validationError('SortBy is not supported by this emulator.');
  const pageSize = pageSizeOf(body.MaxResults, context.pageSize);
  const filter = body.Filter === undefined || body.Filter === null ? () => true : compileFilter(body.Filter);

  const found = new Set<string>();
  for (const day of daysOf(period)) {
    for (const item of context.dataset.itemsOn(day, asOf)) {
      if (!filter(item)) continue;
      for (const value of valuesOf(item)) if (value.toLowerCase().includes(search)) found.add(value);
    }
  }
  const values = [...found].sort();
  const offset = cursor?.offset ?? 0;
  const next = offset + pageSize;
  return {
    page: values.slice(offset, next),
    total: values.length,
    ...(next < values.length ? { nextPageToken: encodePageToken(key, { offset: next, asOfMs: asOf.getTime(), page: (cursor?.page ?? 1) + 1 }) } : {}),
  };
}

const pageOf = ({ page, total, nextPageToken }: Seen, field: string): JsonObject => ({
  [field]: page,
  ReturnSize: page.length,
  TotalSize: total,
  ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
});

export function getDimensionValues(body: JsonObject, context: QueryContext): JsonObject {
  const dimension = checkDimension(requiredString(body.Dimension, 'dimension'));
  const contextName = optionalString(body.Context, 'context') ?? 'COST_AND_USAGE';
  if (contextName !== 'COST_AND_USAGE') throw validationError(`Context ${contextName} is not supported by this emulator; use COST_AND_USAGE.`);
  const seen = seenValues('GetDimensionValues', body, context, (item) => [dimensionValue(item, dimension)]);
  const names = new Map(context.dataset.accounts.map((account) => [account.id, account.name]));
  return {
    ...pageOf(seen, 'DimensionValues'),
    DimensionValues: seen.page.map((value) => ({ Value: value, Attributes: dimension === 'LINKED_ACCOUNT' ? { description: names.get(value) ?? value } : {} })),
  };
}

/** Without TagKey the active keys that tag spend in the period; with it, that key's values. */
export function getTags(body: JsonObject, context: QueryContext): JsonObject {
  const tagKey = optionalString(body.TagKey, 'tagKey');
  const seen = seenValues('GetTags', body, context, (item) => (tagKey === undefined ? Object.keys(item.tags ?? {}) : [item.tags?.[tagKey] ?? ''].filter(Boolean)));
  return pageOf(seen, 'Tags');
}

/** Without CostCategoryName the cost categories in the period; with it, that category's values. */
export function getCostCategories(body: JsonObject, context: QueryContext): JsonObject {
  const name = optionalString(body.CostCategoryName, 'costCategoryName');
  const seen = seenValues('GetCostCategories', body, context, (item) => (name === undefined ? Object.keys(item.costCategories ?? {}) : [item.costCategories?.[name] ?? ''].filter(Boolean)));
  return pageOf(seen, name === undefined ? 'CostCategoryNames' : 'CostCategoryValues');
}

function pageSizeOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw constraintError('maxResults', value, 'Member must have value greater than or equal to 1');
  }
  return value as number;
}
