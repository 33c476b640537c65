import { Pacer } from './pacer.js';

// Prometheus text format 0.0.4, rendered by hand: a family is a name, HELP, TYPE and a map from
// rendered label sets to values, so aggregation and rendering share one key and nothing is rendered twice.

export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** Rendered label set ('{a="x"}' or '') -> value. */
  series: Map<string, number>;
}

export function family(name: string, help: string, type: Family['type'] = 'gauge'): Family {
  return { name, help, type, series: new Map() };
}

const escapeLabelValue = (value: string): string => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const escapeHelp = (value: string): string => value.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/**
 * Labels with an empty value do not apply and are left out. Joined rather than concatenated: the result
 * is one flat string, which sorts several times faster than a tree of concatenations.
 */
export function renderLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const [name, value] of labels) {
    if (value !== '') parts.push(parts.length === 0 ? '{' : ',', name, '="', escapeLabelValue(value), '"');
  }
  if (parts.length === 0) return '';
  parts.push('}');
  return parts.join('');
}

export function set(target: Family, labels: Labels, value: number): void {
  target.series.set(renderLabels(labels), value);
}

/** Sums of decimal amounts carry binary noise (0.1 + 0.2); 15 significant digits hide it without losing cents. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(Number(value.toPrecision(15)));
}

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
    parts.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`);
    for (const key of [...f.series.keys()].sort()) {
      parts.push(`${f.name}${key} ${formatValue(f.series.get(key)!)}\n`);
      if (pacer.due()) await pause();
    }
  }
  slices.push(parts.join(''));
  return slices;
}

export async function render(families: readonly Family[], pacer = new Pacer()): Promise<string> {
  return (await renderSlices(families, pacer)).join('');
}
