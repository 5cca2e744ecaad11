import { ExecutorContext } from '@nx/devkit';

/** The chart name of the project a target runs for: its folder name. */
export function chartNameOf(context: ExecutorContext): string {
  const root = context.projectsConfigurations!.projects[context.projectName!].root;
  return root.split('/').pop()!;
}
