import type { CostSource } from '../cost-explorer/client.js';
import { dayEntries, type Ledger } from '../cost-explorer/ledger.js';
import type { PlannedQuery } from '../cost-explorer/plan.js';
import { addMonths, eachDay, monthStart, type Day } from '../time.js';

export interface Chunk {
  query: PlannedQuery;
  start: Day;
  end: Day;
}

/**
 * One GetCostAndUsage query per planned query and calendar month that still has days the ledger
 * lacks: months keep answers (and memory) bounded and give progress; settled days are never read again.
 */
export function planChunks(queries: readonly PlannedQuery[], from: Day, to: Day, ledger: Ledger): Chunk[] {
  const chunks: Chunk[] = [];
  for (const query of queries) {
    for (let month = monthStart(from); month < to; month = addMonths(month, 1)) {
      const start = month < from ? from : month;
      const next = addMonths(month, 1);
      const end = next < to ? next : to;
      const missing = ledger.unsettled(eachDay(start, end), query.key);
      if (missing.length > 0) chunks.push({ query, start: missing[0]!, end });
    }
  }
  return chunks;
}

/** Reads the chunks in order and commits each to the ledger as it arrives, so progress is never lost. */
export async function fetchChunks(
  source: CostSource,
  chunks: readonly Chunk[],
  ledger: Ledger,
  today: Day,
  settleDays: number,
  onChunk: (done: number, chunk: Chunk, rows: number) => void,
): Promise<void> {
  for (const [index, chunk] of chunks.entries()) {
    const entries = dayEntries(chunk.query.key, await source.fetchDaily(chunk.query, chunk.start, chunk.end), chunk.start, chunk.end, today, settleDays);
    ledger.commit(entries);
    onChunk(index + 1, chunk, entries.reduce((count, entry) => count + entry.rows.length, 0));
  }
}
