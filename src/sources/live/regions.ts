import type { Classifier } from '../../billing/classifier.js';
import type { DayEntry } from '../../cost-explorer/ledger.js';

/** The regions where the bill shows Bedrock tokens on any day the ledger holds, sorted. */
export function billedRegions(entries: readonly DayEntry[], classify: Classifier): string[] {
  const regions = new Set<string>();
  for (const entry of entries) {
    for (const row of entry.rows) {
      const usage = classify(row.service, row.usageType, row.unit);
      if (usage.kind === 'tokens' && usage.region !== '') regions.add(usage.region);
    }
  }
  return [...regions].sort();
}
