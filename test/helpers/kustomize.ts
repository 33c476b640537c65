// The Kubernetes manifests as a cluster would receive them: rendered by `kubectl kustomize` (Debian's
// kubectl renders offline) and checked against the typed models of the Kubernetes and Prometheus
// Operator APIs, which reject a wrong type, a missing required field or an unknown enum value.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Test } from 'tap';
import { parseAllDocuments, stringify } from 'yaml';
import { temporaryFolder } from './temporary.js';

export const KUBERNETES = join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes');

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What `kubectl apply -k DIR` would send. */
export function render(dir: string): Resource[] {
  return parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((document) => document.toJS() as Resource);
}

/** The base with the given components (names under deploy/kubernetes/components), as a user's overlay adds them. */
export function renderWith(t: Pick<Test, 'teardown'>, components: string[]): Resource[] {
  const dir = temporaryFolder(t, 'kustomize-');
  // kustomize takes only relative paths
  const from = (path: string): string => relative(dir, join(KUBERNETES, path));
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [from('base')], components: components.map((name) => from(join('components', name))) };
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
  return render(dir);
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

/** The typed model of the resource's kind; throws when none is known. */
async function modelOf({ apiVersion, kind }: Resource): Promise<ModelClass> {
  const module = apiVersion.startsWith('monitoring.coreos.com/') ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
  const exports = (await import(module)) as Record<string, ModelClass>;
  return exports[kind]!;
}

/** Throws, naming the object, when it does not fit its API's schema. */
export async function validate(resource: Resource): Promise<void> {
  const Model = await modelOf(resource);
  try {
    new Model(resource).validate();
  } catch (error) {
    throw new Error(`${resource.kind} ${resource.metadata.name}: ${(error as Error).message}`, { cause: error });
  }
}
