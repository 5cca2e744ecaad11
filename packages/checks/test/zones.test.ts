import { LifecycleEnvironment, lifecycleFacts, lifecycleFindings, Manifest } from '../src';

/**
 * Zones against the environment: a pod pinned to a zone outside the cluster's region stays
 * Pending (no subnet, no node); a pod reading a file system of the environment's FSx for Lustre
 * class must be pinned to the zone that class creates file systems in (its subnet's).
 */
const NS = 'ml';
const container = { name: 'main', image: 'busybox', resources: { requests: { cpu: '1', memory: '1Gi' } } };
const zoneTerm = (...zones: string[]) => ({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: zones }] }] });
function trainer(affinity?: Record<string, unknown>, claim = 'dataset'): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: NS }, spec: { storageClassName: 'strata-fsx-lustre' } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train', namespace: NS },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [container], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }], ...(affinity ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: affinity } } } : {}) } } },
    },
  ];
}
const env = (objects: Manifest[]): LifecycleEnvironment => ({
  name: 'dev',
  file: 'environments/dev/environment.ts',
  releases: [{ chart: 'train', releaseName: 'train', namespace: NS, layer: 'app', facts: lifecycleFacts(objects) }],
  controllers: new Map(),
  nodeGroups: [],
  region: 'us-east-1',
  fileSystemZones: [{ storageClass: 'strata-fsx-lustre', zone: 'us-east-1a' }],
});
const zoneFindings = (objects: Manifest[]) => lifecycleFindings(env(objects)).filter((f) => f.rule === 'zones').map((f) => f.message);

describe('zones against the environment', () => {
  test("pinned to the file system's zone, or to a Local Zone of the region, or not pinned: fine", () => {
    expect(zoneFindings(trainer(zoneTerm('us-east-1a')))).toEqual([]);
    expect(zoneFindings(trainer(zoneTerm('us-east-1a', 'us-east-1-bos-1a')))).toEqual([]);
    expect(zoneFindings(trainer())).toEqual([]);
  });

  test('a zone of another region: Pending forever', () => {
    expect(zoneFindings(trainer(zoneTerm('us-west-2a')))).toEqual([
      "environments/dev/environment.ts: [zones] release ml/train (chart train): Job ml/train is pinned to us-west-2a, outside the cluster's region us-east-1: no node can be launched there, so it stays Pending; pin it to a zone of us-east-1 (for a chart's zone letter: the letter of such a zone)",
    ]);
    // us-east-11a is not a zone of us-east-1.
    expect(zoneFindings(trainer(zoneTerm('us-east-11a')))).toHaveLength(1);
  });

  test("a reader of the environment's FSx class pinned away from its file systems' zone", () => {
    expect(zoneFindings(trainer(zoneTerm('us-east-1b')))).toEqual([
      'environments/dev/environment.ts: [zones] release ml/train (chart train): Job ml/train reads claim ml/dataset of class strata-fsx-lustre, whose file systems are created in us-east-1a (network.subnetId), but is pinned to us-east-1b: set the chart\'s zone value to us-east-1a\'s letter ("a"), or give the class a subnet in the pods\' zone',
    ]);
  });
});
