// Small PromQL helpers: building sums, naming the series an expression reads, and turning a panel's
// expression with Grafana variables into one Prometheus accepts as is.

/** `sum(inner)`, or `sum by (labels) (inner)`. */
export const sum = (inner: string, by = ''): string => (by === '' ? `sum(${inner})` : `sum by (${by}) (${inner})`);

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan']);

/**
 * The metric (and recording rule) names an expression reads: every identifier that is not a function,
 * an aggregation, a keyword, a label name in a matcher or a grouping, a number or a duration.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  const token = /(\$\{?\w+\}?)|([0-9][\w.]*)|([A-Za-z_:][\w:]*)(\s*\()?/g;
  for (const match of bare.matchAll(token)) {
    // Variables and numbers (durations too) match the first two groups and leave `identifier` empty.
    const [, , , identifier, call] = match;
    if (identifier === undefined || call !== undefined) continue;
    if (!KEYWORDS.has(identifier.toLowerCase())) names.add(identifier);
  }
  return [...names].sort();
}

/** What Grafana's interval variables become when a query runs outside Grafana. */
export const INTERVALS: Readonly<Record<string, string>> = { __range: '1d', __rate_interval: '5m', __interval: '1m' };

/**
 * The expression as Prometheus would receive it with every template variable on "All": interval
 * variables become durations and the others `.*` (they only appear in `=~` matchers).
 */
export function withVariablesReplaced(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (_text, name: string) => INTERVALS[name] ?? '.*');
}
