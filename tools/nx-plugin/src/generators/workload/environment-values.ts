/**
 * What a scaffolded chart needs from an environment it is added to, and what the environment's
 * definition says of it. The generator writes a value only when the environment itself decides it
 * (the cluster's region, the deployment type of its FSx class, the zone of its subnet); what only
 * the user knows (buckets, the workload's IAM roles) is listed for them to fill in, never guessed.
 */
import { EnvironmentDefinitionFile } from '../environment-definition';
import { refuse } from '../option-rules';
import { PatternOption, StorageTierOption } from '../storage-tiers';

/** The values of a scaffold (per pattern and tier) that depend on the environment. */
export interface ScaffoldFacts {
  /** `aws.region`: the region of the chart's buckets (the templates default to us-east-1). */
  readonly region: boolean;
  /** The values path of the FSx deployment type the chart's claim assumes (fsx-lustre only). */
  readonly deploymentType?: string;
  /** The values path of the zone letter the pods and the file system share (distributed-dataset). */
  readonly zone?: string;
  /** Bucket values, with the chart's default: only the user knows the real ones. */
  readonly buckets: readonly (readonly [path: string, chartDefault: string])[];
  /**
   * The chart's service accounts (`serviceAccounts.<key>`) it writes an IAM policy for
   * (iam-policies/<key>.json): each needs a role in every environment (generate refuses it without one).
   */
  readonly serviceAccounts: readonly string[];
  /** Steps outside the chart, once per environment. */
  readonly steps?: readonly string[];
  /**
   * The values of a dataset an FSx file system imports from S3 (distributed-dataset): its bucket,
   * its key prefix, and its folder in the file system. The environment's FSx class decides where
   * the file system imports from (storage.fsx-lustre.s3ImportPath); the dataset goes below it.
   */
  readonly dataset?: { readonly bucket: string; readonly prefix: string; readonly path: string };
}

/** The FSx deployment type the scaffolds default to: the storage-fsx-lustre chart's default class. */
export const SCAFFOLD_DEPLOYMENT_TYPE = 'SCRATCH_2';
/** The zone letter the distributed-dataset scaffold defaults to. */
export const SCAFFOLD_ZONE = 'a';

export function scaffoldFacts(pattern: PatternOption, storage: StorageTierOption): ScaffoldFacts {
  const fsx = storage === 'fsx-lustre';
  switch (pattern) {
    case 'model-repository':
      return {
        region: true,
        ...(fsx ? { deploymentType: 'cache.deploymentType' } : {}),
        buckets: [['model.bucket', 'ml-models']],
        serviceAccounts: storage === 's3' ? ['inference'] : ['hydration', 'inference'],
        ...(fsx ? { steps: ["once the FSx file system exists, hand its root to uid 1000 (chown 1000:1000 from an admin pod) before the first hydration: the chart records it as done (hydration.cacheRootPrepared)"] } : {}),
      };
    case 'training-checkpoint':
      return { region: true, buckets: [['checkpoints.bucket', 'ml-checkpoints']], serviceAccounts: ['training'] };
    case 'distributed-dataset':
      return {
        region: true,
        deploymentType: 'dataset.deploymentType',
        zone: 'dataset.zone',
        buckets: [],
        // The file system imports the dataset itself: the training pods read no S3, and get no policy.
        serviceAccounts: [],
        dataset: { bucket: 'dataset.bucket', prefix: 'dataset.prefix', path: 'dataset.path' },
      };
    default:
      return {
        region: storage === 's3',
        ...(fsx ? { deploymentType: 'data.deploymentType' } : {}),
        buckets: storage === 's3' ? [['data.bucket', 'ml-data']] : [],
        // Only the Mountpoint volume reads S3 with the pod's own credentials.
        serviceAccounts: storage === 's3' ? ['app'] : [],
      };
  }
}

/** What the generator writes into one environment for a new workload, and what it tells the user. */
export interface EnvironmentValues {
  /** The values written in the workload's entry (undefined: none). */
  readonly values?: { [key: string]: unknown };
  /** What was taken from the environment, for the output: "aws.region us-west-2 (the cluster's region)". */
  readonly taken: string[];
  /** What the user must fill in before deploying. */
  readonly fill: string[];
}

