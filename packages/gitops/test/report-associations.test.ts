/**
 * The environment report's section on FSx data repository associations (issue 16): each association a
 * claim links, what it imports and exports, who makes it (nothing in the cluster does), the CLI
 * command for those whose maker is not stated, and that the FSx classes' file systems get none.
 */
import { associationsReport, createCommand, EnvironmentPlan, overlaps, reportedAssociations } from '../src';

type Plan = Pick<EnvironmentPlan, 'workloads' | 'tiers'>;
const sentence = (id: string, s3: string, dir: string, imports: string, exports: string, by?: string, batch = false) =>
  `${id} links ${s3} to ${dir}; imports automatically: ${imports}${batch ? ' (and imported the existing objects when made)' : ''}; exports automatically: ${exports}; ` +
  `made outside Kubernetes ${by ? `by ${by}` : '(by whom is not stated)'}: the FSx CSI driver creates no association`;
const workload = (name: string, claims: { name: string; tier: string; facts: Record<string, unknown> }[]) => ({ name, claims }) as unknown as EnvironmentPlan['workloads'][number];
const tier = (release: string, storageClassName: string, merged: Record<string, unknown>) => ({ tier: { tier: 'fsx-lustre' }, release, storageClassName, merged }) as unknown as EnvironmentPlan['tiers'][number];

const plan: Plan = {
  workloads: [
    workload('training', [
      {
        name: 'dataset/existing/fsx',
        tier: 'fsx-lustre',
        facts: {
          fileSystemId: 'fs-0123456789abcdef0',
          associations: [
            sentence('dra-0123456789abcdef0', 's3://ml-datasets/pile/', '/pile/', 'NEW, CHANGED, DELETED', 'nothing', "the data team's Terraform", true),
            sentence('dra-0123456789abcdef1', 's3://ml-results/', '/results/', 'nothing', 'NEW, CHANGED'),
          ].join(' | '),
        },
      },
      { name: 'scratch', tier: 'instance-store', facts: { kind: 'emptyDir' } },
    ]),
    workload('serving', [{ name: 'models', tier: 'efs', facts: {} }]),
  ],
  tiers: [tier('fsx-scratch', 'fsx-scratch', { deploymentType: 'SCRATCH_2', s3ImportPath: 's3://ml-datasets/' }), tier('fsx-persistent', 'fsx-persistent', { deploymentType: 'PERSISTENT_2', s3ImportPath: '' })],
};

