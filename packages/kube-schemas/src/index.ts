/**
 * Schema validation of synthesized objects with kubernetes-models, @kubernetes-models/flux-cd
 * and @kubernetes-models/prometheus-operator, and of the workload operators' and ACK's custom
 * resources with their upstream CRD schemas (@strata/crd-types).
 *
 * Those packages are ESM-only. This module loads them with `require`, which works under the
 * repository's jest preset (it resolves them through their `import` condition and compiles
 * them to CommonJS). Keep every use of the models behind this one module.
 */

import { crdKindOf, crdSchema, schemaErrors } from './crd-schema';

export * from './crd-schema';

/** Where the model of each API group lives. */
const PACKAGES: readonly { readonly match: (group: string) => boolean; readonly pkg: string }[] = [
  { match: (g) => g.endsWith('.toolkit.fluxcd.io'), pkg: '@kubernetes-models/flux-cd' },
  { match: (g) => g === 'monitoring.coreos.com', pkg: '@kubernetes-models/prometheus-operator' },
  { match: () => true, pkg: 'kubernetes-models' },
];

/** Kinds with no published model here; callers list them so that skipping one is a decision. */
export const UNMODELLED_KINDS: ReadonlySet<string> = new Set(['karpenter.k8s.aws/v1/EC2NodeClass', 'karpenter.sh/v1/NodePool']);

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

type ModelClass = new (data: unknown) => { validate(): void };

function modelFor(apiVersion: string, kind: string): ModelClass {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = PACKAGES.find((p) => p.match(group))!.pkg;
  const modulePath = group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
  let mod: Record<string, ModelClass>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath);
  } catch (e) {
    throw new Error(`no schema model for ${apiVersion} ${kind} (${modulePath}): ${(e as Error).message.split('\n')[0]}`);
  }
  const model = mod[kind];
  if (!model) throw new Error(`no schema model for ${apiVersion} ${kind} in ${modulePath}`);
  return model;
}

/**
 * Validates one object; returns its problems ("Kind/name: message"), empty when valid.
 * Kinds in UNMODELLED_KINDS are reported as problems unless `allowUnmodelled` is set.
 */
export function validateObject(obj: KubeObject, options: { allowUnmodelled?: boolean } = {}): string[] {
  const id = `${obj.kind}/${obj.metadata?.name ?? '?'}`;
  if (UNMODELLED_KINDS.has(`${obj.apiVersion}/${obj.kind}`)) {
    return options.allowUnmodelled ? [] : [`${id}: ${obj.apiVersion} ${obj.kind} has no schema model here`];
  }
  // The workload operators' and ACK's kinds: their upstream CRD schemas (strict field validation).
  const crd = crdKindOf(obj.apiVersion, obj.kind);
  if (crd) return schemaErrors(crdSchema(crd), obj).map((e) => `${id}: ${e}`);
  const Model = modelFor(obj.apiVersion, obj.kind);
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [`${id}: ${(e as Error).message}`];
  }
}

/** Validates many objects; returns every problem. */
export function validateObjects(objs: readonly KubeObject[], options: { allowUnmodelled?: boolean } = {}): string[] {
  return objs.flatMap((o) => validateObject(o, options));
}
