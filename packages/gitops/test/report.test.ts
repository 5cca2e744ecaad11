import { environmentFiles, fmtNumber, fmtUsd, fsxEstimate, fsxThroughput, gib, price, PRICING, s3Estimate, efsEstimate } from '../src';
import { parseAllDocuments } from 'yaml';
import { fixtureCatalog } from './fixtures/charts';
import { dev, efsOnly, prod } from './fixtures/environments';

const catalog = fixtureCatalog();
const readme = (env: typeof dev) => environmentFiles(env, catalog).get(`${env.name}/README.md`)!;

describe('pricing (src/prices.json and its confidence marks)', () => {
  test('FSx throughput = capacity (TiB) × per-unit throughput; SCRATCH_2 has a 200 MB/s/TiB baseline', () => {
    expect(fsxThroughput(1200, 'SCRATCH_2', undefined)).toEqual({ mbps: (1200 / 1024) * 200, perUnit: 200, burst: (1200 / 1024) * 1300 });
    // PERSISTENT_2 at 125 and 250 MB/s/TiB burst to 1,300 MB/s/TiB (network): the recommender's model, one for both.
    expect(fsxThroughput(4800, 'PERSISTENT_2', 250)).toEqual({ mbps: 1171.875, perUnit: 250, burst: (4800 / 1024) * 1300 });
    expect(fsxThroughput(4800, 'PERSISTENT_2', 500)).toEqual({ mbps: 2343.75, perUnit: 500 });
    expect(fsxThroughput(4800, 'PERSISTENT_2', undefined)).toBeUndefined();
  });

  test('FSx monthly = GB (converted from GiB) × price; an unconfirmed price is n/a, never a guess', () => {
    expect(fsxEstimate(1200, 'SCRATCH_2', 'SSD', undefined)).toEqual({ monthly: 1200 * 1.073741824 * 0.14, confidence: '✓', basis: '1,288.49 GB × $0.14/GB-month (AWS guidance, Apr 2025; Price List 2026-06-01)' });
    expect(fsxEstimate(2400, 'PERSISTENT_1', 'HDD', 12).confidence).toBe('?');
    expect(fsxEstimate(1200, 'SCRATCH_1', 'SSD', undefined)).toEqual({ basis: 'n/a: no confirmed price for SCRATCH_1 SSD' });
    expect(fsxEstimate(1200, 'PERSISTENT_2', 'SSD', 200)).toEqual({ basis: 'n/a: no confirmed price for PERSISTENT_2 SSD at 200 MB/s/TiB' });
  });

  test('EFS: storage billed by GB stored is n/a; Provisioned throughput has a known ceiling', () => {
    expect(efsEstimate(undefined, undefined).monthly).toBeUndefined();
    expect(efsEstimate('provisioned', 100)).toMatchObject({ monthly: 600, confidence: '~' });
  });

  test('S3 Standard is tiered above 50 TB; without a size it is n/a', () => {
    expect(s3Estimate(undefined).monthly).toBeUndefined();
    expect(s3Estimate(1024)!.monthly).toBeCloseTo(1024 * 1.073741824 * 0.023, 9);
    expect(s3Estimate(100 * 1024)!.monthly).toBeCloseTo(50 * 1024 * 0.023 + (100 * 1024 * 1.073741824 - 50 * 1024) * 0.022, 9);
  });

  test('the table states its region, date, source and marks', () => {
    expect([PRICING.region, PRICING.priceDate, PRICING.currency]).toEqual(['us-east-1', '2026-06-01', 'USD']);
    expect(PRICING.$comment).toContain('✓ confirmed');
  });

  test('number formatting does not depend on the locale', () => {
    expect([fmtNumber(1200), fmtNumber(1288.4902), fmtNumber(1234567.5, 0), fmtUsd(1082.3), price(0.3), price(0.023)]).toEqual(['1,200', '1,288.49', '1,234,568', '$1,082.30', '0.30', '0.023']);
    expect([gib(1200), gib('1200Gi'), gib('1.2Ti'), gib('x')]).toEqual([1200, 1200, 1228.8, undefined]);
  });
});

