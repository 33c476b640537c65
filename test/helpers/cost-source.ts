import type { CostSource } from '../../src/cost-explorer/client.js';

/** For a Cost Explorer stand-in whose test turns on no tags or cost categories: it knows none. */
export const NO_KEYS: Pick<CostSource, 'listTags' | 'listCostCategories'> = {
  listTags: async () => [],
  listCostCategories: async () => [],
};
