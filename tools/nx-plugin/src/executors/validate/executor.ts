import '../load-typescript';
import { join } from 'node:path';
import { ExecutorContext } from '@nx/devkit';
import { Helm, HelmError } from '@strata/helm';
import { chartNameOf } from '../chart-project';

/** `helm lint --strict` and `helm template` (defaults) of charts/<name> with the pinned helm. */
export default async function validate(_options: Record<string, never>, context: ExecutorContext): Promise<{ success: boolean }> {
  const name = chartNameOf(context);
  const dir = join(context.root, 'charts', name);
  const helm = new Helm();
  try {
    await helm.lint([dir], { strict: true });
    const rendered = await helm.template(dir, { releaseName: name, namespace: 'default' });
    const objects = rendered.split(/^---$/m).filter((d) => /^kind: /m.test(d)).length;
    console.log(`validate ${name}: helm lint --strict clean; helm template renders ${objects} objects`);
    return { success: true };
  } catch (e) {
    console.error(`validate ${name}: ${(e as Error).message}`);
    // helm lint names each finding on its stdout (`[ERROR] …` with its detail lines); its stderr says only "1 chart(s) failed".
    if (e instanceof HelmError) {
      const findings = e.stdout.split('\n').filter((l) => /^(\[(ERROR|WARNING)\]|\t)/.test(l));
      if (findings.length > 0) console.error(findings.join('\n'));
    }
    return { success: false };
  }
}