export function environmentValues(workload: string, facts: ScaffoldFacts, env: EnvironmentDefinitionFile): EnvironmentValues {
  const values: { [key: string]: unknown } = {};
  const taken: string[] = [];
  const fill: string[] = [];
  const set = (path: string, value: string) => {
    const keys = path.split('.');
    let at = values;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as { [key: string]: unknown };
    at[keys[keys.length - 1]] = value;
  };
  if (facts.region) {
    const region = env.literal(['cluster', 'region']);
    if (region !== undefined) {
      set('aws.region', region);
      taken.push(`aws.region ${region} (the cluster's region: where the chart's buckets are looked for)`);
    } else fill.push("values.aws.region: the region of the workload's buckets (cluster.region is not a literal here)");
  }
  if (facts.deploymentType) {
    // The class strata installs for FSx (storage-fsx-lustre) takes the environment's storage.fsx-lustre.deploymentType.
    const own = env.literal(['storage', 'fsx-lustre', 'deploymentType']);
    if (own !== undefined && own !== SCAFFOLD_DEPLOYMENT_TYPE) {
      set(facts.deploymentType, own);
      taken.push(`${facts.deploymentType} ${own} (this environment's strata-fsx-lustre class)`);
    } else if (own === undefined && env.has(['storage', 'fsx-lustre', 'deploymentType'])) {
      fill.push(`values.${facts.deploymentType}: the deploymentType of this environment's strata-fsx-lustre class (storage.fsx-lustre.deploymentType is not a literal here)`);
    }
  }
  if (facts.zone) {
    // The file system is made in the FSx class's subnet: network.subnetId, unless storage.fsx-lustre.subnetId overrides it.
    const zone = env.literal(['network', 'availabilityZone']);
    const letter = zone !== undefined ? /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d([a-z])$/.exec(zone)?.[2] : undefined;
    if (letter !== undefined && !env.has(['storage', 'fsx-lustre', 'subnetId'])) {
      if (letter !== SCAFFOLD_ZONE) set(facts.zone, letter);
      taken.push(`${facts.zone} ${letter} (network.availabilityZone ${zone}: the file system's subnet)`);
    } else fill.push(`values.${facts.zone}: the zone letter of the FSx file system's subnet (the pods run there)`);
  }
  if (facts.dataset) {
    // The file system imports what the class links: the dataset must be there, or it starts empty.
    const linked = env.literal(['storage', 'fsx-lustre', 's3ImportPath']);
    const m = linked !== undefined ? /^s3:\/\/([a-z0-9][a-z0-9.-]*[a-z0-9])(\/.*)?$/.exec(linked) : null;
    if (!m) {
      refuse(
        '--environments',
        env.file.path.split('/')[1],
        "environments whose strata-fsx-lustre class links the dataset's bucket (storage.fsx-lustre.s3ImportPath, e.g. 's3://<bucket>')",
        `${env.file.path} ${linked === undefined ? 'sets no s3ImportPath' : `links ${JSON.stringify(linked)}, which is not an s3:// path`}: the file system would start without the dataset; link the class there first, or leave this environment out`,
      );
    }
    const root = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    set(facts.dataset.bucket, m[1]);
    set(facts.dataset.prefix, `${root ? `${root}/` : ''}${workload}/`);
    set(facts.dataset.path, `${workload}/`);
    taken.push(`${facts.dataset.bucket} ${m[1]}, ${facts.dataset.prefix} ${root ? `${root}/` : ''}${workload}/, ${facts.dataset.path} ${workload}/ (below s3ImportPath ${linked}, what this environment's strata-fsx-lustre class imports)`);
  }
  for (const [path, chartDefault] of facts.buckets) fill.push(`values.${path}: this environment's bucket (until then the release uses the chart's default, "${chartDefault}")`);
  fill.push(...(facts.steps ?? []));
  if (facts.serviceAccounts.length > 0) {
    fill.push(`identity.workloads['${workload}']: { ${facts.serviceAccounts.map((k) => `${k}: '<role ARN>'`).join(', ')} } (roles holding the policies the chart writes, iam-policies/<key>.json; generate refuses the environment until they are given)`);
  }
  return { ...(Object.keys(values).length > 0 ? { values } : {}), taken, fill };
}
