import LlmFinetuneChart from '../src/chart';
import { describeChart, render } from '@strata/chart-testing';

const EXISTING = {
  storageClassName: '',
  existingFileSystem: {
    enabled: true,
    fileSystemId: 'fs-0123456789abcdef0',
    mountName: 'abcdef12',
    associationId: 'dra-0123456789abcdef0',
  },
  zone: 'b',
  path: 'instructions/',
  size: 4800,
};

const { dir } = describeChart({
  name: 'llm-finetune',
  Chart: LlmFinetuneChart,
  kinds: ['Job', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount'],
  allOn: { dataset: EXISTING },
  allOnKinds: ['Job', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount'],
  invalid: [
    [{ dataset: { size: 1300 } }, 'dataset.size: Must validate all the schemas (allOf)'],
    [{ dataset: { zone: 'use1-az1' } }, 'dataset.zone: dataset.zone must be one of the following: "a", "b", "c", "d", "e", "f"'],
    [{ dataset: { existingFileSystem: { enabled: true } } }, 'dataset.existingFileSystem.fileSystemId: Must not validate the schema (not)'],
    [{ dataset: { ...EXISTING, storageClassName: 'strata-fsx-lustre' } }, 'dataset.storageClassName: dataset.storageClassName must be one of the following: ""'],
    [{ dataset: { storageClassName: '' } }, 'dataset.storageClassName: String length must be greater than or equal to 1'],
    [{ dataset: { existingFileSystem: { mountName: 'much-too-long' } } }, 'dataset.existingFileSystem.mountName: Does not match pattern'],
    [{ dataset: { existingFileSystem: { associationId: 'dra-xyz' } } }, 'dataset.existingFileSystem.associationId: Does not match pattern'],
    [{ dataset: { existingFileSystem: { fileSystemId: 'fs-12' } } }, 'dataset.existingFileSystem.fileSystemId: Does not match pattern'],
    [{ dataset: { path: '/data' } }, 'dataset.path: Does not match pattern'],
    [{ checkpoints: { checkpointSize: 0 } }, 'checkpoints.checkpointSize: Must be greater than or equal to 1'],
    [{ checkpoints: { run: 'a/b' } }, 'checkpoints.run: Does not match pattern'],
    [{ checkpoints: { bucket: 's3://ml-checkpoints' } }, 'checkpoints.bucket: Does not match pattern'],
    [{ checkpoints: { size: 5 } }, 'checkpoints.size: Must be greater than or equal to 10'],
    [{ trainer: { workers: 0 } }, 'trainer.workers: Must be greater than or equal to 1'],
    [{ trainer: { command: [] } }, 'trainer.command: Array must have at least 1 items'],
  ],
});

describe('llm-finetune release', () => {
  test('the training pod: restore, then the sync sidecar (restartPolicy Always), grace = the flush of its checkpoint, read-only dataset in its zone', async () => {
    const objs = await render(dir, { checkpoints: { checkpointSize: 8 } }, { skipTests: true });
    const job = objs.find((o) => o.kind === 'Job');
    const pod = job.spec.template.spec;
    expect(job.spec.completionMode).toBe('Indexed');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['restore-checkpoint', undefined], ['checkpoint-sync', 'Always']]);
    // 8 GiB written at 1000 MiB/s and uploaded at 250 MiB/s: ceil(8192 × 1250 / 250000) + 15, computed by Helm.
    expect(pod.terminationGracePeriodSeconds).toBe(56);
    expect(job.spec.template.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'v1' });
    // One term: on-demand nodes (checkpoints on node-local NVMe) in the file system's zone.
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ],
      },
    ]);
    const zoned = (await render(dir, { aws: { region: 'eu-west-1' }, dataset: { zone: 'c' } }, { skipTests: true })).find((o) => o.kind === 'Job');
    expect(zoned.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values).toEqual(['eu-west-1c']);
    expect(pod.containers[0].resources.requests['ephemeral-storage']).toBe('500Gi');
  });

  test('an existing PERSISTENT_2 file system is pre-bound to the dataset claim instead of provisioning one', async () => {
    const objs = await render(dir, { dataset: EXISTING, aws: { region: 'us-west-2' } }, { skipTests: true });
    const pv = objs.find((o) => o.kind === 'PersistentVolume');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(claim.spec.storageClassName).toBe('');
    expect(pv.spec.storageClassName).toBe('');
    expect(pv.spec.claimRef).toEqual({ name: claim.metadata.name, namespace: 'ns' });
    expect(pv.spec.csi).toEqual({
      driver: 'fsx.csi.aws.com',
      volumeHandle: 'fs-0123456789abcdef0',
      volumeAttributes: { dnsname: 'fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com', mountname: 'abcdef12' },
    });
    expect(pv.spec.capacity.storage).toBe('4800Gi');
    const pod = objs.find((o) => o.kind === 'Job').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'instructions/v1' });
  });
});
