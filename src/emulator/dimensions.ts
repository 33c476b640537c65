// The Cost Explorer dimensions the emulator's ledger carries.
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
