// `npm run manifests`: the Prometheus Operator's PrometheusRule from the shipped rule files, so the
// cluster evaluates exactly what Prometheus does in the compose stack (a test fails when it is stale).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_DIR = join(ROOT, 'prometheus', 'rules');
export const PROMETHEUS_RULE = join(ROOT, 'deploy', 'kubernetes', 'components', 'prometheus-operator', 'prometheusrule.yaml');

/** The PrometheusRule whose groups are those of every rule file, in file order. */
export function prometheusRule(rulesDir = RULES_DIR): string {
  const files = readdirSync(rulesDir).filter((file) => file.endsWith('.yml')).sort();
  const groups = files.flatMap((file) => (parse(readFileSync(join(rulesDir, file), 'utf8')) as { groups: unknown[] }).groups);
  const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'bedrock-usage-exporter' }, spec: { groups } };
  return `# Generated from prometheus/rules/*.yml by \`npm run manifests\`; do not edit.\n${stringify(rule, { lineWidth: 0 })}`;
}

/** The command: writes the PrometheusRule to the file given as the first argument, the committed one by default. */
export function run(args: string[], defaultFile = PROMETHEUS_RULE): string {
  const file = args[0] ?? defaultFile;
  writeFileSync(file, prometheusRule());
  return file;
}

// node --import @tapjs/typescript/import deploy/kubernetes/generate.ts [FILE]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.stdout.write(`wrote ${run(process.argv.slice(2))}\n`);
