import { ApiObject, ApiObjectMetadataDefinition, App, Chart, Lazy, Names } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markEmbedded } from '@strata/tokens';

/** Props of a pod template: those of a cdk8s-plus Pod (containers, volumes, security context, service account…). */
export interface PodTemplateProps extends plus.AbstractPodProps {}

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
    const detached = new Chart(new App(), 'embedded', { disableResourceNameHashes: true });
    this.apiObject = new plus.k8s.KubePod(detached, 'Resource', {
      metadata: { name: 'template' },
      spec: Lazy.any({ produce: () => this.toPodSpec() }),
    });
    // The label cdk8s-plus gives every pod, from this construct's path: Services and spreads select by it.
    this.metadata.addLabel(plus.Pod.ADDRESS_LABEL, Names.toLabelValue(this));
    markEmbedded(this, this.apiObject);
    this.scheduling = new plus.PodScheduling(this);
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
