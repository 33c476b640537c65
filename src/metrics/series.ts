// What a source contributes: families of series, each a name, HELP, TYPE and a map from rendered
// label sets to values, so aggregation and rendering share one key and nothing is rendered twice.

export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** Rendered label set ('{a="x"}' or '') -> value. */
  series: Map<string, number>;
  /**
   * The value grows through the day as Cost Explorer shows the day's usage (month to date): a history
   * draws it rising from the day's start to its end, where other families hold their value all day.
   */
  accrues?: boolean;
}

export function family(name: string, help: string, type: Family['type'] = 'gauge'): Family {
  return { name, help, type, series: new Map() };
}

const escapeLabelValue = (value: string): string => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

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

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The labels of a label set renderLabels made, back as pairs. */
export function parseLabels(rendered: string): Array<[string, string]> {
  return [...rendered.matchAll(LABEL)].map(([, name, value]) => [name!, value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]);
}

export function set(target: Family, labels: Labels, value: number): void {
  target.series.set(renderLabels(labels), value);
}

/** Adds `value` to the series of a rendered label set (0 when it is new). */
export function addTo(target: Family, rendered: string, value: number): void {
  target.series.set(rendered, (target.series.get(rendered) ?? 0) + value);
}
