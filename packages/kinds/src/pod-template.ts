import { ApiObject, ApiObjectMetadataDefinition, App, Chart, Lazy, Names } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Rules } from '@strata/storage';
import { markEmbedded } from '@strata/tokens';
import { checkMetadata, WorkloadMetadata } from './metadata';

/**
 * Props of a pod template: those of a cdk8s-plus Pod (containers, volumes, security context,
 * service account…), each of which reaches the template. Two are the template's own:
 * - `metadata` takes the template's labels and annotations (the pods'), nothing else — the kind
 *   that runs the pods names and places them;
 * - `isolate` is not offered: cdk8s-plus makes its deny-all NetworkPolicy only for its own Pods and
 *   workloads (cdk8s-plus-28 lib/pod.js `PodConnections.isolate`), so the pods would not be
 *   isolated. A `plus.NetworkPolicy` whose selector is the template selects them.
 */
export interface PodTemplateProps extends Omit<plus.AbstractPodProps, 'metadata' | 'isolate'> {
  /** The template's labels and annotations, which its pods carry. @default - strata's own (the component label) */
  readonly metadata?: WorkloadMetadata;
}

/** A pod template as the object holding it writes it. */
export interface PodTemplateJson {
  readonly metadata: { readonly labels?: { readonly [key: string]: string }; readonly annotations?: { readonly [key: string]: string } };
  readonly spec: { readonly [key: string]: any };
}

/**
 * One pod template, wherever a workload kind places it: a JobSet's replicated Job, a RayCluster's
 * worker group, a LeaderWorkerSet's leader. It is a cdk8s-plus `AbstractPod` with the scheduling
 * of a Pod, so everything strata does to pods — tier mounts and their rules, instance-store
 * requests and affinity, patterns' helper containers and gates, devices, `PodScheduling`,
 * identities — works on it exactly as on a Deployment. It is not an object of its own: the kind
 * renders it at its path (`toTemplate`). Its Pod object lives outside the construct tree, so no
 * synthesis (cdk8s's own or strata's) writes it and it takes no name from the chart.
 *
 * The escape hatch is the template's own object: `template.apiObject.addJsonPatch(…)` with paths
 * of a Pod (`/spec/containers/0/…`), applied where the kind places the template.
 */
export class PodTemplate extends plus.AbstractPod {
  /** The template as a Pod, outside the construct tree (for JSON patches; never synthesized itself). */
  public readonly apiObject: ApiObject;
  public readonly scheduling: plus.PodScheduling;
  public readonly resourceType = 'pods';

  public constructor(scope: Construct, id: string, props: PodTemplateProps = {}) {
    super(scope, id, props);
    const rules = new Rules(this);
    const detached = new Chart(new App(), 'embedded', { disableResourceNameHashes: true });
    this.apiObject = new plus.k8s.KubePod(detached, 'Resource', {
      metadata: { name: 'template' },
      spec: Lazy.any({ produce: () => this.toPodSpec() }),
    });
    // The label cdk8s-plus gives every pod, from this construct's path: Services and spreads select by it.
    this.metadata.addLabel(plus.Pod.ADDRESS_LABEL, Names.toLabelValue(this));
    this.applyProps(rules, props as plus.AbstractPodProps);
    markEmbedded(this, this.apiObject);
    this.scheduling = new plus.PodScheduling(this);
  }

  /** The props a cdk8s-plus pod keeps for its own object, which a template has not: its metadata, or refused. */
  private applyProps(rules: Rules, props: plus.AbstractPodProps): void {
    // Given through a cast or a spread of a cdk8s-plus pod's props: refused, never dropped.
    if (props.isolate) {
      rules.fail('isolate', props.isolate, 'unset on a pod template', "cdk8s-plus isolates only its own Pods and workloads (a deny-all NetworkPolicy of theirs); add a plus.NetworkPolicy whose selector is this template");
    }
    const metadata = props.metadata as ({ readonly [key: string]: unknown } & WorkloadMetadata) | undefined;
    if (!metadata) return;
    for (const [field, value] of Object.entries(metadata)) {
      if (value === undefined || field === 'labels' || field === 'annotations') continue;
      rules.fail(`metadata.${field}`, value, 'unset on a pod template', 'a template takes labels and annotations only: the kind that runs its pods names and places them');
    }
    checkMetadata(rules, 'metadata', metadata);
    for (const [key, value] of Object.entries(metadata.labels ?? {})) {
      // The template's component label (app.kubernetes.io/component in a chart): Services and spreads select by it.
      if (key === plus.Pod.ADDRESS_LABEL) rules.fail(`metadata.labels.${key}`, value, 'unset', "strata writes it: it names the template's pods, which Services and spreads select by");
      else this.metadata.addLabel(key, value);
    }
    for (const [key, value] of Object.entries(metadata.annotations ?? {})) this.metadata.addAnnotation(key, value);
  }

  public get podMetadata(): ApiObjectMetadataDefinition {
    return this.metadata;
  }

  /**
   * The template — labels, annotations and the pod spec, with JSON patches of this template
   * applied — for the object holding it. Call it while that object is synthesized (in a `Lazy`):
   * storage and scheduling settle at validation, before.
   */
  public toTemplate(): PodTemplateJson {
    const json = this.apiObject.toJson() as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, any> };
    const metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {};
    if (json.metadata?.labels && Object.keys(json.metadata.labels).length > 0) metadata.labels = json.metadata.labels;
    if (json.metadata?.annotations && Object.keys(json.metadata.annotations).length > 0) metadata.annotations = json.metadata.annotations;
    return { metadata, spec: json.spec };
  }

  /** The pod spec, as cdk8s-plus writes a Pod's (containers, volumes, security context, scheduling). */
  private toPodSpec(): plus.k8s.PodSpec {
    const scheduling = (this.scheduling as unknown as { _toKube(): { affinity?: plus.k8s.Affinity; nodeName?: string; tolerations?: plus.k8s.Toleration[] } })._toKube();
    return { ...this._toPodSpec(), affinity: scheduling.affinity, nodeName: scheduling.nodeName, tolerations: scheduling.tolerations };
  }
}
