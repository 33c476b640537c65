import type { Day } from '../time.js';
import type { Account, Dataset, LineItem } from './dataset.js';
import type { Runaway } from './runaway.js';
import { isDaySettled, shownShare } from './settlement.js';

/** A Dataset that shows each day's final line items through the settlement model. */
export function settledView(accounts: ReadonlyArray<Account>, finalItemsOn: (day: Day) => readonly LineItem[], runaway?: Runaway): Dataset {
  return {
    accounts,
    ...(runaway ? { runaway } : {}),
    isSettled: (day, asOf) => isDaySettled(day, asOf),
    itemsOn(day, asOf) {
      const share = shownShare(day, asOf);
      if (share === 0) return [];
      const items = finalItemsOn(day);
      if (share === 1) return items;
      return items.map((item) => ({
        ...item,
        unblendedCost: item.unblendedCost * share,
        amortizedCost: item.amortizedCost * share,
        netUnblendedCost: item.netUnblendedCost * share,
        usageQuantity: item.usageQuantity * share,
      }));
    },
  };
}
