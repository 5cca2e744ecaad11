import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateNodesResult, CreateNodesV2, TargetConfiguration } from '@nx/devkit';

/** Tag of every chart project; the environments' `overlays` target depends on their `synth`. */
export const CHART_TAG = 'strata:chart';

/** Chart packages (workloads and storage tier charts) and environment definitions. */
const PROJECT_FILES = '{packages/workloads/*/package.json,packages/storage-charts/*/package.json,environments/*/environment.ts}';

/** Inputs of a chart's synthesis besides its own sources and its dependencies': the writer itself. */
const WRITER_INPUTS = ['{workspaceRoot}/tools/cli/src/**/*.ts', '{workspaceRoot}/tools/nx-plugin/src/executors/synth/**/*.ts'];

/**
 * Infers the strata targets:
 * - every chart package (packages/workloads/*, packages/storage-charts/* with `strata.chart`):
 *   `synth` (cached; batch executor: one process for all charts), `validate`, `package`, `publish`;
 * - the `environments` project: `overlays`, after every chart's `synth`.
 */
export const createNodesV2: CreateNodesV2 = [
  PROJECT_FILES,
  (files, _options, context) => {
    const results: [string, CreateNodesResult][] = [];
    for (const file of files) {
      if (file.endsWith('package.json')) {
        const node = chartProject(context.workspaceRoot, file);
        if (node) results.push([file, node]);
      } else if (file.endsWith('environment.ts')) {
        results.push([file, environmentsProject()]);
      }
    }
    return results;
  },
];
export const createNodes = createNodesV2;

function chartProject(workspaceRoot: string, file: string): CreateNodesResult | undefined {
  const pkg = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8'));
  if (!pkg.strata?.chart) return undefined;
  const root = dirname(file);
  const name = root.split('/').pop()!;
  const chartDir = `{workspaceRoot}/charts/${name}`;
  const targets: Record<string, TargetConfiguration> = {
    synth: {
      executor: '@strata/nx-plugin:synth',
      cache: true,
      inputs: ['production', '^production', ...WRITER_INPUTS],
      outputs: [chartDir],
    },
    validate: {
      executor: '@strata/nx-plugin:validate',
      dependsOn: ['synth'],
      cache: true,
      inputs: [`${chartDir}/**/*`],
    },
    package: {
      executor: '@strata/nx-plugin:package',
      dependsOn: ['synth'],
      cache: true,
      inputs: [`${chartDir}/**/*`],
      outputs: [`{workspaceRoot}/dist/charts/${name}`],
    },
    publish: {
      executor: '@strata/nx-plugin:publish',
      dependsOn: ['synth'],
      // never cached: the registry, not the workspace, decides what is there
      cache: false,
    },
  };
  return { projects: { [root]: { name, root, tags: [CHART_TAG], targets } } };
}

function environmentsProject(): CreateNodesResult {
  return {
    projects: {
      environments: {
        name: 'environments',
        root: 'environments',
        targets: {
          overlays: {
            executor: '@strata/nx-plugin:overlays',
            dependsOn: [{ projects: [`tag:${CHART_TAG}`], target: 'synth' }],
            cache: true,
            // The charts as the synth tasks of this very run wrote them (a plain charts/** input is hashed
            // before synth runs, and would restore overlays that pin the previous chart versions).
            inputs: ['{projectRoot}/*/environment.ts', { dependentTasksOutputFiles: '**/*', transitive: true }, '{workspaceRoot}/packages/gitops/src/**/*', '{workspaceRoot}/tools/cli/src/**/*.ts'],
            outputs: ['{projectRoot}'],
          },
        },
      },
    },
  };
}
