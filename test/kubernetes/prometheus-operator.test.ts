// The Prometheus Operator's objects, as kube-prometheus-stack users apply them: the example overlay
// rendered with `kubectl kustomize`, its PrometheusRule the shipped rule files (promtool accepts it),
// its ServiceMonitor scraping the Service as prometheus/prometheus.yml scrapes the exporter.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { KUBERNETES, render, type Resource } from '../helpers/kustomize.js';
import { temporaryFolder } from '../helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RULES = join(ROOT, 'prometheus', 'rules');

const rendered = render(join(KUBERNETES, 'examples', 'kube-prometheus-stack'));
const one = (kind: string): Resource & { spec: object } => rendered.find((resource) => resource.kind === kind) as Resource & { spec: object };

t.test('the PrometheusRule holds every group of the shipped rule files, and promtool accepts it', async (t) => {
  const shipped = readdirSync(RULES).filter((file) => file.endsWith('.yml')).sort().flatMap((file) => (parse(readFileSync(join(RULES, file), 'utf8')) as { groups: unknown[] }).groups);
  const { groups } = one('PrometheusRule').spec as { groups: unknown[] };
  t.same(groups, shipped, 'the same groups, rules and expressions');
  const file = join(temporaryFolder(t, 'prometheus-rule-'), 'rules.yml');
  writeFileSync(file, stringify({ groups }));
  t.match(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' }), /SUCCESS/);
});

t.test('the ServiceMonitor scrapes the Service as prometheus.yml scrapes the exporter, under the job the rules select', async (t) => {
  const monitor = one('ServiceMonitor').spec as { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string; interval: string }> };
  const service = one('Service') as Resource & { spec: { ports: Array<{ name: string }> } };
  for (const [label, value] of Object.entries(monitor.selector.matchLabels)) t.equal(service.metadata.labels?.[label], value, `selects the Service by ${label}`);
  t.same(monitor.endpoints.map((endpoint) => endpoint.port), [service.spec.ports[0]!.name]);
  const prometheus = parse(readFileSync(join(ROOT, 'prometheus', 'prometheus.yml'), 'utf8')) as { global: { scrape_interval: string } };
  t.equal(monitor.endpoints[0]!.interval, prometheus.global.scrape_interval, 'as often as the compose stack scrapes');
  t.equal(monitor.endpoints[0]!.path, '/metrics');
  t.match(readFileSync(join(RULES, 'exporter-alerts.yml'), 'utf8'), `job="${service.metadata.name}"`, 'the Operator names the job after the Service; the rules select that job');
});

t.test("labelled for kube-prometheus-stack's selectors; the base's selectors untouched", async (t) => {
  for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ConfigMap']) t.equal(one(kind).metadata.labels?.release, 'kube-prometheus-stack', kind);
  const deployment = one('Deployment').spec as { selector: { matchLabels: Record<string, string> } };
  t.same(deployment.selector.matchLabels, { 'app.kubernetes.io/name': 'bedrock-usage-exporter' });
});
