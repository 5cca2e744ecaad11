/**
 * What a scaffolded chart needs from an environment it is added to, and what the environment's
 * definition says of it. The generator writes a value only when the environment itself decides it
 * (the cluster's region, the deployment type of its FSx class, the zone of its subnet, the one bucket
 * its cloud section declares for the purpose); what only the user knows (other buckets, the workload's
 * IAM roles where no cloud section makes them) is listed for them to fill in, never guessed.
 */
import { Node } from 'ts-morph';
import { EnvironmentDefinitionFile } from '../environment-definition';
import { refuse } from '../option-rules';
import { PatternOption, StorageTierOption } from '../storage-tiers';

/** What a bucket holds, as an environment's `cloud.buckets[].purpose` says (@strata/cloud). */
export type BucketPurpose = 'models' | 'datasets' | 'checkpoints';

/** The values of a scaffold (per pattern and tier) that depend on the environment. */
export interface ScaffoldFacts {
  /** `aws.region`: the region of the chart's buckets (the templates default to us-east-1). */
  readonly region: boolean;
  /** The values path of the FSx deployment type the chart's claim assumes (fsx-lustre only). */
  readonly deploymentType?: string;
  /** The values path of the zone letter the pods and the file system share (distributed-dataset). */
  readonly zone?: string;
  /**
   * Bucket values, with the chart's default and what the bucket holds (a `cloud.buckets[].purpose`):
   * taken from the environment when its cloud section declares exactly one bucket of that purpose.
   */
  readonly buckets: readonly (readonly [path: string, chartDefault: string, purpose: BucketPurpose])[];
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
        buckets: [['model.bucket', 'ml-models', 'models']],
        serviceAccounts: storage === 's3' ? ['inference'] : ['hydration', 'inference'],
        ...(fsx ? { steps: ["once the FSx file system exists, hand its root to uid 1000 (chown 1000:1000 from an admin pod) before the first hydration: the chart records it as done (hydration.cacheRootPrepared)"] } : {}),
      };
    case 'training-checkpoint':
      return { region: true, buckets: [['checkpoints.bucket', 'ml-checkpoints', 'checkpoints']], serviceAccounts: ['training'] };
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
        buckets: storage === 's3' ? [['data.bucket', 'ml-data', 'datasets']] : [],
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
  const declared = cloudBuckets(env);
  for (const [path, chartDefault, purpose] of facts.buckets) {
    const mine = declared.filter((b) => b.purpose === purpose);
    if (mine.length === 1) {
      set(path, mine[0].name);
      taken.push(`${path} ${mine[0].name} (the one bucket of ${purpose} this environment's cloud section declares)`);
    } else fill.push(`values.${path}: this environment's bucket (until then the release uses the chart's default, "${chartDefault}")`);
  }
  fill.push(...(facts.steps ?? []));
  if (facts.serviceAccounts.length > 0 && env.has(['cloud', 'identity']) && !env.has(['identity', 'workloads'])) {
    taken.push(`roles of ${facts.serviceAccounts.join(', ')}: made by ACK with the policies the chart derives (cloud.identity)`);
  } else if (facts.serviceAccounts.length > 0) {
    fill.push(`identity.workloads['${workload}']: { ${facts.serviceAccounts.map((k) => `${k}: '<role ARN>'`).join(', ')} } (roles holding the policies the chart writes, iam-policies/<key>.json; generate refuses the environment until they are given)`);
  }
  return { ...(Object.keys(values).length > 0 ? { values } : {}), taken, fill };
}

/** The buckets an environment's cloud section declares with a literal name and purpose. */
function cloudBuckets(env: EnvironmentDefinitionFile): { name: string; purpose: string }[] {
  const list = env.property(['cloud', 'buckets'])?.getInitializer();
  if (!list || !Node.isArrayLiteralExpression(list)) return [];
  const out: { name: string; purpose: string }[] = [];
  for (const e of list.getElements()) {
    if (!Node.isObjectLiteralExpression(e)) continue;
    const text = (key: string) => {
      const p = e.getProperty(key);
      const init = p && Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
      return init && Node.isStringLiteral(init) ? init.getLiteralValue() : undefined;
    };
    const name = text('name');
    const purpose = text('purpose');
    if (name !== undefined && purpose !== undefined) out.push({ name, purpose });
  }
  return out;
}
