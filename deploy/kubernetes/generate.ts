// `npm run manifests`: the Kubernetes objects made from the shipped rule files and dashboards, so the
// cluster evaluates and shows exactly what the compose stack does (a test fails when one is stale).
// kustomize reads no file outside its folder, hence generated copies rather than references.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KUBERNETES = join(ROOT, 'deploy', 'kubernetes');
const RULES = join(ROOT, 'prometheus', 'rules');
const DASHBOARDS = join(ROOT, 'grafana', 'dashboards');

const filesIn = (dir: string, extension: string): string[] => readdirSync(dir).filter((file) => file.endsWith(extension)).sort().map((file) => join(dir, file));
const header = (source: string): string => `# Generated from ${source} by \`npm run manifests\`; do not edit.\n`;

/** The PrometheusRule whose groups are those of every rule file, in file order. */
export function prometheusRule(): string {
  const groups = filesIn(RULES, '.yml').flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups);
  const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'bedrock-usage-exporter' }, spec: { groups } };
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

/** Each generated file, by its path under deploy/kubernetes. */
export function manifests(): Map<string, string> {
  return new Map([
    ['components/prometheus-operator/prometheusrule.yaml', prometheusRule()],
    ['components/grafana/dashboards.yaml', grafanaDashboards()],
  ]);
}

/** The command: writes every generated file under the folder given as the first argument, deploy/kubernetes by default. */
export function run(args: string[]): string[] {
  const dir = args[0] ?? KUBERNETES;
  return [...manifests()].map(([path, content]) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  });
}

// node --import @tapjs/typescript/import deploy/kubernetes/generate.ts [DIR]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) for (const file of run(process.argv.slice(2))) process.stdout.write(`wrote ${file}\n`);
