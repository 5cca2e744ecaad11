import { checkSummaries, cloudConfigMaps, summarize } from '../src';

/** infrastructure/cloud/resources.yaml as strata writes it: the ConfigMap, the file system, its FieldExport. */
const resources = (exportKey: string, source = 'datasets') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: strata-cloud-values
  namespace: flux-system
---
apiVersion: s3files.services.k8s.aws/v1alpha1
kind: FileSystem
metadata:
  name: ${source}
  namespace: flux-system
spec:
  bucket: arn:aws:s3:::strata-files-datasets
  roleARN: arn:aws:iam::111122223333:role/strata-files-s3files-datasets
---
apiVersion: services.k8s.aws/v1alpha1
kind: FieldExport
metadata:
  name: datasets-s3files-file-system-id
  namespace: flux-system
spec:
  from:
    resource: { group: s3files.services.k8s.aws, kind: FileSystem, name: datasets }
    path: .status.fileSystemID
  to: { kind: configmap, name: strata-cloud-values, namespace: flux-system, key: ${exportKey} }
`;
const storageClass = (ref: string) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'datasets' }, provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 's3files-ap', fileSystemIdConfigRef: ref } });
const check = (files: Map<string, string>, ref: string) => {
  const cloud = cloudConfigMaps(files, 'files');
  const summaries = [summarize([storageClass(ref)] as never), ...(cloud.objects.length > 0 ? [{ ...summarize(cloud.objects), configMapKeys: [...cloud.keys.entries()] }] : [])];
  return checkSummaries({ files: summaries }).problems;
};
const REF = 'flux-system/strata-cloud-values/s3files_datasets_file_system_id';

describe('the reference lint follows fileSystemIdConfigRef to the FieldExport that writes it', () => {
  test('the ConfigMap exists and a FieldExport of an existing file system writes the key: no problem', () => {
    const files = new Map([['files/infrastructure/cloud/resources.yaml', resources('s3files_datasets_file_system_id')]]);
    expect(cloudConfigMaps(files, 'files').keys).toEqual(new Map([['flux-system/strata-cloud-values', ['s3files_datasets_file_system_id']]]));
    expect(check(files, REF)).toEqual([]);
  });

  test('no FieldExport writes the key (another key, or its file system is not there): the key is named', () => {
    for (const files of [new Map([['files/infrastructure/cloud/resources.yaml', resources('s3files_models_file_system_id')]]), new Map([['files/infrastructure/cloud/resources.yaml', resources('s3files_datasets_file_system_id', 'other')]])]) {
      const written = cloudConfigMaps(files, 'files').keys.get('flux-system/strata-cloud-values')!;
      expect(check(files, REF)).toEqual([
        `files: StorageClass datasets parameters[fileSystemIdConfigRef]: ConfigMap flux-system/strata-cloud-values will have no key "s3files_datasets_file_system_id": no ACK FieldExport of files/infrastructure/cloud writes it (written: ${written.map((k) => JSON.stringify(k)).join(', ') || 'none'}); name a file system environments/files/environment.ts declares under cloud (cloudS3FileSystemIdRef('<name>') for cloud.s3FileSystems)`,
      ]);
    }
  });

  test('no cloud resources at all: the ConfigMap does not exist', () => {
    expect(check(new Map(), REF)).toEqual([
      "files: StorageClass datasets parameters[fileSystemIdConfigRef]: ConfigMap flux-system/strata-cloud-values does not exist in files: no release of files makes it, and environments/files/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { configMaps: [{ namespace: 'flux-system', name: 'strata-cloud-values' }] }",
    ]);
  });
});
