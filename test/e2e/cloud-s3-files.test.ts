/**
 * Issue 17, S3 Files in the cloud section, end to end through `npm run generate` on a copy of the
 * workspace: an environment declaring an S3 Files file system over an adopted, versioned bucket
 * generates (its charts rendered, the reference lint following the class's fileSystemIdConfigRef to
 * the FieldExport); two environments declaring one bucket are refused together.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, run, SLOW } from '../support/workspace';

const generate = (root: string): { ok: boolean; output: string } => {
  try {
    return { ok: true, output: run(root, [join(root, 'tools/scripts/generate.mjs')]) };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
};

/** dev's definition as a new environment "lab" (no committed output to compare with), its S3 Files class fed by ACK. */
function lab(root: string, bucket: string): string {
  const dev = readFileSync(join(root, 'environments/dev/environment.ts'), 'utf8');
  const cloud = `  cloud: {
    accountId: account,
    identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: role('ack-iam'), eks: role('ack-eks') } },
    buckets: [{ name: '${bucket}', purpose: 'datasets', adopt: 'adopt' }],
    s3FileSystems: [{ name: 'curated', bucket: '${bucket}' }],
  },
  storage: {`;
  const text = dev
    .replace("import { defineEnvironment, workload } from '@strata/gitops';", "import { cloudS3FileSystemIdRef, defineEnvironment, workload } from '@strata/gitops';")
    .replace("  name: 'dev',", "  name: 'lab',")
    .replace("cluster: { name: 'strata-dev',", "cluster: { name: 'strata-lab',")
    .replace("fileSystemId: 'fs-0a1b2c3d4e5f6071829', basePath", "fileSystemId: '', fileSystemIdConfigRef: cloudS3FileSystemIdRef('curated'), basePath")
    .replace('  storage: {', cloud);
  if (!text.includes("name: 'lab'") || !text.includes('s3FileSystems') || !text.includes("cloudS3FileSystemIdRef('curated')")) throw new Error('dev\'s definition changed shape: update this test');
  return text;
}

describe('S3 Files file systems through ACK, end to end', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
    mkdirSync(join(root, 'environments/lab'), { recursive: true });
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'lab generates: the file system, its export into the ConfigMap key the class names, the driver reading ConfigMap ids; the lint passes',
    () => {
      writeFileSync(join(root, 'environments/lab/environment.ts'), lab(root, 'strata-dev-datasets'));
      const out = generate(root);
      expect(out).toMatchObject({ ok: true });
      const resources = readFileSync(join(root, 'environments/lab/infrastructure/cloud/resources.yaml'), 'utf8');
      expect(resources).toContain('kind: FileSystem');
      expect(resources).toContain('key: s3files_curated_file_system_id');
      const configs = readFileSync(join(root, 'environments/lab/infrastructure/configs/storage-s3-files.yaml'), 'utf8');
      expect(configs).toContain('fileSystemIdConfigRef: flux-system/strata-cloud-values/s3files_curated_file_system_id');
      expect(readFileSync(join(root, 'environments/lab/infrastructure/controllers/aws-efs-csi-driver.yaml'), 'utf8')).toMatch(/fileSystemIdRefs:\s+enabled: true/);
      expect(readFileSync(join(root, 'environments/lab/README.md'), 'utf8')).toContain('### S3 Files file systems (ACK)');
    },
    SLOW,
  );

  test(
    'lab declaring prod\'s adopted bucket: refused, naming prod\'s declaration; nothing written',
    () => {
      writeFileSync(join(root, 'environments/lab/environment.ts'), lab(root, 'strata-prod-datasets'));
      const before = readFileSync(join(root, 'environments/lab/infrastructure/cloud/resources.yaml'), 'utf8');
      const out = generate(root);
      expect(out.ok).toBe(false);
      expect(out.output).toContain(
        "environments/prod/environment.ts: 'cloud.buckets[1].name' (\"strata-prod-datasets\") must be a bucket no other environment declares (environments/lab/environment.ts declares it at 'cloud.buckets[0].name')",
      );
      expect(readFileSync(join(root, 'environments/lab/infrastructure/cloud/resources.yaml'), 'utf8')).toBe(before);
    },
    SLOW,
  );
});
