import { createHash } from 'node:crypto';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describePattern, RELEASE_CONTEXT, sourceVolumeOf, Tokens } from '@strata/tokens';
import { Values } from './values';

/** Chart.yaml metadata a workload states about itself. */
export interface ChartMetadata {
  /** The chart name: a DNS label, also the workload name. */
  readonly name: string;
  /** One sentence. */
  readonly description: string;
  /** The version of the software the chart deploys. @default "1.0.0" */
  readonly appVersion?: string;
  /** Kubernetes versions the chart supports. @default ">=1.29.0-0" (native sidecars are on by default from 1.29) */
  readonly kubeVersion?: string;
  /** @default - the strata repository */
  readonly home?: string;
  /** @default - none */
  readonly sources?: string[];
  /** @default - none */
  readonly keywords?: string[];
  /**
   * Changes between this chart version and the previous one that generate refuses unless they are
   * recorded here: an immutable field of a running object, a claim taken out (its data orphaned), a
   * volume's reclaim policy moved from Retain to Delete. Recording one makes the chart's next version
   * a major one, and the record stays in Chart.yaml (`strata.dev/accepted-changes`).
   * @default - none
   */
  readonly acceptedChanges?: readonly AcceptedChange[];
}

/** A change between chart versions accepted on purpose (see ChartMetadata.acceptedChanges). */
export interface AcceptedChange {
  /** The object's kind, e.g. "PersistentVolumeClaim". */
  readonly kind: string;
  /** The object's name below the release's full name (its template file's suffix), e.g. "dataset-fsx-claim". */
  readonly name: string;
  /** The field whose change is accepted ("spec.storageClassName"), or "removed". */
  readonly change: string;
  /** Why, for the record. */
  readonly reason: string;
}

/** How a workload chart is being synthesized. */
export interface WorkloadChartProps {
  /**
   * Literal values for direct synthesis. Omitted: values are tokens and the chart becomes a
   * Helm chart. Given: every declared value takes the given value (or its default).
   * @default - template mode
   */
  readonly values?: Record<string, unknown>;
}

/** Built-in token paths the chart writer knows. */
export const RELEASE_NAME = '$release.name';
export const RELEASE_NAMESPACE = '$release.namespace';
export const RELEASE_SERVICE = '$release.service';
export const CHART_NAME = '$chart.name';
export const CHART_LABEL = '$chart.label';
export const CHART_APP_VERSION = '$chart.appVersion';
export const FULLNAME = '$chart.fullname';
/** Prefix of object-name tokens: `$name:<suffix>` (namespaced) and `$clustername:<suffix>` (cluster-scoped). */
export const OBJECT_NAME = '$name:';
export const CLUSTER_OBJECT_NAME = '$clustername:';
/**
 * Prefix of cluster-scoped names a value may set: `$clusternameor:<suffix>:<value path>` is the
 * value when it is not empty, else the release-derived `$clustername:<suffix>` (see
 * WorkloadChart.clusterObjectName).
 */
export const OVERRIDABLE_CLUSTER_OBJECT_NAME = '$clusternameor:';

/** The suffix and value path of an overridable cluster-scoped name token's path, or undefined. */
export function overridableName(path: string): { readonly suffix: string; readonly valuePath: string } | undefined {
  if (!path.startsWith(OVERRIDABLE_CLUSTER_OBJECT_NAME)) return undefined;
  const rest = path.slice(OVERRIDABLE_CLUSTER_OBJECT_NAME.length);
  const colon = rest.indexOf(':');
  return { suffix: rest.slice(0, colon), valuePath: rest.slice(colon + 1) };
}

/** The name suffix of a name token's path (`$name:`, `$clustername:`, `$clusternameor:`), or undefined. */
export function nameSuffixOf(path: string): string | undefined {
  const overridable = overridableName(path);
  if (overridable) return overridable.suffix;
  if (path.startsWith(OBJECT_NAME)) return path.slice(OBJECT_NAME.length);
  if (path.startsWith(CLUSTER_OBJECT_NAME)) return path.slice(CLUSTER_OBJECT_NAME.length);
  return undefined;
}

/**
 * A value that names a cluster-scoped object: empty (the release-derived name), or an object name
 * as Kubernetes takes it (a DNS subdomain: apimachinery pkg/util/validation IsDNS1123Subdomain).
 */
export const OBJECT_NAME_OR_EMPTY = describePattern(
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$',
  'empty (the name derived from the release), or an object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
);
/**
 * Prefix of content-named objects (Jobs): `$contentname:<suffix>` is `<release fullname>-<suffix>-<hash>`,
 * the hash taken over the object's spec and the values it reads (see contentNameInputs).
 */
export const CONTENT_NAME = '$contentname:';

