import { S3_FILES_NODE_IDENTITY, s3FilesClientStatements } from '../src';

const FS = 'fs-0123456789abcdef01';

describe('S3 Files identities', () => {
  test('mounts authenticate as the EFS CSI node service account', () => {
    expect(S3_FILES_NODE_IDENTITY).toEqual({ key: 'efs-csi-node', serviceAccount: 'kube-system/efs-csi-node-sa' });
  });

  test('client statements: ClientMount, ClientWrite to write, ClientRootAccess for root, on exactly the file systems given', () => {
    expect(s3FilesClientStatements('models', [FS])).toEqual([
      { Sid: 'ModelsS3filesClient', Effect: 'Allow', Action: ['s3files:ClientMount'], Resource: [`arn:aws:s3files:*:*:file-system/${FS}`] },
    ]);
    expect(s3FilesClientStatements('data', [FS, 'fs-00112233445566778899'], { write: true, rootAccess: true }, { region: 'us-east-1', account: '123456789012' })).toEqual([
      {
        Sid: 'DataS3filesClient',
        Effect: 'Allow',
        Action: ['s3files:ClientMount', 's3files:ClientWrite', 's3files:ClientRootAccess'],
        Resource: [`arn:aws:s3files:us-east-1:123456789012:file-system/${FS}`, 'arn:aws:s3files:us-east-1:123456789012:file-system/fs-00112233445566778899'],
      },
    ]);
    expect(s3FilesClientStatements('none', [])).toEqual([]);
  });
});
