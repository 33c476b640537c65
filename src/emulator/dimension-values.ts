// GetDimensionValues: the values of one dimension seen in a period, searchable and paginated.
import { checkDimension, dimensionValue } from './dimensions.js';
import type { QueryContext } from './cost-and-usage.js';
import { compileFilter } from './filter.js';
import { encodePageToken, readPageToken, requestKey } from './page-token.js';
import { optionalString, requiredString, type JsonObject } from './request.js';
import { constraintError, validationError } from './service-error.js';
import { checkRetention, daysOf, parseTimePeriod } from './time-period.js';

export function getDimensionValues(body: JsonObject, context: QueryContext): JsonObject {
  const key = requestKey('GetDimensionValues', body);
  const cursor = readPageToken(body.NextPageToken, key);
  const asOf = cursor ? new Date(cursor.asOfMs) : context.asOf;

  const period = parseTimePeriod(body.TimePeriod);
  const dimension = checkDimension(requiredString(body.Dimension, 'dimension'));
  checkRetention(period, asOf);
  const search = (optionalString(body.SearchString, 'searchString') ?? '').toLowerCase();
  const contextName = optionalString(body.Context, 'context') ?? 'COST_AND_USAGE';
  if (contextName !== 'COST_AND_USAGE') throw validationError(`Context ${contextName} is not supported by this emulator; use COST_AND_USAGE.`);
  if (body.SortBy !== undefined && body.SortBy !== null) throw validationError('SortBy is not supported by this emulator.');
  const pageSize = pageSizeOf(body.MaxResults, context.pageSize);
  const filter = body.Filter === undefined || body.Filter === null ? () => true : compileFilter(body.Filter);

  const found = new Set<string>();
  for (const day of daysOf(period)) {
    for (const item of context.dataset.itemsOn(day, asOf)) {
      if (!filter(item)) continue;
      const value = dimensionValue(item, dimension);
      if (value.toLowerCase().includes(search)) found.add(value);
    }
  }
  const values = [...found].sort();
  const offset = cursor?.offset ?? 0;
  const page = values.slice(offset, offset + pageSize);
  const names = new Map(context.dataset.accounts.map((account) => [account.id, account.name]));
  const next = offset + pageSize;
  return {
    DimensionValues: page.map((value) => ({
      Value: value,
      Attributes: dimension === 'LINKED_ACCOUNT' ? { description: names.get(value) ?? value } : {},
    })),
    ReturnSize: page.length,
    TotalSize: values.length,
    ...(next < values.length ? { NextPageToken: encodePageToken(key, { offset: next, asOfMs: asOf.getTime(), page: (cursor?.page ?? 1) + 1 }) } : {}),
  };
}

function pageSizeOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw constraintError('maxResults', value, 'Member must have value greater than or equal to 1');
  }
  return value as number;
}
