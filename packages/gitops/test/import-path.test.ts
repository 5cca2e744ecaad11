import { parse, stringify } from 'yaml';
import { catalogFromTree, planEnvironment } from '../src';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

/**
 * A claim of a new FSx for Lustre file system that expects S3 data (its `importPath` fact, from
 * DistributedDataset) gets it only when the class it is made from links a path containing it (the
 * class's `s3ImportPath`): otherwise the file system starts without the data, which generate refuses.
 */
describe("a dataset's import path against the class that makes its file system", () => {
  /** The fixture catalog with training's dataset claim expecting `importPath` (a value joined with text, as charts record it). */
  const catalog = () => {
    const tree = fixtureChartTree();
    const chartYaml = parse(tree.get('training/Chart.yaml')!);
    const storage = JSON.parse(chartYaml.annotations['strata.dev/storage']);
    const dataset = storage.find((c: any) => c.name === 'dataset');
    dataset.facts.importPath = { $concat: ['s3://', { $value: 'results.bucket' }, '/imagenet/'] };
    chartYaml.annotations['strata.dev/storage'] = JSON.stringify(storage);
    tree.set('training/Chart.yaml', stringify(chartYaml));
    return catalogFromTree(tree);
  };
  const D = "environments/dev/environment.ts: 'storage.fsx-lustre.s3ImportPath'";
  const errors = (s3ImportPath?: string) => planEnvironment(withChanges(dev, (e) => (s3ImportPath === undefined ? delete e.storage['fsx-lustre'].s3ImportPath : (e.storage['fsx-lustre'].s3ImportPath = s3ImportPath))), catalog()).errors;

  test('a class linking the bucket, or exactly the path: fine', () => {
    expect(errors('s3://ckpt-bucket')).toEqual([]);
    expect(errors('s3://ckpt-bucket/imagenet/')).toEqual([]);
  });

  test('a class linking nothing: the file system starts empty', () => {
    expect(errors()).toEqual([`${D} ("") must be an S3 path containing "s3://ckpt-bucket/imagenet/" (training's claim dataset expects its data there); link the class to the dataset's bucket, or the file system starts empty`]);
  });

  test('a class linking another path (a sibling prefix is not a parent)', () => {
    expect(errors('s3://ckpt-bucket/imagenet-v2/')).toEqual([
      `${D} ("s3://ckpt-bucket/imagenet-v2/") must be an S3 path containing "s3://ckpt-bucket/imagenet/" (training's claim dataset expects its data there); the class links s3://ckpt-bucket/imagenet-v2/, so the file system holds none of it: link the class to a path containing the dataset, or give training a dataset under s3://ckpt-bucket/imagenet-v2/`,
    ]);
  });
});
