/**
 * The bench's synthetic workspace: the repository's sources (node_modules shared through a link),
 * N workloads of seeded, structurally distinct shapes (shapes.ts) and M environments.
 *
 * Environment i is modelled on one of the bundled ones (dev, staging, prod in turn: their cluster,
 * storage tiers, identity mode, external objects) under its own name, and deploys the workloads
 * whose base that environment deploys, with its values for the base and seeded overrides of the
 * workload's own values. So every workload is deployed in some environments, not all in all.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Base, BASE_NAMES, chartSource, movedDefaults, overridesOf, Shape, shapeOf } from './shapes';

export const TEMPLATES = ['dev', 'staging', 'prod'] as const;

/**
 * Integer defaults of a base the bench leaves alone (the nth match of INTEGER_DEFAULT in its
 * chart.ts): values that rules relate to others (a size to a node's, a count to another count).
 * Found by generating every base with every default moved; each entry is a refusal generate printed.
 */
export const FIXED_DEFAULTS: { readonly [base in Base]?: readonly number[] } = {};

export interface Workspace {
  readonly dir: string;
  readonly shapes: readonly Shape[];
  readonly environments: readonly string[];
  /** Environment name → the workloads it deploys. */
  readonly deployments: { readonly [env: string]: readonly string[] };
}

const COPY_EXCLUDE = new Set(['node_modules', '.nx', 'dist', 'charts', '.git', 'tmp', '.toolchain', 'coverage', 'test', 'environments']);

/** Which bases each bundled environment deploys, with its values and identity roles for them. */
function templates(repo: string): { [t: string]: { def: Record<string, unknown> & { workloads: Record<string, { values?: Record<string, unknown> }>; identity?: { workloads?: Record<string, Record<string, string>> } } } } {
  const out: ReturnType<typeof templates> = {};
  for (const t of TEMPLATES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    out[t] = { def: structuredClone(require(join(repo, 'environments', t, 'environment.ts')).default) };
  }
  return out;
}

/** Order of bases: every base once in each round of ten, shuffled per round (seeded). */
function baseOrder(seed: number, n: number): Base[] {
  const out: Base[] = [];
  let s = seed;
  while (out.length < n) {
    const round = [...BASE_NAMES];
    for (let i = round.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [round[i], round[j]] = [round[j], round[i]];
    }
    out.push(...round);
  }
  return out.slice(0, n);
}

