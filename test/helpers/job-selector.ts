// Which selectors of an expression read the exporter's series without naming its job: parsed with
// Prometheus' own PromQL grammar (the one its web UI uses), not matched with patterns.
import { parser } from '@prometheus-io/lezer-promql';

/** The query inside Grafana's `label_values(query, label)`, or the expression itself. */
const queryOf = (expr: string): string => /^label_values\((.+),\s*\w+\)$/s.exec(expr.trim())?.[1] ?? expr;

/**
 * The selectors in `expr` of scraped series (names without a colon; recording rules have one) that
 * lack `matcher` (for example `job="bedrock-usage-exporter"`). Throws when `expr` does not parse.
 */
export function selectorsWithout(expr: string, matcher: string): string[] {
  const query = queryOf(expr);
  const missing: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`does not parse at ${node.from}: ${query}`);
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (name === null || query.slice(name.from, name.to).includes(':')) return;
      const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
      if (!matchers.some((child) => query.slice(child.from, child.to) === matcher)) missing.push(query.slice(node.from, node.to));
    },
  });
  return missing;
}

/** The PromQL of each `{{ query "..." }}` in an alert's annotation (Go template strings). */
export const annotationQueries = (text: string): string[] =>
  [...text.matchAll(/\bquery\s+"((?:[^"\\]|\\.)*)"/g)].map(([, quoted]) => JSON.parse(`"${quoted}"`) as string);
