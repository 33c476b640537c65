import type { Family } from './series.js';
import { Pacer } from '../pacer.js';

// The text formats, rendered by hand: Prometheus 0.0.4 from the sources' families, and the lines of
// OpenMetrics that a history adds timestamps to.

export const escapeHelp = (value: string): string => value.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Sums of decimal amounts carry binary noise (0.1 + 0.2); 15 significant digits hide it without losing cents.
 * The digits come from an integer below 2^53 divided by an exact power of ten, which IEEE division rounds to the
 * double nearest that decimal: what Number(value.toPrecision(15)) gives, at a third of the cost (a scrape and a
 * backfill round every value), except that a 16th digit of exactly 5 may round the other way.
 */
export function exposedValue(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const shift = 14 - Math.floor(Math.log10(magnitude));
  const digits = Math.round(magnitude * POWERS_OF_TEN[shift]!);
  // Outside 10^-8..10^15, or where Math.log10 is one off next to a power of ten: the slow way.
  if (digits >= 1e14 && digits < 1e15) return Math.sign(value) * (digits / POWERS_OF_TEN[shift]!);
  return Number(value.toPrecision(15));
}

/** A value as the text format shows it: what a scrape stores is exposedValue(value). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(exposedValue(value));
}

/** A family's HELP and TYPE lines. */
export const familyHead = (name: string, help: string, type: Family['type']): string => `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;

/** One sample's line; with a timestamp (OpenMetrics, in seconds) for a history. */
export const sampleLine = (name: string, labels: string, value: number, timestampMs?: number): string =>
  timestampMs === undefined ? `${name}${labels} ${formatValue(value)}\n` : `${name}${labels} ${formatValue(value)} ${timestampMs / 1000}\n`;

/** The text in slices of about one pacer slice each: joined, they are the whole text. */
export async function renderSlices(families: readonly Family[], pacer = new Pacer()): Promise<string[]> {
  // Joined a slice at a time: one join of 100k lines would hold the event loop for tens of ms.
  const slices: string[] = [];
  let parts: string[] = [];
  const pause = async (): Promise<void> => {
    slices.push(parts.join(''));
    parts = [];
    await pacer.pause();
  };
  for (const f of families) {
    parts.push(familyHead(f.name, f.help, f.type));
    for (const key of [...f.series.keys()].sort()) {
      parts.push(sampleLine(f.name, key, f.series.get(key)!));
      if (pacer.due()) await pause();
    }
  }
  slices.push(parts.join(''));
  return slices;
}

export async function render(families: readonly Family[], pacer = new Pacer()): Promise<string> {
  return (await renderSlices(families, pacer)).join('');
}
