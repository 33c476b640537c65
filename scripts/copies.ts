// `npm run copies`: the copies of the shipped rule files and dashboards that the Kubernetes manifests
// and the monitoring mixin carry, so that a cluster and a mixin user evaluate and show exactly what the
// compose stack does. kustomize reads no file outside its folder and jsonnet-bundler vendors only the
// mixin's folder, hence copies; a test fails when one is stale.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RULES = join(ROOT, 'prometheus', 'rules');
const DASHBOARDS = join(ROOT, 'grafana', 'dashboards');

const filesIn = (dir: string, extension: string): string[] => readdirSync(dir).filter((file) => file.endsWith(extension)).sort().map((file) => join(dir, file));
const header = (source: string): string => `# Generated from ${source} by \`npm run copies\`; do not edit.\n`;

/** Every group of every rule file, in file order. */
const ruleGroups = (): unknown[] => filesIn(RULES, '.yml').flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups);

/** The PrometheusRule whose groups are those of every rule file. */
export function prometheusRule(): string {
  const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'bedrock-usage-exporter' }, spec: { groups: ruleGroups() } };
  return header('prometheus/rules/*.yml') + stringify(rule, { lineWidth: 0 });
}

/**
 * One ConfigMap per dashboard, labelled for the dashboard sidecar of Grafana's Helm chart (and so of
 * kube-prometheus-stack), which loads every ConfigMap labelled grafana_dashboard=1; the annotation
 * names a folder where the sidecar is told to read it (folderAnnotation: grafana_folder).
 */
export function grafanaDashboards(): string {
  const configMaps = filesIn(DASHBOARDS, '.json').map((file) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${basename(file, '.json')}-dashboard`, labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'Amazon Bedrock' } },
    data: { [basename(file)]: readFileSync(file, 'utf8') },
  }));
  return header('grafana/dashboards/*.json') + configMaps.map((configMap) => stringify(configMap, { lineWidth: 0 })).join('---\n');
}

/** The rule files as JSON, which jsonnet imports (Debian's jsonnet 0.18 cannot parse their multi-line YAML strings). */
const mixinRules = (): string => `${JSON.stringify({ groups: ruleGroups() }, null, 2)}\n`;

/** Every dashboard by its file name, for the mixin's grafanaDashboards (jsonnet has no file listing). */
const dashboardIndex = (): string =>
  `// Generated from grafana/dashboards/*.json by \`npm run copies\`; do not edit.\n{\n${filesIn(DASHBOARDS, '.json').map((file) => `  '${basename(file)}': import 'dashboards/${basename(file)}',\n`).join('')}}\n`;

/** Each copy, by its path in the repository. */
export function copies(): Map<string, string> {
  return new Map([
    ['deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml', prometheusRule()],
    ['deploy/kubernetes/components/grafana/dashboards.yaml', grafanaDashboards()],
    ['mixin/copies/rules.json', mixinRules()],
    ['mixin/copies/dashboards.libsonnet', dashboardIndex()],
    ...filesIn(DASHBOARDS, '.json').map((file): [string, string] => [`mixin/copies/dashboards/${basename(file)}`, readFileSync(file, 'utf8')]),
  ]);
}

/** The command: writes every copy under the folder given as the first argument, the repository by default. */
export function run(args: string[]): string[] {
  const dir = args[0] ?? ROOT;
  return [...copies()].map(([path, content]) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  });
}

// node --import @tapjs/typescript/import scripts/copies.ts [DIR]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) for (const file of run(process.argv.slice(2))) process.stdout.write(`wrote ${file}\n`);
