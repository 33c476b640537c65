// The Grafana component: every shipped dashboard as a ConfigMap the Grafana sidecar loads
// (kube-prometheus-stack's sidecar watches the label grafana_dashboard=1), holding the dashboard as
// provisioned in the compose stack.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { renderWith, type Resource } from '../helpers/kustomize.js';

const DASHBOARDS = join(import.meta.dirname, '..', '..', 'grafana', 'dashboards');
// kubectl's client-side apply keeps the whole object in an annotation, which may not exceed 256 KiB
const APPLY_ANNOTATION_LIMIT = 262_144;

t.test('one ConfigMap per dashboard, labelled for the sidecar, holding the dashboard unchanged', async (t) => {
  const configMaps = renderWith(t, ['grafana']).filter((resource) => resource.metadata.labels?.grafana_dashboard === '1') as Array<Resource & { data: Record<string, string> }>;
  const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json')).sort();
  t.same(configMaps.flatMap((configMap) => Object.keys(configMap.data)).sort(), files, 'each dashboard file, once');
  for (const configMap of configMaps) {
    const [[file, json]] = Object.entries(configMap.data) as [[string, string]];
    t.same(JSON.parse(json), JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')), `${file} as provisioned`);
    t.ok(JSON.stringify(configMap).length < APPLY_ANNOTATION_LIMIT, `${configMap.metadata.name} fits kubectl apply's annotation`);
    t.equal(configMap.metadata.annotations?.grafana_folder, 'Amazon Bedrock');
  }
});

t.test("the dashboards' default data source is kube-prometheus-stack's Prometheus", async (t) => {
  for (const file of readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { templating: { list: Array<{ type: string; query: string; current: { value: string } }> } };
    const variable = dashboard.templating.list.find((candidate) => candidate.type === 'datasource')!;
    t.same([variable.query, variable.current.value], ['prometheus', 'prometheus'], file);
  }
});
