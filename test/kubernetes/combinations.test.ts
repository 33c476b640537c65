// Every way a user can put the manifests together: the base alone, with each component and with all of
// them, and each example overlay. Each object fits its API's typed model, as the API server would check it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { KUBERNETES, render, renderWith, validate, type Resource } from '../helpers/kustomize.js';

const components = readdirSync(join(KUBERNETES, 'components')).sort();
const subsets = components.reduce<string[][]>((sets, component) => [...sets, ...sets.map((set) => [...set, component])], [[]]);

const named = (resources: Resource[]): string[] => resources.map((resource) => `${resource.kind}/${resource.metadata.name}`);

async function checkAll(t: Test, resources: Resource[]): Promise<void> {
  const names = named(resources);
  t.equal(new Set(names).size, names.length, 'no two objects of a kind share a name');
  for (const resource of resources) {
    await t.resolves(validate(resource), `${resource.kind} ${resource.metadata.name} fits its model`);
    t.equal(resource.metadata.labels?.['app.kubernetes.io/name'], 'bedrock-usage-exporter', `${resource.kind} ${resource.metadata.name} is labelled`);
  }
}

t.test('the components, alone and together', async (t) => {
  const base = named(renderWith(t, []));
  const added = new Map(components.map((component) => [component, named(renderWith(t, [component])).filter((name) => !base.includes(name))]));
  for (const [component, names] of added) t.ok(names.length > 0, `${component} adds objects`);
  for (const subset of subsets) {
    await t.test(subset.length ? `base + ${subset.join(' + ')}` : 'base', async (t) => {
      const resources = renderWith(t, subset);
      await checkAll(t, resources);
      t.same(named(resources).sort(), [...base, ...subset.flatMap((component) => added.get(component)!)].sort(), 'the base and what each component adds');
    });
  }
});

t.test('the examples', async (t) => {
  for (const example of readdirSync(join(KUBERNETES, 'examples'))) {
    await t.test(example, async (t) => checkAll(t, render(join(KUBERNETES, 'examples', example))));
  }
});

t.test('a wrong object is rejected, naming it', async (t) => {
  const [deployment] = renderWith(t, []).filter((resource) => resource.kind === 'Deployment');
  await t.rejects(validate({ ...deployment!, spec: { ...(deployment!.spec as object), replicas: '1' } }), /Deployment bedrock-usage-exporter: .*replicas must be integer/);
  await t.rejects(validate({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x' } }));
});

t.test('the example for kube-prometheus-stack is the base with its Prometheus Operator and Grafana components', async (t) => {
  t.same(named(render(join(KUBERNETES, 'examples', 'kube-prometheus-stack'))).sort(), named(renderWith(t, ['prometheus-operator', 'grafana'])).sort());
});
