import { catalogFromTree, cloudOwnerProblems, environmentsFromDefinitions, EnvironmentError, LoadedEnvironment } from '../src';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

const account = '111122223333';
const cloud = (buckets: object[], fileSystems: object[] = []) => ({
  accountId: account,
  identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: `arn:aws:iam::${account}:role/ack-iam`, eks: `arn:aws:iam::${account}:role/ack-eks` } },
  buckets,
  fileSystems,
});
const env = (name: string, buckets: object[], fileSystems: object[] = []): LoadedEnvironment => ({
  name,
  file: `environments/${name}/environment.ts`,
  definition: withChanges(dev, (e) => {
    e.name = name;
    e.cloud = cloud(buckets, fileSystems);
  }),
});

describe('one owner per AWS resource across environments', () => {
  const a = env('dev', [{ name: 'strata-shared-models', purpose: 'models', adopt: 'adopt' }, { name: 'strata-dev-checkpoints', purpose: 'checkpoints' }], [{ name: 'shared', adoptFileSystemId: 'fs-0fedcba9876543210' }]);
  const b = env('staging', [{ name: 'strata-staging-checkpoints', purpose: 'checkpoints' }, { name: 'strata-shared-models', purpose: 'models', adopt: 'adopt' }], [{ name: 'cache', adoptFileSystemId: 'fs-0fedcba9876543210' }]);

  test('a bucket or an adopted file system declared by two environments: an error at the second, naming the first, with the fix', () => {
    expect(cloudOwnerProblems([a, b])).toEqual([
      "environments/staging/environment.ts: 'cloud.buckets[1].name' (\"strata-shared-models\") must be a bucket no other environment declares (environments/dev/environment.ts declares it at 'cloud.buckets[0].name'); one environment owns each AWS resource: the ACK controllers of two clusters would overwrite each other's versioning, lifecycle rules, encryption and public access block on every resync. Keep the declaration in one environment and remove it here (this environment's workloads can still use the bucket), or give this environment its own bucket",
      "environments/staging/environment.ts: 'cloud.fileSystems[0].adoptFileSystemId' (\"fs-0fedcba9876543210\") must be a file system no other environment declares (environments/dev/environment.ts declares it at 'cloud.fileSystems[0].adoptFileSystemId'); one environment owns each AWS resource: the ACK controllers of two clusters would overwrite each other's lifecycle management and backup policy on every resync. Keep the declaration in one environment and remove it here (this environment's workloads can still use the file system), or give this environment its own file system",
    ]);
  });

  test('distinct resources, environments without cloud, and file systems ACK creates (no id yet) pass', () => {
    const c = env('prod', [{ name: 'strata-prod-models', purpose: 'models' }], [{ name: 'shared' }]);
    const d = env('lab', [], [{ name: 'shared' }]);
    expect(cloudOwnerProblems([a, c, d, { name: 'qa', file: 'environments/qa/environment.ts', definition: dev }])).toEqual([]);
  });

  test('generate refuses the environments together: nothing is written', () => {
    const catalog = catalogFromTree(fixtureChartTree());
    let error: EnvironmentError | undefined;
    try {
      environmentsFromDefinitions([a, b], catalog);
    } catch (e) {
      error = e as EnvironmentError;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error!.errors.filter((m) => m.includes('no other environment declares'))).toHaveLength(2);
  });
});

test('an adopted S3 Files file system declared by two environments is refused too', () => {
  const a = env('dev', [], []);
  const b = env('staging', [], []);
  (a.definition.cloud as any).s3FileSystems = [{ name: 'datasets', bucket: 'x', adoptFileSystemId: 'fs-0123456789abcdef01' }];
  (b.definition.cloud as any).s3FileSystems = [{ name: 'curated', bucket: 'y', adoptFileSystemId: 'fs-0123456789abcdef01' }];
  expect(cloudOwnerProblems([a, b])).toEqual([
    "environments/staging/environment.ts: 'cloud.s3FileSystems[0].adoptFileSystemId' (\"fs-0123456789abcdef01\") must be an S3 Files file system no other environment declares (environments/dev/environment.ts declares it at 'cloud.s3FileSystems[0].adoptFileSystemId'); one environment owns each AWS resource: the ACK controllers of two clusters would overwrite each other's tags and mount targets on every resync. Keep the declaration in one environment and remove it here (this environment's workloads can still use the S3 Files file system), or give this environment its own S3 Files file system",
  ]);
});