/**
 * Prefixes of objects named by a volume's source (a PersistentVolume and its claim marked with
 * `markSourceNamed` of @strata/tokens): `$sourcename:<suffix>@<volume suffix>` (the claim) is
 * `<release fullname>-<suffix>-<hash>`, `$clustersourcename:<suffix>@<volume suffix>` (the volume)
 * `<namespace>-<release fullname>-<suffix>-<hash>`, the hash taken over the volume's source
 * (`volumeSourceOf`: its spec without claimRef, and without a volumeHandle that is its own name).
 */
export const SOURCE_NAME = '$sourcename:';
export const CLUSTER_SOURCE_NAME = '$clustersourcename:';

/** Kinds that may be named by a volume's source. */
export const SOURCE_NAMED_KINDS: ReadonlySet<string> = new Set(['PersistentVolume', 'PersistentVolumeClaim']);

/** The own suffix and the volume's suffix of a source name's path (after its prefix): `<suffix>@<volume suffix>`. */
export function splitSourceName(rest: string): { readonly suffix: string; readonly volume: string } {
  const at = rest.indexOf('@');
  return at < 0 ? { suffix: rest, volume: rest } : { suffix: rest.slice(0, at), volume: rest.slice(at + 1) };
}

/**
 * Kinds named by their content: those that run to completion. A Job's pod template, selector,
 * completion mode and failure policies are immutable (kubernetes/kubernetes pkg/apis/batch/validation
 * `ValidateJobSpecUpdate`): an upgrade that changes a Job under a fixed name fails with "field is
 * immutable". A JobSet's replicated Jobs are immutable too (kubernetes-sigs/jobset@v0.12.0
 * pkg/webhooks/jobset_webhook.go `ValidateUpdate`), and the operators of the other kinds do not
 * start a finished run again when its spec changes. Named by content, an unchanged run is a no-op
 * on upgrade and a changed one is a new run (Helm deletes the old object as it leaves the manifest).
 */
export const CONTENT_NAMED_KINDS: ReadonlySet<string> = new Set(['Job', 'JobSet', 'PyTorchJob', 'TrainJob', 'RayJob', 'SparkApplication']);

/**
 * Room kept free in a content-named object's name: an Indexed Job's pods are named (and get the
 * hostname) `<job name>-<index>`, which must stay a DNS label of at most 63 characters.
 */
export const CONTENT_NAME_RESERVE = 6;

/** Kinds without a namespace. Their names also carry the release namespace, so releases never collide. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'StorageClass',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'Namespace',
  'CustomResourceDefinition',
  'PriorityClass',
  'CSIDriver',
  'EC2NodeClass',
  'NodePool',
  'ClusterTrainingRuntime',
  'ClusterServingRuntime',
]);

/** Longest object-name suffix; longer ones are cut and given a hash so they stay distinct. */
const MAX_SUFFIX = 40;

/**
 * A workload's chart: a cdk8s Chart with typed Helm values and release-scoped names.
 *
 * Every object this chart names gets a name token `<release fullname>-<suffix>` (the suffix is
 * read from the construct path), so every reference to it — claimName, volumeName,
 * storageClassName, serviceAccountName, a ConfigMap — follows the release. Objects with an
 * explicit `metadata.name` keep it.
 */
export class WorkloadChart extends Chart {
  /** The chart's Helm values. */
  public readonly values: Values;
  public readonly chartMetadata: ChartMetadata;
  /** Tokens for the release: its name and namespace, and the chart's full name. */
  public readonly release: { readonly name: string; readonly namespace: string; readonly fullname: string };
  /** The image of the `helm test` pod that checks every claim. */
  public readonly helmTestImage: string;
  private readonly suffixes = new Map<string, string>();

  public constructor(scope: Construct, id: string, metadata: ChartMetadata, props: WorkloadChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    if (!/^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$/.test(metadata.name)) {
      throw new Error(`chart name '${metadata.name}' must be a lowercase DNS label of at most 53 characters (Helm's limit)`);
    }
    this.chartMetadata = metadata;
    this.values = new Values(props.values);
    this.values.string('nameOverride', { default: '', description: 'Replaces the chart name in object names and labels.', maxLength: 53 });
    this.values.string('fullnameOverride', { default: '', description: 'Replaces the release full name in object names.', maxLength: 63 });
    this.helmTestImage = this.values.string('helmTest.image', {
      default: 'public.ecr.aws/docker/library/busybox:1.36.1',
      description: 'Image of the `helm test` pod that writes and reads back a file on every claim.',
      minLength: 1,
    });
    this.release = {
      name: Tokens.string(RELEASE_NAME, this.values),
      namespace: Tokens.string(RELEASE_NAMESPACE, this.values),
      fullname: Tokens.string(FULLNAME, this.values),
    };
    // Constructs that must name the release (without knowing Helm) read it from the context.
    this.node.setContext(RELEASE_CONTEXT, { name: this.release.name, namespace: this.release.namespace });
  }

