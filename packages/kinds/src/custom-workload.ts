import { Construct } from 'constructs';
import { declarePodTemplates, groupOf, kindFromPaths, PodTemplatePaths } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

export interface CustomWorkloadProps extends WorkloadKindProps {
  /** The kind's API version, e.g. "example.com/v1". */
  readonly apiVersion: string;
  /** The kind, e.g. "TrainingWorkload". */
  readonly kind: string;
  /**
   * Where the kind keeps its pod templates: declared once per chart (every object of the kind
   * gives the same declaration), recorded in the chart so every check reaches these pods.
   */
  readonly podTemplates: PodTemplatePaths['templates'];
  /** The spec without its pod templates; they are placed at their paths. @default {} */
  readonly spec?: { readonly [key: string]: unknown };
  /** The operator that runs the kind, for the environment to install (`operator:<name>`). @default - none recorded */
  readonly operator?: string;
}

/** Where one pod template goes, and what it is called. */
export interface CustomPodTemplateOptions extends PodTemplateProps {
  /** A name for messages and the pod set. @default - the path */
  readonly name?: string;
}

/**
 * An object of a custom resource strata has no construct for (a CRD the platform team runs):
 * declare where its pod templates are, and each template placed there is a `PodTemplate` — the
 * same model every kind uses — so tier mounts, scheduling, devices, patterns and every check
 * reach its pods. The declaration goes into the chart (Chart.yaml `strata.dev/pod-templates`).
 *
 * ```ts
 * const w = new CustomWorkload(this, 'train', {
 *   apiVersion: 'example.com/v1', kind: 'TrainingWorkload',
 *   podTemplates: [{ path: 'spec.roles[].template', replicas: ['spec.roles[].replicas'] }],
 *   spec: { roles: [{ name: 'trainer', replicas: 4 }] },
 * });
 * const trainer = w.addPodTemplate('spec.roles[0].template');
 * ```
 */
export class CustomWorkload extends WorkloadKind {
  public readonly declaration: PodTemplatePaths;
  private readonly spec: { readonly [key: string]: unknown };
  private readonly placed: { path: string; name: string; template: PodTemplate }[] = [];

  public constructor(scope: Construct, id: string, props: CustomWorkloadProps) {
    super(scope, id, { apiVersion: props.apiVersion, kind: props.kind, operator: props.operator }, { given: props.metadata });
    if (!/^[a-z0-9.-]+\/[a-z0-9]+$/.test(props.apiVersion)) {
      this.rules.fail('apiVersion', props.apiVersion, 'a group and version such as "example.com/v1"', "give the CRD's group and served version");
    }
    this.declaration = { group: groupOf(props.apiVersion), kind: props.kind, templates: props.podTemplates };
    declarePodTemplates(this, this.declaration);
    this.spec = props.spec ?? {};
    this.node.addValidation({ validate: () => (this.placed.length === 0 ? ['has no pod template; add one with addPodTemplate(path)'] : []) });
  }

  /**
   * A pod template at `path`: one of the declared paths with its `[]` as an index and its `{}` as
   * a key (`spec.roles[0].template`, `spec.replicaSpecs.Worker.template`).
   */
  public addPodTemplate(path: string, options: CustomPodTemplateOptions = {}): PodTemplate {
    const fits = this.declaration.templates.some((t) => patternOf(t.path).test(path));
    if (!fits) {
      this.rules.fail('path', path, `one of the declared pod template paths of ${this.declaration.kind} (${this.declaration.templates.map((t) => t.path).join(', ')}), with [] as an index and {} as a key`, 'e.g. "spec.roles[0].template", or declare the path');
    }
    if (this.placed.some((p) => p.path === path)) this.rules.fail('path', path, 'a path without a pod template yet', 'add each template once');
    const { name, ...props } = options;
    const template = new PodTemplate(this, `template-${this.placed.length}`, props);
    this.placed.push({ path, name: name ?? path, template });
    return template;
  }

  public get podSets(): readonly PodSet[] {
    // Counted the way the checks count them: the declaration over the spec with the templates in place.
    const probe = { apiVersion: 'v1', kind: this.declaration.kind, metadata: { name: 'probe' }, spec: structuredClone(this.spec) as Record<string, unknown> };
    for (const p of this.placed) setAt(probe, p.path, { spec: { containers: [] }, $strataPath: p.path });
    const found = kindFromPaths(this.declaration).templates(probe);
    return this.placed.map((p) => ({ name: p.name, pod: p.template, count: found.find((f) => f.template?.$strataPath === p.path)?.replicas ?? 1 }));
  }

  protected renderSpec(): Record<string, unknown> {
    const root = { spec: structuredClone(this.spec) as Record<string, unknown> };
    for (const p of this.placed) setAt(root, p.path, p.template.toTemplate());
    return root.spec;
  }
}

/** A regular expression matching the concrete paths of a declared path. */
function patternOf(declared: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = declared.split('.').map((part) => {
    if (part.endsWith('[]')) return `${esc(part.slice(0, -2))}\\[\\d+\\]`;
    if (part.endsWith('{}')) return `${esc(part.slice(0, -2))}\\.[^.\\[\\]]+`;
    return esc(part);
  });
  return new RegExp(`^${parts.join('\\.')}$`);
}

/** Sets a value at a concrete path (`a.b[2].c`), creating objects and arrays on the way. */
function setAt(root: Record<string, any>, path: string, value: unknown): void {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`malformed path ${path}`);
    keys.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(i[1]));
  }
  let cur: any = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) {
      cur[k] = value;
      return;
    }
    if (cur[k] === undefined || cur[k] === null) cur[k] = typeof keys[i + 1] === 'number' ? [] : {};
    cur = cur[k];
  });
}