export function buildWorkspace(repo: string, parent: string, n: number, m: number, seed: number): Workspace {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `strata-bench-${n}x${m}-`));
  for (const entry of readdirSync(repo)) {
    if (COPY_EXCLUDE.has(entry)) continue;
    cpSync(join(repo, entry), join(dir, entry), {
      recursive: true,
      filter: (src) => {
        const rel = relative(repo, src).split('\\').join('/');
        if (/(^|\/)(node_modules|dist|coverage|\.nx|test|__snapshots__)(\/|$)/.test(rel)) return false;
        return !rel.startsWith('packages/workloads/'); // replaced by the synthetic ones
      },
    });
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (existsSync(join(repo, '.toolchain'))) symlinkSync(join(repo, '.toolchain'), join(dir, '.toolchain'), 'dir');
  mkdirSync(join(dir, 'charts'), { recursive: true });

  const shapes: Shape[] = [];
  const order = baseOrder(seed, n);
  for (let i = 1; i <= n; i++) {
    const base = order[i - 1];
    const src = join(repo, 'packages/workloads', base);
    const chart = readFileSync(join(src, 'src/chart.ts'), 'utf8');
    const shape = shapeOf(seed, i, base, chart);
    const dst = join(dir, 'packages/workloads', shape.name);
    cpSync(join(src, 'src'), join(dst, 'src'), { recursive: true });
    const renamed = chart.replace(`name: '${base}',`, `name: '${shape.name}',`);
    if (renamed === chart) throw new Error(`bench: could not rename the chart in ${base}/src/chart.ts`);
    const fixed = FIXED_DEFAULTS[base] ?? [];
    writeFileSync(join(dst, 'src/base.ts'), movedDefaults(renamed, shape, (nth) => !fixed.includes(nth)));
    writeFileSync(join(dst, 'src/chart.ts'), chartSource(shape));
    const pkg = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
    pkg.name = `@strata/workload-${shape.name}`;
    pkg.nx = { name: shape.name };
    writeFileSync(join(dst, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    cpSync(join(src, 'tsconfig.json'), join(dst, 'tsconfig.json'));
    shapes.push(shape);
  }

  // package-lock.json records each workload package, as `npm install` would (generate's cache keys
  // read a package's lock entries; a package missing there is warned about).
  const lockFile = join(dir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  for (const s of shapes) {
    const from = lock.packages[`packages/workloads/${s.base}`];
    if (from) lock.packages[`packages/workloads/${s.name}`] = { ...from, name: `@strata/workload-${s.name}` };
    if (lock.packages[`node_modules/@strata/workload-${s.base}`]) lock.packages[`node_modules/@strata/workload-${s.name}`] = { resolved: `packages/workloads/${s.name}`, link: true };
  }
  writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');

  const tpl = templates(repo);
  mkdirSync(join(dir, 'environments'), { recursive: true });
  for (const f of ['README.md', 'tsconfig.json']) if (existsSync(join(repo, 'environments', f))) cpSync(join(repo, 'environments', f), join(dir, 'environments', f));
  const environments: string[] = [];
  const deployments: { [env: string]: string[] } = {};
  for (let e = 0; e < m; e++) {
    const t = TEMPLATES[e % TEMPLATES.length];
    const name = m <= TEMPLATES.length ? t : `${t}-${String(e + 1).padStart(2, '0')}`;
    const def = structuredClone(tpl[t].def) as typeof tpl[string]['def'] & { name: string; cluster: { name: string } };
    def.name = name;
    def.cluster = { ...def.cluster, name: `strata-${name}` };
    const roles: Record<string, Record<string, string>> = {};
    const workloads: Record<string, unknown> = {};
    deployments[name] = [];
    shapes.forEach((s, idx) => {
      const given = tpl[t].def.workloads[s.base];
      if (!given) return;
      const r = tpl[t].def.identity?.workloads?.[s.base];
      if (r) roles[s.name] = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replace(s.base, s.name)]));
      const bench = overridesOf(seed, e, idx + 1, s);
      workloads[s.name] = { ...given, values: { ...(given.values ?? {}), ...(Object.keys(bench).length ? { bench } : {}) } };
      deployments[name].push(s.name);
    });
    // One owner per AWS resource (generate refuses two environments declaring one bucket or file system):
    // each copy of an environment with a cloud section names its own.
    const cloud = (def as { cloud?: { buckets?: { name: string }[]; fileSystems?: { adoptFileSystemId?: string }[]; s3FileSystems?: { adoptFileSystemId?: string }[] } }).cloud;
    if (cloud && name !== t) {
      for (const b of cloud.buckets ?? []) b.name = b.name.replace(`strata-${t}-`, `strata-${name}-`);
      for (const f of [...(cloud.fileSystems ?? []), ...(cloud.s3FileSystems ?? [])]) {
        if (f.adoptFileSystemId) f.adoptFileSystemId = `${f.adoptFileSystemId.slice(0, -2)}${String(e).padStart(2, '0')}`;
      }
    }
    if (def.identity) def.identity.workloads = roles;
    def.workloads = workloads as typeof def.workloads;
    mkdirSync(join(dir, 'environments', name), { recursive: true });
    writeFileSync(
      join(dir, 'environments', name, 'environment.ts'),
      `// Generated by tools/bench: ${name}, modelled on ${t}, deploying ${deployments[name].length} of ${n} workloads.\nimport { defineEnvironment } from '@strata/gitops';\n\nexport default defineEnvironment(${JSON.stringify(def, null, 2)});\n`,
    );
    environments.push(name);
  }
  return { dir, shapes, environments, deployments };
}

export type { Shape };
