import { USES_ANNOTATION } from '@strata/helm';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { chartFixture } from '@strata/chart-testing';
import { parse } from 'yaml';

/**
 * The tests a tier chart of one StorageClass named after its release owes (inside the caller's
 * describe): storage-efs and storage-s3-files, the two tiers the EFS CSI driver mounts, write the
 * same files and name their class the same way.
 */
export function describeOneClassTierChart(
  f: ReturnType<typeof chartFixture>,
  o: {
    /** The tier the chart marks as used (strata.dev/uses). */
    readonly uses: string;
    /** Releases (name, namespace) installed with the default values, and the class each names. */
    readonly releases: readonly (readonly [release: string, namespace: string, storageClass: string])[];
  },
): void {
  test(`writes a chart named after its folder, holding one StorageClass, marked as using the ${o.uses} tier`, () => {
    expect([...f.files.keys()]).toEqual([
      '.helmignore',
      'Chart.yaml',
      'README.md',
      'templates/NOTES.txt',
      'templates/_helpers.tpl',
      'templates/storageclass-class.yaml',
      'values.d.ts',
      'values.schema.json',
      'values.yaml',
    ]);
    const meta = parse(f.files.get('Chart.yaml')!);
    expect(meta.name).toBe(f.chart.name);
    expect(meta.annotations[USES_ANNOTATION]).toBe(o.uses);
  });

  test('installs any number of times in one cluster: releases with default values never collide, in one namespace or two', async () => {
    const names = async (releaseName: string, namespace: string) =>
      parseManifests(await f.helm.template(f.dir, { releaseName, namespace, values: {} })).map((obj) => `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
    const all = await Promise.all(o.releases.map(([r, n]) => names(r, n)));
    expect(all).toEqual(o.releases.map(([, , sc]) => [`StorageClass /${sc}`]));
    expect(new Set(all.flat()).size).toBe(all.flat().length);
  });
}
