// The network-policy component: it selects the exporter's pods, lets in Prometheus on the port the
// ServiceMonitor scrapes, and lets out only what the exporter calls.
import t from 'tap';
import { renderWith, type Resource } from '../helpers/kustomize.js';

interface Port {
  port: number | string;
  protocol: string;
}
interface Policy {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: string[];
    ingress: Array<{ from: Array<{ podSelector: { matchLabels: Record<string, string> } }>; ports: Port[] }>;
    egress: Array<{ to?: Array<{ ipBlock: { cidr: string } }>; ports: Port[] }>;
  };
}

t.test('in: Prometheus on the metrics port; out: DNS, HTTPS and the Pod Identity agent', async (t) => {
  const rendered = renderWith(t, ['network-policy', 'prometheus-operator']);
  const policy = rendered.find((resource) => resource.kind === 'NetworkPolicy') as Resource & Policy;
  const deployment = rendered.find((resource) => resource.kind === 'Deployment') as Resource & { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ ports: Array<{ name: string }> }> } } } };
  const monitor = rendered.find((resource) => resource.kind === 'ServiceMonitor') as Resource & { spec: { endpoints: Array<{ port: string }> } };
  t.match(deployment.spec.template.metadata.labels, policy.spec.podSelector.matchLabels, "selects the exporter's pods");
  t.same(policy.spec.policyTypes, ['Ingress', 'Egress'], 'both ways');
  const [ingress] = policy.spec.ingress;
  t.same(ingress!.ports, [{ port: deployment.spec.template.spec.containers[0]!.ports[0]!.name, protocol: 'TCP' }], 'the container port');
  t.equal(ingress!.ports[0]!.port, monitor.spec.endpoints[0]!.port, 'the one the ServiceMonitor scrapes');
  t.same(ingress!.from[0]!.podSelector.matchLabels, { 'app.kubernetes.io/name': 'prometheus' }, "the Prometheus Operator's pods");
  const out = policy.spec.egress.flatMap((rule) => rule.ports.map((port) => `${rule.to?.[0]?.ipBlock.cidr ?? 'any'} ${port.protocol}/${port.port}`));
  t.same(out.sort(), ['169.254.170.23/32 TCP/80', 'any TCP/443', 'any TCP/53', 'any UDP/53']);
});
