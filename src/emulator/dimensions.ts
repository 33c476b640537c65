// What the emulator's ledger can be grouped and filtered by: Cost Explorer's dimensions, cost allocation
// tags and cost categories.
import type { LineItem } from './dataset.js';
import { validationError } from './service-error.js';

export const DIMENSIONS = ['SERVICE', 'USAGE_TYPE', 'REGION', 'LINKED_ACCOUNT', 'RECORD_TYPE'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const FIELD: Record<Dimension, 'service' | 'usageType' | 'region' | 'account' | 'recordType'> = {
  SERVICE: 'service',
  USAGE_TYPE: 'usageType',
  REGION: 'region',
  LINKED_ACCOUNT: 'account',
  RECORD_TYPE: 'recordType',
};

export function dimensionValue(item: LineItem, dimension: Dimension): string {
  return item[FIELD[dimension]];
}

/** Message as the service words it (seen for RESOURCE_ID in aws/aws-cli#8536). */
export function checkDimension(key: string): Dimension {
  if (!DIMENSIONS.includes(key as Dimension)) throw validationError(`Dimension ${key} is not allowed.`);
  return key as Dimension;
}

export type GroupType = 'DIMENSION' | 'TAG' | 'COST_CATEGORY';

/** A line item's key in a group: a dimension's value, or `KEY$VALUE` (`KEY$` without it) for a tag or cost category. */
export function groupKeyOf(item: LineItem, type: GroupType, key: string): string {
  if (type === 'DIMENSION') return dimensionValue(item, key as Dimension);
  return `${key}$${labelValue(item, type, key) ?? ''}`;
}

/** A tag's or cost category's value on a line item; undefined when it has none. */
export function labelValue(item: LineItem, type: 'TAG' | 'COST_CATEGORY', key: string): string | undefined {
  return (type === 'TAG' ? item.tags : item.costCategories)?.[key];
}
