import { Size } from 'cdk8s';
import { storageOf } from '@strata/tokens';
import { FsxDataRepositoryAssociation, FsxDataRepositoryEvent, FsxDeploymentType, FsxLustre } from '../src/fsx-lustre';
import { newChart, synthErrors, synthValid, warnings } from './testing';

const FS = { fileSystemId: 'fs-0199e5a63bd90f796', dnsName: 'fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com', mountName: 'abcdef12', storage: Size.gibibytes(2400), deploymentType: FsxDeploymentType.PERSISTENT_2 };
const { NEW, CHANGED, DELETED } = FsxDataRepositoryEvent;

/** The associations of the data team's file system: a dataset imported, results exported. */
const DATASETS: FsxDataRepositoryAssociation = {
  associationId: 'dra-0123456789abcdef0',
  dataRepositoryPath: 's3://ml-datasets/pile/',
  fileSystemPath: '/datasets/pile/',
  autoImport: [NEW, CHANGED, DELETED],
  autoExport: [],
  batchImportMetaDataOnCreate: true,
  importedFileChunkSize: 1024,
  createdBy: 'the data team\'s Terraform',
};
const RESULTS: FsxDataRepositoryAssociation = { associationId: 'dra-0123456789abcdef1', dataRepositoryPath: 's3://ml-results/', fileSystemPath: '/results', autoImport: [], autoExport: [NEW, CHANGED] };

describe('data repository associations of an existing file system', () => {
  test('what each links, imports and exports, and who makes it, become facts of the claim for the environment report', () => {
    const chart = newChart();
    FsxLustre.fromFileSystem(chart, 'fsx', { ...FS, associations: [DATASETS, RESULTS] });
    synthValid(chart);
    expect(warnings(chart)).toEqual([]);
    expect(storageOf(chart).map((s) => s.description.facts)).toEqual([
      {
        capacityGiB: 2400,
        deploymentType: 'PERSISTENT_2',
        source: 'existing file system',
        // The report names the file system each association belongs to.
        fileSystemId: 'fs-0199e5a63bd90f796',
        associations:
          'dra-0123456789abcdef0 links s3://ml-datasets/pile/ to /datasets/pile/; imports automatically: NEW, CHANGED, DELETED (and imported the existing objects when made); exports automatically: nothing; made outside Kubernetes by the data team\'s Terraform: the FSx CSI driver creates no association | ' +
          'dra-0123456789abcdef1 links s3://ml-results/ to /results; imports automatically: nothing; exports automatically: NEW, CHANGED; made outside Kubernetes (by whom is not stated): the FSx CSI driver creates no association',
        // The report's data flow draws these as import and export edges.
        s3ImportPath: 's3://ml-datasets/pile/',
        s3ExportPath: 's3://ml-results/',
      },
    ]);
  });

  test('fields left out are unknown: not checked, "not stated" in the report', () => {
    const chart = newChart();
    FsxLustre.fromFileSystem(chart, 'fsx', { ...FS, associations: [{ associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/' }] });
    expect(synthErrors(chart)).toEqual([]);
    expect(storageOf(chart)[0].description.facts.associations).toBe(
      'dra-0123456789abcdef0 links s3://ml-datasets/pile/ to /; imports automatically: not stated; exports automatically: not stated; made outside Kubernetes (by whom is not stated): the FSx CSI driver creates no association',
    );
  });

  test('without associations the claim states none', () => {
    const chart = newChart();
    FsxLustre.fromFileSystem(chart, 'fsx', FS);
    expect(storageOf(chart)[0].description.facts).toEqual({ capacityGiB: 2400, deploymentType: 'PERSISTENT_2', source: 'existing file system', fileSystemId: 'fs-0199e5a63bd90f796' });
  });
});

describe('ids at the longest the FSx API takes (boto/botocore@1.43.67 fsx service-2.json)', () => {
  test('an association id of 19 hex digits and a file system id of 18 are accepted', () => {
    const chart = newChart();
    const id = 'fs-0123456789abcdef01';
    FsxLustre.fromFileSystem(chart, 'fsx', { ...FS, fileSystemId: id, dnsName: `${id}.fsx.us-east-1.amazonaws.com`, associations: [{ associationId: 'dra-0123456789abcdef012', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/' }] });
    expect(synthErrors(chart)).toEqual([]);
  });
});