describe('the environment report (README.md)', () => {
  test('FSx: capacity, throughput and an estimate with region, date, source and mark beside it', () => {
    expect(readme(dev)).toContain(
      '| training | dataset | SCRATCH_2 (class strata-fsx-lustre, release storage-fsx-lustre) | SSD | 1,200 GiB | 1.172 TiB × 200 MB/s/TiB = 234 MB/s (burst 1,523) | $180.39 ✓ | 1,288.49 GB × $0.14/GB-month (AWS guidance, Apr 2025; Price List 2026-06-01) · us-east-1, 2026-06-01, AWS Price List |',
    );
    expect(readme(prod)).toContain('| training | dataset | PERSISTENT_2 (class strata-fsx-lustre, release storage-fsx-lustre) | SSD, LZ4 | 4,800 GiB | 4.688 TiB × 250 MB/s/TiB = 1,172 MB/s (burst 6,094) | $1,082.33 ~ |');
  });

  test('the deployment settings of a claim on strata-fsx-lustre come from the environment, not from what the chart assumed', () => {
    expect(readme(prod)).toContain('FSx for Lustre dataset: 4,800 GiB PERSISTENT_2');
  });

  test('EFS shows its mode; S3 and EFS storage without a size are n/a', () => {
    const r = readme(dev);
    expect(r).toContain('| inference | models/cache | access point per claim (class strata-efs, release storage-efs) | set on the file system (not stated) | n/a |');
    expect(r).toContain('| inference | models/bucket | models-bucket | models/ | ReadOnlyMany | emptyDir | n/a |');
    expect(r).toContain('| training | results | ckpt-bucket | runs/ | ReadWriteMany | — | $50.58 ✓ |');
  });

  test('is called an estimate, with the total of the priced items', () => {
    const r = readme(dev);
    expect(r).toContain('> **Estimates only**, in USD per month: us-east-1 list prices, 2026-06-01,');
    expect(r).toContain('**Estimated total: $230.97 per month** — an estimate from us-east-1 list prices of 2026-06-01; 2 item(s) marked n/a are not included.');
    expect(readme(prod)).toContain('us-east-1 list prices (the table has no us-west-2 prices; expect a difference)');
  });

  test('a Mermaid data-flow diagram per workload: S3 → FSx → pods, NVMe → S3', () => {
    const r = readme(dev);
    expect(r.match(/```mermaid\nflowchart/g)!.length).toBe(3); // one per workload (the fourth chart is the headroom's cost)
    expect(r).toContain('  x0[("s3://training-data/imagenet/")]\n');
    expect(r).toContain('  x0 -->|import| c1\n');
    expect(r).toContain('  c0 -->|sync| c2\n');
    expect(r).toContain('  c0 -->|hydrate| c1\n'); // inference: S3 bucket hydrates the EFS cache
  });

  test('Flux: how to point it here, and the reasons for the Kustomization settings', () => {
    const r = readme(efsOnly);
    expect(r).toContain('flux create kustomization strata --source=GitRepository/flux-system --path=./environments/efs-only --prune=true --interval=10m --export > clusters/efs-only/strata.yaml');
    // Kustomization timeouts follow their slowest HelmRelease (at least 10 minutes).
    expect(r).toContain('| apps | `apps`: inference | infra-configs | 10m | 2m | 10m | true | true |');
    expect(r).toContain('| release | timeout | longest wait | waits for Jobs | on failure |');
    expect(r).toContain('Not installed (no workload here uses them): aws-fsx-csi-driver.');
  });

  test('IRSA: the roles to create and the service accounts they trust', () => {
    expect(readme(dev)).toContain('| ml-dev | training-training | `arn:aws:iam::111122223333:role/dev-training` | training `serviceAccounts.training`');
    expect(readme(dev)).toContain('| kube-system | s3-csi-driver-sa | `arn:aws:iam::111122223333:role/dev-s3-csi` |');
  });

  test('an existing file system instead of the class: its claim appears (its condition holds), the binding claim is not counted twice, no FSx tier chart', () => {
    const env = { ...prod, workloads: { ...prod.workloads, training: { namespace: 'training', values: { dataset: { sizeGiB: 4800, storageClassName: '', existing: { enabled: true, fileSystemId: 'fs-0123456789abcdef0' } } } } } };
    const files = environmentFiles(env, catalog);
    const r = files.get('prod/README.md')!;
    expect(r).toContain('| training | dataset/existing | PERSISTENT_2, existing file system | SSD | 4,800 GiB | n/a (per-unit throughput not stated) | n/a |');
    expect(r).not.toContain('| training | dataset |');
    expect(files.has('prod/infrastructure/configs/storage-fsx-lustre.yaml')).toBe(false);
    expect(files.has('prod/infrastructure/controllers/aws-fsx-csi-driver.yaml')).toBe(true);
    // With the condition off (the defaults), the existing-file-system claim does not exist.
    expect(readme(prod)).not.toContain('dataset/existing');
  });

  test('a pinned version is flagged', () => {
    expect(readme(prod)).toContain('| inference | inference | 0.0.9 (pinned here) |');
    expect(readme(prod)).toContain('Pinned versions: the values above were checked against the charts in `charts/` (inference 0.1.0)');
  });

  test('"Releases over time" says of every release what its HelmRelease does on failure', () => {
    for (const env of [dev, prod, efsOnly]) {
      const files = environmentFiles(env, catalog);
      const strategies = new Map<string, string>();
      for (const [path, text] of files) {
        if (!path.endsWith('.yaml')) continue;
        for (const doc of parseAllDocuments(text)) {
          const o = doc.toJS() as { kind?: string; metadata?: { name: string }; spec?: { chartRef?: unknown; chart?: unknown; install?: { strategy?: { name: string } } } } | null;
          // Whole HelmReleases only: an environment's values patch carries no strategy of its own.
          if (o?.kind === 'HelmRelease' && (o.spec?.chartRef || o.spec?.chart)) strategies.set(o.metadata!.name, o.spec?.install?.strategy?.name ?? 'RemediateOnFailure');
        }
      }
      const rows = files.get(`${env.name}/README.md`)!.split('## Releases over time')[1].split('\n## ')[0].split('\n').filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| release '));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [name, , , , onFailure] = row.split(' | ').map((c) => c.replace(/^\| /, '').replace(/ \|$/, ''));
        expect([name, onFailure]).toEqual([name, strategies.get(name) === 'RetryOnFailure' ? 'retry in place' : 'remediate (uninstall or roll back, 3 retries)']);
      }
    }
  });

  test('tier charts retry in place: an uninstall would delete the NodePools, and Karpenter drain their nodes', () => {
    expect(readme(prod)).toContain('| storage-efs | 10m | nothing slower than the minimum | yes | retry in place |');
  });
});
