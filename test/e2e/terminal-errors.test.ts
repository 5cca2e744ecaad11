/**
 * Issue 15, "Errors reach the terminal": through `nx run-many`, the batch executors' messages
 * (publish without STRATA_REGISTRY, with an http:// URL, with the registry down; synth with an
 * unusable STRATA_CACHE_DIR) were never printed: the terminal showed only "Failed tasks". Nx
 * prints a batch task's output only when the batch streams its results (see
 * tools/nx-plugin/src/executors/batch-results.ts). validate said only "1 chart(s) failed".
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, ENV, SLOW } from '../support/workspace';

/** Runs nx in the copy; returns its exit status and everything it printed. */
function nx(root: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  // No CI log grouping (GitHub Actions): the path on which the output was lost.
  const r = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), ...args], { cwd: root, env: { ...ENV, GITHUB_ACTIONS: '', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A port on 127.0.0.1 that nothing listens on (a registry that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  await new Promise((res) => server.close(res));
  return port;
}

describe('errors of the Nx batch targets reach the terminal', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'publish: no registry, an http:// URL, the registry down',
    async () => {
      // charts/ is in the copy: publish alone (its synth dependency would only repeat the same charts).
      const publish = ['run-many', '-t', 'publish', '--projects=llm-inference', '--exclude-task-dependencies', '--output-style=static'];
      const none = nx(root, publish, { STRATA_REGISTRY: '' });
      expect(none.status).toBe(1);
      expect(none.output).toContain('publish: no registry: pass --registry=oci://… or set STRATA_REGISTRY');

      const http = nx(root, publish, { STRATA_REGISTRY: 'http://127.0.0.1:5000/charts' });
      expect(http.status).toBe(1);
      expect(http.output).toContain(`publish: 'registry' ("http://127.0.0.1:5000/charts") must be an oci:// URL such as oci://`);

      const port = await closedPort();
      const down = nx(root, [...publish, '--plainHttp'], { STRATA_REGISTRY: `oci://127.0.0.1:${port}/charts` });
      expect(down.status).toBe(1);
      expect(down.output).toMatch(new RegExp(`publish llm-inference \\d+\\.\\d+\\.\\d+: 127\\.0\\.0\\.1:${port}/charts \\(chart llm-inference [^)]*\\): registry unreachable: .*connection refused`));
    },
    SLOW,
  );

  test(
    'validate: helm lint\'s findings, not only "1 chart(s) failed"',
    () => {
      appendFileSync(join(root, 'charts/llm-inference/Chart.yaml'), 'broken: [\n');
      const r = nx(root, ['run-many', '-t', 'validate', '--projects=llm-inference', '--exclude-task-dependencies', '--skip-nx-cache', '--output-style=static'], {});
      expect(r.status).toBe(1);
      expect(r.output).toMatch(/validate llm-inference: \d+ problem\(s\):\n {2}helm: /);
      expect(r.output).toContain('[ERROR] Chart.yaml: unable to parse YAML');
    },
    SLOW,
  );

  test(
    "validate runs generate's checks too, with generate's messages: a role the chart's pods need, left out of an environment",
    () => {
      // The chart the test above broke, mended: generate checks every chart before any environment.
      const chartYaml = join(root, 'charts/llm-inference/Chart.yaml');
      writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace('broken: [\n', ''));
      const env = join(root, 'environments/dev/environment.ts');
      writeFileSync(env, readFileSync(env, 'utf8').replace("      'dataset-prep': { prep: role('dataset-prep') },\n", ''));
      const r = nx(root, ['run-many', '-t', 'validate', '--projects=dataset-prep', '--exclude-task-dependencies', '--skip-nx-cache', '--output-style=static'], {});
      expect(r.status).toBe(1);
      expect(r.output).toContain(
        "validate dataset-prep: 1 problem(s):\n  environments/dev/environment.ts: 'identity.workloads.dataset-prep.prep' (not set) must be an IAM role ARN holding the policy charts/dataset-prep writes for it (iam-policies/prep.json); its pods need that access (S3 and the like) and run without any: create the role from the policy (npx nx run dataset-prep:synth writes charts/dataset-prep while generate refuses) and give it here",
      );
    },
    SLOW,
  );

  test(
    'synth: an unusable STRATA_CACHE_DIR is one clear message per task, not a hang',
    () => {
      const file = join(root, 'not-a-folder');
      writeFileSync(file, '');
      const r = nx(root, ['run-many', '-t', 'synth', '--projects=llm-inference', '--skip-nx-cache', '--output-style=static'], { STRATA_CACHE_DIR: file });
      expect(r.status).toBe(1);
      expect(r.output).toContain(`synth: STRATA_CACHE_DIR (${JSON.stringify(file)}) is not a usable cache folder: ${file} is a file, not a folder; point STRATA_CACHE_DIR at a folder you can write`);
    },
    SLOW,
  );
});
