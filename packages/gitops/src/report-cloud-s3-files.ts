/**
 * The environment report's section on the S3 Files file systems ACK reconciles (cloud.s3FileSystems):
 * the bucket each shows, whether ACK created or adopted it, its role, its mount targets, and where
 * its id goes (FieldExport → ConfigMap key → the storage.s3-files release's fileSystemIdConfigRef).
 */
import type { EnvironmentPlan } from './plan';

export function cloudS3FilesReport(plan: EnvironmentPlan): string[] {
  const fs = plan.cloud?.s3FileSystems ?? [];
  if (fs.length === 0) return [];
  const out = [
    '### S3 Files file systems (ACK)',
    '',
    'Each is a file system view of a bucket with S3 Versioning on (S3 Files requires it), retained in AWS when its object is deleted or pruned. ' +
      'S3 Files assumes the file system\'s role (trusted by `elasticfilesystem.amazonaws.com`) to keep the bucket and the file system in step; the bucket and the role are named by ARN (the FileSystem CRD strata is typed from has no bucketRef or roleRef). ' +
      'Its id reaches the class through an ACK FieldExport into the ConfigMap key the release\'s `fileSystemIdConfigRef` names, read by the EFS CSI driver (`controller.fileSystemIdRefs.enabled`).',
    '',
    '| file system | bucket | existing file system | role | mount targets | id → |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of fs) {
    out.push(`| ${f.name} | \`${f.bucket}\`${f.prefix ? ` (\`${f.prefix}\`)` : ''} | ${f.adopt ? `adopted (${f.adopt})` : 'created by ACK'} | \`${f.roleArn}\` | ${f.mountTargets} | ${f.usedBy.length > 0 ? `\`${f.configRef}\` → ${f.usedBy.join(', ')}` : 'not exported (no release reads it)'} |`);
  }
  out.push('');
  return out;
}
