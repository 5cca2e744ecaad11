/**
 * The environment report reads what the FSx constructs write of their data repository associations
 * (@strata/storage associationFacts → @strata/gitops reportedAssociations): every field a
 * description gives comes back, whatever is stated or left out.
 */
import { Chart, Size, Testing } from 'cdk8s';
import { FsxDataRepositoryEvent, FsxDataRepositoryAssociation, FsxDeploymentType, FsxLustre } from '@strata/storage';
import { storageOf } from '@strata/tokens';
import { EnvironmentPlan, reportedAssociations } from '@strata/gitops';

/** The facts FsxLustre.fromFileSystem writes of an existing file system with these associations. */
function associationFacts(associations: FsxDataRepositoryAssociation[]): Record<string, unknown> {
  const chart = new Chart(Testing.app(), 'test');
  const id = 'fs-0123456789abcdef0';
  FsxLustre.fromFileSystem(chart, 'fsx', { fileSystemId: id, dnsName: `${id}.fsx.us-east-1.amazonaws.com`, mountName: 'abcdef12', storage: Size.gibibytes(2400), deploymentType: FsxDeploymentType.PERSISTENT_2, associations });
  Testing.synth(chart);
  return { ...storageOf(chart)[0].description.facts };
}

test('every sentence associationFacts writes is read back whole by the report', () => {
  const facts = associationFacts([
    { associationId: 'dra-0123456789abcdef012', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/pile/', autoImport: [FsxDataRepositoryEvent.NEW, FsxDataRepositoryEvent.CHANGED], autoExport: [], batchImportMetaDataOnCreate: true, createdBy: "the data team's Terraform" },
    { associationId: 'dra-0123456789abcdef1', dataRepositoryPath: 's3://ml-results/', fileSystemPath: '/results', autoExport: [FsxDataRepositoryEvent.NEW] },
  ]);
  const plan = { workloads: [{ name: 'w', claims: [{ name: 'c', tier: 'fsx-lustre', facts }] }] } as unknown as Pick<EnvironmentPlan, 'workloads'>;
  expect(reportedAssociations(plan)).toEqual([
    { workload: 'w', claim: 'c', fileSystemId: 'fs-0123456789abcdef0', associationId: 'dra-0123456789abcdef012', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/pile/', autoImport: 'NEW, CHANGED', importedExisting: true, autoExport: 'nothing', createdBy: "the data team's Terraform" },
    { workload: 'w', claim: 'c', fileSystemId: 'fs-0123456789abcdef0', associationId: 'dra-0123456789abcdef1', dataRepositoryPath: 's3://ml-results/', fileSystemPath: '/results', autoImport: 'not stated', importedExisting: false, autoExport: 'NEW' },
  ]);
});
