/**
 * The checks every generator makes on its options before it touches the tree. Messages follow the
 * house form `'<flag>' (<value>) must be …; <fix>`, naming the CLI flag.
 */

/** A generator refused its options or found a conflict; nothing was written. */
export class GeneratorError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'GeneratorError';
  }
}

/** Throws the house-style message for one option. */
export function refuse(flag: string, value: unknown, accepted: string, fix: string): never {
  throw new GeneratorError(`'${flag}' (${typeof value === 'string' ? value : JSON.stringify(value)}) must be ${accepted}; ${fix}`);
}

/** Chart names: WorkloadChart's own rule (a letter first; Helm's 53-character limit on release-scoped names). */
export const CHART_NAME = /^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$/;
/** Kubernetes namespace and environment names: RFC 1123 labels. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Construct ids of storage bindings: a DNS label that starts with a letter (it also names a values key). */
export const BINDING_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Namespaces a workload never goes into (the same set `@strata/gitops` refuses in environments). */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'flux-system', 'kube-node-lease', 'kube-public', 'kube-system'];

export function checkChartName(flag: string, name: unknown): string {
  if (typeof name !== 'string' || !CHART_NAME.test(name)) {
    refuse(flag, name ?? '', 'a lowercase DNS label of at most 53 characters (a letter first, then letters, digits and "-"; Helm\'s limit)', 'e.g. "llm-inference"');
  }
  return name;
}

/**
 * The namespace a workload goes into when none is given, the same in every generator: its own name,
 * or `<name>-workload` when its name is a system namespace (workloads do not go there).
 */
export function defaultNamespace(workload: string): string {
  return SYSTEM_NAMESPACES.includes(workload) ? `${workload}-workload` : workload;
}

export function checkNamespace(flag: string, namespace: unknown): string {
  if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) {
    refuse(flag, namespace ?? '', 'a DNS label (lowercase letters, digits and "-", at most 63)', 'Kubernetes namespace names are DNS labels, e.g. "ml-inference"');
  }
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    refuse(flag, namespace, 'a namespace of its own', `workloads do not go into system namespaces (${SYSTEM_NAMESPACES.join(', ')})`);
  }
  return namespace;
}

export function checkEnum<T extends string>(flag: string, value: unknown, values: readonly T[]): T {
  if (!values.includes(value as T)) refuse(flag, value ?? '', `one of ${values.map((v) => `"${v}"`).join(', ')}`, `e.g. ${flag}=${values[0]}`);
  return value as T;
}

/** `my-app` → `MyApp`; `training-data` → `trainingData`. */
export function className(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

export function propertyName(name: string): string {
  const c = className(name);
  return c[0].toLowerCase() + c.slice(1);
}

/** Quoted list for messages: "a", "b". */
export function quoted(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}
