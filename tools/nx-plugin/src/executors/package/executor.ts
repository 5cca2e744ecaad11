import '../load-typescript';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutorContext } from '@nx/devkit';
import { Helm } from '@strata/helm';
import { chartNameOf } from '../chart-project';

/** `helm package charts/<name>` into dist/charts/<name>/ (emptied first, so it holds exactly one archive). */
export default async function packageChart(_options: Record<string, never>, context: ExecutorContext): Promise<{ success: boolean }> {
  const name = chartNameOf(context);
  const dest = join(context.root, 'dist', 'charts', name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  try {
    const [archive] = await new Helm().package([join(context.root, 'charts', name)], dest);
    console.log(`package ${name}: ${archive}`);
    return { success: true };
  } catch (e) {
    console.error(`package ${name}: ${(e as Error).message}`);
    return { success: false };
  }
}
