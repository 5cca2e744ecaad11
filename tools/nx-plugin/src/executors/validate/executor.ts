import '../load-typescript';
import { join } from 'node:path';
import { ExecutorContext } from '@nx/devkit';
import { findWorkloads, generate, GenerateError } from '@strata/cli';
import { Helm, HelmError } from '@strata/helm';
import { chartNameOf } from '../chart-project';

/**
 * Every check strata has, for charts/<name>: `helm lint --strict` and `helm template` with the
 * pinned helm, then generate's own checks in check mode (nothing written) — the chart's pods at
 * the Pod Security level it declares and their requests, its defaults against its own schema, and
 * in every environment deploying it the values, references, Pod Security of the namespace,
 * lifecycle, zones and identities — and whether charts/<name> is what generate would write. The
 * messages are generate's own; those that concern this chart are printed, the rest belong to the
 * other charts' runs.
 */
export default async function validate(_options: Record<string, never>, context: ExecutorContext): Promise<{ success: boolean }> {
  const name = chartNameOf(context);
  const dir = join(context.root, 'charts', name);
  const problems: string[] = [];
  const helm = new Helm();
  let objects = 0;
  try {
    await helm.lint([dir], { strict: true });
    const rendered = await helm.template(dir, { releaseName: name, namespace: 'default' });
    objects = rendered.split(/^---$/m).filter((d) => /^kind: /m.test(d)).length;
  } catch (e) {
    problems.push(`helm: ${(e as Error).message}`);
    // helm lint names each finding on its stdout (`[ERROR] …` with its detail lines); its stderr says only "1 chart(s) failed".
    if (e instanceof HelmError) problems.push(...e.stdout.split('\n').filter((l) => /^(\[(ERROR|WARNING)\]|\t)/.test(l)));
  }
  const source = findWorkloads(context.root).find((w) => w.name === name)?.source ?? `charts/${name}`;
  try {
    const result = await generate({ root: context.root, check: true });
    problems.push(...result.differences.filter((d) => concerns(d, name, source)).map((d) => `stale or hand-edited: ${d} (run npm run generate)`));
  } catch (e) {
    if (e instanceof GenerateError) problems.push(...e.errors.filter((line) => concerns(line, name, source)));
    // generate stopped before this chart's checks ran (another chart's error): say so, never "clean".
    else problems.push(`generate stopped before checking ${name}: ${(e as Error).message}`);
  }
  if (problems.length > 0) {
    console.error(`validate ${name}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    return { success: false };
  }
  console.log(`validate ${name}: helm lint --strict clean; helm template renders ${objects} objects; generate's checks clean for ${name}`);
  return { success: true };
}

/** Whether a line of generate's output is about chart `name`: its synthesis, its package, its releases, its files. */
function concerns(line: string, name: string, source: string): boolean {
  return (
    line.startsWith(`${name}: `) ||
    line.includes(`${source}:`) ||
    line.includes(`charts/${name}/`) ||
    line.includes(`(chart ${name})`) ||
    line.includes(`workloads.${name}.`) ||
    line.includes(`workloads.${name}'`) ||
    line.includes(`${name}'s claim`)
  );
}
