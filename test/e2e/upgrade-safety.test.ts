/**
 * Upgrade safety, end to end (issue 13): in a copy of the workspace, generate compares every
 * release with the version the cluster runs before it (rendered with the pinned helm from the
 * committed chart) and refuses, before writing anything, a change the API server would refuse or
 * one that orphans data — until it is recorded on purpose; a chart's record makes its next version
 * a major one.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '@strata/gitops';
import { copyWorkspace, run, SLOW } from '../support/workspace';

const generate = (root: string) => run(root, [join(root, 'tools/scripts/generate.mjs')]);
const failing = (root: string): string => {
  try {
    generate(root);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('generate succeeded');
};
const edit = (root: string, rel: string, from: string, to: string) => {
  const path = join(root, rel);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  writeFileSync(path, text.replace(from, to));
};

describe('upgrade safety', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('an environment that shrinks a claim is refused (claims only grow); recorded in the environment, it goes ahead', () => {
    // kubernetes pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate: a smaller storage request is refused.
    const before = readFileSync(join(root, 'environments/staging/apps/llm-finetune-values.yaml'), 'utf8');
    edit(root, 'environments/staging/environment.ts', "size: 2400,\n          zone: 'b',\n          storageClassName: '',", "size: 1200,\n          zone: 'b',\n          storageClassName: '',");
    const out = failing(root);
    const version = /^version: (.*)$/m.exec(readFileSync(join(root, 'charts/llm-finetune/Chart.yaml'), 'utf8'))![1];
    expect(out).toContain(
      `environments/staging: release training/llm-finetune (chart llm-finetune), from committed ${version} to ${version}: PersistentVolumeClaim training/llm-finetune-dataset-fsx-claim spec.resources.requests.storage: \"2400Gi\" → \"1200Gi\": the API server refuses a smaller request (claims only grow); keep the size; to shrink, make a new claim and copy the data. To go ahead on purpose, record it in environments/staging/environment.ts under workloads.llm-finetune.acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'dataset-fsx-claim', change: 'spec.resources.requests.storage', reason: '…' }]`,
    );
    expect(readFileSync(join(root, 'environments/staging/apps/llm-finetune-values.yaml'), 'utf8')).toBe(before); // nothing written
    edit(
      root,
      'environments/staging/environment.ts',
      "acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'dataset-fsx-claim',",
      "acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'dataset-fsx-claim', change: 'spec.resources.requests.storage', reason: 'a new, smaller file system; the data was copied' }, { kind: 'PersistentVolumeClaim', name: 'dataset-fsx-claim',",
    );
    expect(generate(root)).toMatch(/upgrades: \d+ release\(s\) compared with the version before, none refused/);
  }, SLOW);

  test('a chart that renames its data claim is refused (the old claim is left, orphaned); recorded in the chart, its version goes to 1.0.0', () => {
    const chart = 'packages/workloads/llm-inference/src/chart.ts';
    edit(root, chart, "Efs.fromStorageClass(this, 'model-cache',", "Efs.fromStorageClass(this, 'models-cache',");
    // prod's storage profile names the claim: a rename renames it there too (else generate refuses the profile first).
    edit(root, 'environments/prod/environment.ts', "storageProfile: { 'model-cache':", "storageProfile: { 'models-cache':");
    const out = failing(root);
    expect(out).toContain(
      'environments/dev: release ml-dev/llm-inference (chart llm-inference), from committed 0.1.',
    );
    expect(out).toContain(
      "PersistentVolumeClaim ml-dev/llm-inference-model-cache-claim is removed (a new claim llm-inference-models-cache-claim appears: renamed?): Helm leaves it in place (resource-policy keep) but nothing mounts it any more: its data stays in its strata-efs volume, orphaned, and llm-inference-models-cache-claim starts empty; keep the claim's name (its construct id) so the new version mounts the same data; to move the data on purpose, copy it to the new claim, then accept the removal. To go ahead on purpose, record it in the chart's metadata: acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'model-cache-claim', change: 'removed', reason: '…' }] (its next version is then a major one)",
    );
    edit(root, chart, "keywords: ['llm', 'inference', 'vllm', 'efs', 'model-repository'],", "keywords: ['llm', 'inference', 'vllm', 'efs', 'model-repository'],\n      acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'model-cache-claim', change: 'removed', reason: 'the cache is re-hydrated from S3 into the new claim' }],");
    generate(root);
    const chartYaml = readFileSync(join(root, 'charts/llm-inference/Chart.yaml'), 'utf8');
    expect(chartYaml).toMatch(/^version: 1\.0\.0$/m);
    expect(chartYaml).toContain('strata.dev/accepted-changes:');
    // Generating again changes nothing: the record stays, the version stays.
    expect(generate(root)).toContain('already current');
  }, SLOW);

  test('an older version published to a test registry is not what an environment runs; one published to its own registry is', () => {
    // Issue 15 (one source of truth per registry): a version in environments/published.json is
    // compared only for environments that pull from the registry it went to.
    const registryOf = (env: string) => loadEnvironments(root).find((e) => e.name === env)!.definition.registry;
    const old = { version: '0.0.1', digest: `sha256:${'d'.repeat(64)}`, contentDigest: `sha256:${'e'.repeat(64)}` };
    const publish = (registry: string) => writeFileSync(join(root, 'environments/published.json'), JSON.stringify({ [registry]: { 'llm-finetune': { '0.0.1': old } } }));
    const note = (env: string) => `environments/${env}: release `;
    publish('oci://127.0.0.1:5000/charts');
    const quiet = generate(root);
    expect(quiet).not.toContain('its last published version 0.0.1');
    publish(registryOf('staging'));
    const out = generate(root);
    const notes = out.split('\n').filter((l) => l.includes('its last published version 0.0.1 is not in git history'));
    expect(notes.length).toBe(1);
    expect(notes[0]).toContain(note('staging'));
  }, SLOW);
});
