/**
 * Where the pods of a rendered object are: every check that looks at pods (references, Pod
 * Security, scheduling, disruption, flushes) finds them here, whatever kind holds them. A kind is
 * known by the paths of its pod templates and how many pods each one runs; adding a kind (a
 * workload operator's custom resource) is one entry in this table.
 */

/** A rendered Kubernetes object. */
export interface Manifest {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: any };
  readonly [key: string]: any;
}

/** One pod template of an object: where it is, its metadata and pod spec, and how many pods run it at once. */
export interface PodTemplate {
  /** The object: "Deployment ml/llm-inference-models-server". */
  readonly owner: string;
  readonly kind: string;
  /** The path of the pod spec in the object, e.g. "spec.template.spec". */
  readonly path: string;
  /** The template's metadata (labels, annotations); `{}` for a Pod's own. */
  readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: { readonly [key: string]: any };
  /** Pods that run this template at once (replicas, parallelism); 1 when the kind has one pod. */
  readonly replicas: number;
}

/** How to find the pod templates of one kind. */
export interface PodTemplateKind {
  /** Each template: the path of its pod template (the object holding `metadata` and `spec`), and how many pods run it. */
  readonly templates: (o: Manifest) => readonly { readonly path: string; readonly template: any; readonly replicas: number }[];
}

const at = (o: any, path: string): any => path.split('.').reduce((cur, k) => (cur === undefined || cur === null ? undefined : cur[k]), o);
const count = (v: unknown, fallback = 1): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Kinds of Kubernetes itself (apps/v1, batch/v1, v1). */
export const POD_TEMPLATE_KINDS: { [kind: string]: PodTemplateKind } = {
  Pod: { templates: (o) => [{ path: '', template: { metadata: o.metadata, spec: o.spec }, replicas: 1 }] },
  Deployment: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: count(o.spec?.replicas) }] },
  StatefulSet: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: count(o.spec?.replicas) }] },
  ReplicaSet: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: count(o.spec?.replicas) }] },
  ReplicationController: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: count(o.spec?.replicas) }] },
  // One per node: counted as one here (a check per node is a check of the template).
  DaemonSet: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: 1 }] },
  Job: { templates: (o) => [{ path: 'spec.template', template: o.spec?.template, replicas: count(o.spec?.parallelism) }] },
  CronJob: { templates: (o) => [{ path: 'spec.jobTemplate.spec.template', template: at(o, 'spec.jobTemplate.spec.template'), replicas: count(at(o, 'spec.jobTemplate.spec.parallelism')) }] },
};

/**
 * The pod templates of an object as live parts of it (`{ metadata, spec }` objects inside the
 * manifest), for writers that decorate them (selector labels); a Pod's own metadata is not one.
 */
export function podTemplateParts(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS): { metadata?: Record<string, any>; spec: Record<string, any> }[] {
  if (o.kind === 'Pod') return [];
  return (kinds[o.kind]?.templates(o) ?? []).map((t) => t.template).filter((t) => t && t.spec);
}

/** The object's display name: "Kind namespace/name" (no namespace for cluster-scoped objects). */
export function ownerOf(o: Manifest): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** Every pod template of an object (none for kinds without pods). */
export function podTemplatesOf(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS): PodTemplate[] {
  const kind = kinds[o.kind];
  if (!kind) return [];
  return kind
    .templates(o)
    .filter((t) => t.template && t.template.spec)
    .map((t) => ({
      owner: ownerOf(o),
      kind: o.kind,
      path: t.path ? `${t.path}.spec` : 'spec',
      metadata: t.template.metadata ?? {},
      spec: t.template.spec,
      replicas: t.replicas,
    }));
}