  /**
   * The name of a cluster-scoped object (a StorageClass, a NodePool) that a value may set: the
   * string value at `valuePath` (declared here, default "") when it is not empty, else the name
   * every cluster-scoped object of the chart gets, `<release namespace>-<full name>-<suffix>`, so
   * that two releases with default values never collide (as Helm charts name objects by their
   * full name). Set the value to keep a name that exists already (a class workloads name). Objects
   * of one kind need distinct suffixes; objects of two kinds may share one.
   */
  public clusterObjectName(valuePath: string, suffix: string, options: { readonly description: string; /** @default 253 (an object name) */ readonly maxLength?: number }): string {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(suffix) || suffix.length > MAX_SUFFIX) {
      throw new Error(`clusterObjectName('${valuePath}'): the suffix '${suffix}' must be lowercase letters, digits and "-", at most ${MAX_SUFFIX} characters`);
    }
    this.values.string(valuePath, { default: '', pattern: OBJECT_NAME_OR_EMPTY, maxLength: options.maxLength ?? 253, description: options.description });
    return Tokens.string(`${OVERRIDABLE_CLUSTER_OBJECT_NAME}${suffix}:${valuePath}`, this.values);
  }

  public generateObjectName(apiObject: ApiObject): string {
    const suffix = this.suffixFor(apiObject);
    const volume = SOURCE_NAMED_KINDS.has(apiObject.kind) ? sourceVolumeOf(apiObject) : undefined;
    if (volume) {
      if ((volume as ApiObject).kind !== 'PersistentVolume') throw new Error(`[${apiObject.node.path}] is named by a volume's source, but ${volume.node.path} is no PersistentVolume`);
      const prefix = CLUSTER_SCOPED_KINDS.has(apiObject.kind) ? CLUSTER_SOURCE_NAME : SOURCE_NAME;
      return Tokens.string(`${prefix}${suffix}@${volume === apiObject ? suffix : this.suffixFor(volume as ApiObject)}`, this.values);
    }
    const prefix = CLUSTER_SCOPED_KINDS.has(apiObject.kind) ? CLUSTER_OBJECT_NAME : CONTENT_NAMED_KINDS.has(apiObject.kind) ? CONTENT_NAME : OBJECT_NAME;
    return Tokens.string(`${prefix}${suffix}`, this.values);
  }

  /** A readable, unique, DNS-safe suffix from the construct path below the chart. */
  private suffixFor(apiObject: ApiObject): string {
    const parts = apiObject.node.scopes
      .slice(this.node.scopes.length)
      .map((s) => s.node.id)
      .filter((id) => id !== 'Resource' && id !== 'Default' && id !== '');
    let suffix = parts
      .join('-')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    if (!suffix) suffix = apiObject.kind.toLowerCase();
    const hash = () => createHash('sha256').update(apiObject.node.path).digest('hex').slice(0, 8);
    if (suffix.length > MAX_SUFFIX) suffix = `${suffix.slice(0, MAX_SUFFIX - 9).replace(/-+$/, '')}-${hash()}`;
    const key = `${CLUSTER_SCOPED_KINDS.has(apiObject.kind) ? 'c' : 'n'}:${suffix}`;
    if (this.suffixes.has(key) && this.suffixes.get(key) !== apiObject.node.path) suffix = `${suffix.slice(0, MAX_SUFFIX - 9)}-${hash()}`;
    this.suffixes.set(key, apiObject.node.path);
    return suffix;
  }
}

/** The release a chart is rendered for (direct synthesis). */
export interface ReleaseInfo {
  readonly name: string;
  readonly namespace: string;
}

/**
 * Helm's usual full name, as `_helpers.tpl` computes it: the release name when it already
 * contains the chart name, else `<release>-<chart>`, cut to 63 characters without a trailing dash.
 */
export function fullnameOf(chartName: string, release: string, overrides: { nameOverride?: string; fullnameOverride?: string } = {}): string {
  if (overrides.fullnameOverride) return trunc63(overrides.fullnameOverride);
  const name = overrides.nameOverride || chartName;
  return trunc63(release.includes(name) ? release : `${release}-${name}`);
}

/** The name of one object: the suffix always whole, the full name cut to make room (see `_helpers.tpl`). */
export function objectNameOf(fullname: string, suffix: string, namespace?: string, reserve = 0): string {
  const base = namespace === undefined ? fullname : `${namespace}-${fullname}`;
  const room = 62 - reserve - suffix.length;
  return `${base.slice(0, room).replace(/-$/, '')}-${suffix}`;
}

/** The name of a content-named object: `<full name>-<suffix>-<hash>`, room kept for an index. */
export function contentNameOf(fullname: string, suffix: string, hash: string): string {
  return objectNameOf(fullname, `${suffix}-${hash}`, undefined, CONTENT_NAME_RESERVE);
}

function trunc63(s: string): string {
  return s.slice(0, 63).replace(/-$/, '');
}
