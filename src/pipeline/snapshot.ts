import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Pacer } from '../pacer.js';
import type { Contribution } from '../sources/source.js';
import type { Breakdown, LiveToday, Summary } from '../sources/summary.js';
import { renderSlices } from '../metrics/exposition.js';

const gzipAsync = promisify(gzip);

export interface Snapshot {
  /** The exposition text, decoded from `body` on each read (for tests and tools, not the serving path). */
  readonly text: string;
  /** The text as served, and gzipped once for clients that accept it. */
  body: Buffer;
  gzipped: Buffer;
  summary: Summary | undefined;
  today: LiveToday | undefined;
  breakdowns: Breakdown[];
  /** Distinct `service|usage type` pairs that no grammar recognised. */
  unrecognized: Set<string>;
  series: number;
}

/** A source's contribution with its series rendered: once, when it arrives, whatever other sources do. */
export interface RenderedContribution {
  contribution: Contribution;
  body: Buffer;
  series: number;
}

export async function renderContribution(contribution: Contribution, pacer = new Pacer()): Promise<RenderedContribution> {
  // Encoded a slice at a time: encoding (and keeping) the whole text as one string would hold the event
  // loop for tens of ms on a large organization. Nothing on the serving path reads `text`.
  const chunks: Buffer[] = [];
  for (const slice of await renderSlices(contribution.families, pacer)) {
    chunks.push(Buffer.from(slice));
    await pacer.pause();
  }
  return { contribution, body: Buffer.concat(chunks), series: contribution.families.reduce((count, f) => count + f.series.size, 0) };
}

/**
 * The snapshot a refresh swaps in: every source's rendered series side by side (a family belongs to one
 * source), gzipped once. A minute-cadence source's refresh costs its own rendering, not the bill's.
 */
export async function buildSnapshot(parts: readonly RenderedContribution[]): Promise<Snapshot> {
  const contributions = parts.map((part) => part.contribution);
  const body = Buffer.concat(parts.map((part) => part.body));
  return {
    get text() {
      return body.toString('utf8');
    },
    body,
    gzipped: await gzipAsync(body),
    summary: contributions.find((contribution) => contribution.summary)?.summary,
    today: contributions.find((contribution) => contribution.today)?.today,
    breakdowns: contributions.flatMap((contribution) => contribution.breakdowns ?? []),
    unrecognized: new Set(contributions.flatMap((contribution) => [...(contribution.unrecognized ?? [])])),
    series: parts.reduce((count, part) => count + part.series, 0),
  };
}