describe('environment report: who makes each FSx data repository association', () => {
  test('every association of every FSx claim, read from the facts the FSx constructs write', () => {
    expect(reportedAssociations(plan)).toEqual([
      { workload: 'training', claim: 'dataset/existing/fsx', fileSystemId: 'fs-0123456789abcdef0', associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/pile/', autoImport: 'NEW, CHANGED, DELETED', importedExisting: true, autoExport: 'nothing', createdBy: "the data team's Terraform" },
      { workload: 'training', claim: 'dataset/existing/fsx', fileSystemId: 'fs-0123456789abcdef0', associationId: 'dra-0123456789abcdef1', dataRepositoryPath: 's3://ml-results/', fileSystemPath: '/results/', autoImport: 'nothing', importedExisting: false, autoExport: 'NEW, CHANGED' },
    ]);
  });

  test('the whole section: the table, the data flow, the command for the association no one is said to make, the classes whose file systems get none', () => {
    expect(associationsReport(plan).join('\n')).toBe(
      [
        '### FSx for Lustre data repository associations',
        '',
        "A data repository association links one directory of a file system to one S3 prefix, with what it imports and exports by itself. Nothing in this cluster makes one: the FSx CSI driver creates file systems and no association (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L343), and ACK's FSx controller makes file systems only (aws-controllers-k8s/fsx-controller@0aaa536b9277feade37103be6cfab07d14fc6ff9:apis/v1alpha1/generator.yaml leaves `DataRepositoryAssociation` out). Each association below is made in AWS by whoever the chart names (the AWS console, the CLI command given, or infrastructure code), before the workload runs; deleting it is theirs too.",
        '',
        '| workload | claim | file system | association | file system directory | S3 | imports by itself | exports by itself | made by |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        "| training | dataset/existing/fsx | `fs-0123456789abcdef0` | `dra-0123456789abcdef0` | `/pile/` | `s3://ml-datasets/pile/` | NEW, CHANGED, DELETED (existing objects imported when made) | nothing | the data team's Terraform |",
        '| training | dataset/existing/fsx | `fs-0123456789abcdef0` | `dra-0123456789abcdef1` | `/results/` | `s3://ml-results/` | nothing | NEW, CHANGED | not stated: a person, outside Kubernetes (see the command below) |',
        '',
        '```mermaid',
        'flowchart LR',
        '  s0[("s3://ml-datasets/pile/")]',
        '  f0["fs-0123456789abcdef0:/pile/"]',
        '  s0 -- "import: NEW, CHANGED, DELETED" --> f0',
        '  s1[("s3://ml-results/")]',
        '  f1["fs-0123456789abcdef0:/results/"]',
        '  f1 -- "export: NEW, CHANGED" --> s1',
        '```',
        '',
        'To make an association the charts describe without saying who makes it (CreateDataRepositoryAssociation; `not stated` policies are left to FSx defaults):',
        '',
        '```sh',
        "aws fsx create-data-repository-association --file-system-id fs-0123456789abcdef0 --file-system-path /results/ --data-repository-path s3://ml-results/ --s3 'AutoImportPolicy={Events=[]},AutoExportPolicy={Events=[NEW,CHANGED]}'",
        '```',
        '',
        '| FSx class (tier release) | deployment type | associations of its file systems |',
        '| --- | --- | --- |',
        '| `fsx-scratch` (fsx-scratch) | SCRATCH_2 | none: the class links s3://ml-datasets/ when the driver creates each file system (s3ImportPath, no association) |',
        '| `fsx-persistent` (fsx-persistent) | PERSISTENT_2 | none: each file system the driver creates has no S3 link until someone makes an association for it (aws fsx create-data-repository-association --file-system-id <its id> …) |',
        '',
      ].join('\n'),
    );
  });

  test('policies not stated: a dotted link, and the command leaves them to FSx', () => {
    const one: Plan = { tiers: [], workloads: [workload('w', [{ name: 'c', tier: 'fsx-lustre', facts: { associations: sentence('dra-0123456789abcdef0', 's3://b/p/', '/', 'not stated', 'not stated') } }])] };
    const lines = associationsReport(one);
    expect(lines).toContain('  s0 -. "linked; policies not stated" .- f0');
    expect(lines).toContain('  f0["file system:/"]');
    expect(createCommand(reportedAssociations(one)[0])).toBe('aws fsx create-data-repository-association --file-system-id <file system id> --file-system-path / --data-repository-path s3://b/p/');
  });

  test('two claims describing associations of one file system that overlap: said in bold, FSx would refuse one', () => {
    const fs = 'fs-0c2d3e4f5a6b70819';
    const two: Plan = {
      tiers: [],
      workloads: [
        workload('fsdp', [{ name: 'dataset', tier: 'fsx-lustre', facts: { fileSystemId: fs, associations: sentence('dra-0c2d3e4f5a6b70819', 's3://d/corpus/', '/corpus/', 'not stated', 'not stated') } }]),
        workload('finetune', [{ name: 'dataset', tier: 'fsx-lustre', facts: { fileSystemId: fs, associations: sentence('dra-0c2d3e4f5a6b7081a', 's3://d/instructions/', '/', 'not stated', 'not stated') } }]),
        // The same association described by two claims is one association, not an overlap.
        workload('again', [{ name: 'dataset', tier: 'fsx-lustre', facts: { fileSystemId: fs, associations: sentence('dra-0c2d3e4f5a6b70819', 's3://d/corpus/', '/corpus/', 'not stated', 'not stated') } }]),
      ],
    };
    expect(overlaps(reportedAssociations(two))).toEqual([
      'fs-0c2d3e4f5a6b70819: dra-0c2d3e4f5a6b7081a (finetune dataset, /) and dra-0c2d3e4f5a6b70819 (fsdp dataset, /corpus/) overlap; FSx allows neither overlapping directories nor "/" beside another association: one of them cannot exist as described — check the ids and directories with aws fsx describe-data-repository-associations',
      'fs-0c2d3e4f5a6b70819: dra-0c2d3e4f5a6b70819 (again dataset, /corpus/) and dra-0c2d3e4f5a6b7081a (finetune dataset, /) overlap; FSx allows neither overlapping directories nor "/" beside another association: one of them cannot exist as described — check the ids and directories with aws fsx describe-data-repository-associations',
    ]);
    expect(associationsReport(two).filter((l) => l.startsWith('**'))).toHaveLength(2);
  });

  test('no FSx storage, no section', () => {
    expect(associationsReport({ tiers: [], workloads: [workload('w', [{ name: 'c', tier: 'efs', facts: {} }])] })).toEqual([]);
  });
});
