import '../load-typescript';
import { ExecutorContext } from '@nx/devkit';

/** Writes every environment's Flux overlays (wired to @strata/gitops through the CLI). */
export default async function overlays(_options: Record<string, never>, context: ExecutorContext): Promise<{ success: boolean }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { writeEnvironments } = require('@strata/cli') as { writeEnvironments?: (root: string, log: (l: string) => void) => Promise<{ environments: number }> };
  if (!writeEnvironments) {
    console.log('overlays: no environment writer yet');
    return { success: true };
  }
  try {
    const r = await writeEnvironments(context.root, (l) => console.log(l));
    console.log(`overlays: ${r.environments} environment(s) written`);
    return { success: true };
  } catch (e) {
    console.error(`overlays: ${(e as Error).message}`);
    return { success: false };
  }
}
