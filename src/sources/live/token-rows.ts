import type { Classifier } from '../../billing/classifier.js';
import type { UsageClass } from '../../billing/usage-type.js';
import type { DayEntry, LedgerRow } from '../../cost-explorer/ledger.js';

/** The bill's token rows on the settled days `keep` picks, each with its class. */
export function* settledTokenRows(entries: Iterable<DayEntry>, classify: Classifier, keep: (entry: DayEntry) => boolean): Generator<{ row: LedgerRow; usage: UsageClass }> {
  for (const entry of entries) {
    if (!entry.settled || !keep(entry)) continue;
    for (const row of entry.rows) {
      // A tag's or cost category's answer splits the same usage again.
      if (row.group !== undefined) continue;
      const usage = classify(row.service, row.usageType, row.unit);
      if (usage.kind === 'tokens') yield { row, usage };
    }
  }
}
