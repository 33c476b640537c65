// deploy/kubernetes/base rendered as a user's `kubectl apply -k` would (Debian's kubectl renders
// kustomize offline; no cluster here), checked against what it deploys: the image's user, port and
// version, the exporter's own settings read from the ConfigMap, its health endpoints, and the locked-down
// container the compose stack also runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { KUBERNETES, render, type Resource } from '../helpers/kustomize.js';
import { startRig } from '../helpers/rig.js';
import { temporaryFolder } from '../helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..', '..');

const rendered = render(join(KUBERNETES, 'base'));
const one = <T>(kind: string): Resource & T => {
  const found = rendered.filter((resource) => resource.kind === kind);
  if (found.length !== 1) throw new Error(`${found.length} ${kind} rendered`);
  return found[0] as Resource & T;
};

interface Container {
  image: string;
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  startupProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[] } };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; fsGroup: number };
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }>;
}
const deployment = one<{ spec: { replicas: number; strategy: { type: string }; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } }>('Deployment');
const pod = deployment.spec.template.spec;
const [container] = pod.containers as [Container];
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));

t.test('what the base renders', async (t) => {
  t.same(rendered.map((resource) => resource.kind).sort(), ['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service', 'ServiceAccount']);
  for (const resource of rendered) t.equal(resource.metadata.labels?.['app.kubernetes.io/name'], 'bedrock-usage-exporter', `${resource.kind} is labelled`);
});

t.test('the image: the published one at the version in package.json, its user and port', async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  t.equal(container.image, `ghcr.io/bedrock-usage-exporter/bedrock-usage-exporter:${version}`);
  const [, user, group] = /^USER (\d+):(\d+)$/m.exec(runtime)!;
  t.equal(pod.securityContext.runAsUser, Number(user), "the image's unprivileged user");
  t.equal(pod.securityContext.runAsGroup, Number(group));
  t.equal(pod.securityContext.fsGroup, Number(group), 'which owns the ledger volume');
  t.equal(container.ports[0]!.containerPort, Number(/^EXPOSE (\d+)$/m.exec(runtime)![1]), "the image's port");
});

t.test("the exporter's settings from the ConfigMap: its port, its ledger on the volume", async (t) => {
  const configMap = one<{ data: Record<string, string> }>('ConfigMap');
  const flag = container.args.find((arg) => arg.startsWith('--config.file='))!.split('=')[1]!;
  t.equal(container.args[0], 'serve', 'the entry point runs serve, whatever credentials it finds');
  const configMount = container.volumeMounts.find((mount) => mount.name === 'config')!;
  t.equal(posix.dirname(flag), configMount.mountPath);
  t.equal(pod.volumes.find((volume) => volume.name === 'config')?.configMap?.name, configMap.metadata.name);
  const file = join(temporaryFolder(t, 'kubernetes-config-'), posix.basename(flag));
  writeFileSync(file, configMap.data[posix.basename(flag)]!);
  const { config } = loadConfig([`--config.file=${file}`], {});
  t.same(config.web.listenAddresses, [`:${container.ports[0]!.containerPort}`], 'listens on the container port, every interface');
  const ledgerMount = container.volumeMounts.find((mount) => mount.name === 'ledger')!;
  t.equal(dirname(config.ledger.file!), ledgerMount.mountPath, 'the ledger file is on its volume');
  t.equal(pod.volumes.find((volume) => volume.name === 'ledger')?.persistentVolumeClaim?.claimName, one('PersistentVolumeClaim').metadata.name);
  t.equal(deployment.spec.strategy.type, 'Recreate', 'the old pod lets go of the volume first');
  t.equal(deployment.spec.replicas, 1, 'one exporter: two would pay Cost Explorer twice');
});

t.test('probes on the health endpoints, through the named port', async (t) => {
  t.same([container.livenessProbe, container.readinessProbe, container.startupProbe].map((probe) => [probe.httpGet.path, probe.httpGet.port]), [['/-/healthy', 'http'], ['/-/ready', 'http'], ['/-/healthy', 'http']]);
  // The exporter answers them (ready once it has a snapshot to serve).
  const rig = await startRig({ size: 'tiny' });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh());
  const status = async (path: string) => (await fetch(`${rig.url}${path}`)).status;
  t.same(await Promise.all([container.livenessProbe, container.readinessProbe, container.startupProbe].map((probe) => status(probe.httpGet.path))), [200, 200, 200], 'the exporter answers each probe');
  t.equal(container.ports[0]!.name, 'http');
  t.ok(container.resources.requests.memory && container.resources.limits.memory, 'memory requested and limited');
});

t.test('locked down as the compose stack runs it', async (t) => {
  t.equal(pod.securityContext.runAsNonRoot, true);
  t.same(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  const tmp = container.volumeMounts.find((mount) => mount.mountPath === '/tmp')!;
  t.ok(pod.volumes.find((volume) => volume.name === tmp.name)?.emptyDir, 'a writable /tmp, as the compose file gives it');
});

t.test('the Service reaches the pod; the pod runs as its ServiceAccount', async (t) => {
  const service = one<{ spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> } }>('Service');
  t.same(service.spec.selector, deployment.spec.selector.matchLabels);
  t.match(deployment.spec.template.metadata.labels, deployment.spec.selector.matchLabels);
  t.equal(service.spec.ports[0]!.targetPort, container.ports[0]!.name);
  const account = one<{ automountServiceAccountToken: boolean }>('ServiceAccount');
  t.equal(pod.serviceAccountName, account.metadata.name);
  t.equal(account.automountServiceAccountToken, false, 'the exporter never calls the Kubernetes API');
});
