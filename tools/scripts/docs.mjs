#!/usr/bin/env node
// `npm run docs [-- --check]`: the pages of docs/ made from the code.
// - docs/reference/api/: the API reference of the library packages, from their doc comments, by
//   TypeDoc with typedoc-plugin-markdown (one Markdown page per package);
// - docs/reference/commands.md and the recipes' code in docs/recipes/README.md (docs-pages.cjs).
// With --check nothing is written: it exits 1 naming every file that differs, is missing or is left
// over. The output is committed (it is read on GitHub and in editors), so it must not go stale: CI
// runs the check. TypeDoc takes 10–20 s, so it is not part of `npm test`; the two cheap pages are
// also checked by test/docs/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2).filter((a) => a !== '--');
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`docs: unknown argument(s) ${unknown.join(' ')}; usage: npm run docs [-- --check]`);
  process.exit(2);
}
if (process.env.npm_config_check !== undefined) {
  console.error('docs: npm took "--check" as its own option; run `npm run docs -- --check`');
  process.exit(2);
}
const check = args.includes('--check');

// The library packages documented, in the order of their dependencies.
const PACKAGES = ['tokens', 'storage', 'kinds', 'patterns', 'helm', 'recommend', 'gitops', 'checks', 'chart-testing'];
const API_DIR = 'docs/reference/api';

/**
 * One entry file per package, naming its module after the package (`@module @strata/storage`)
 * with its package.json description, so the reference reads `@strata/storage`, not `storage/src`.
 * Kept under node_modules/.cache so that `@strata/*` resolves as in the workspace.
 */
function entryFiles() {
  const dir = join(root, 'node_modules/.cache/strata-docs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'entries'), { recursive: true });
  const entries = PACKAGES.map((p) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8'));
    const file = join(dir, 'entries', `${p}.ts`);
    const readme = existsSync(join(root, 'packages', p, 'README.md')) ? `\n *\n * More in the package's README: \`packages/${p}/README.md\`.` : '';
    writeFileSync(file, `/**\n * ${pkg.description}${readme}\n *\n * @module ${pkg.name}\n */\nexport * from '${pkg.name}';\n`);
    return file;
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: relative(dir, join(root, 'tsconfig.base.json')), compilerOptions: { noEmit: true }, include: ['entries'] }));
  return { entries, tsconfig: join(dir, 'tsconfig.json') };
}

/** TypeDoc's Markdown output, as path below the repository → content. */
function apiReference() {
  const { entries, tsconfig } = entryFiles();
  const out = mkdtempSync(join(tmpdir(), 'strata-docs-'));
  const options = {
    $schema: 'https://typedoc-plugin-markdown.org/schema.json',
    entryPoints: entries,
    tsconfig,
    plugin: ['typedoc-plugin-markdown'],
    out,
    name: 'strata API reference',
    readme: 'none',
    excludeExternals: true,
    excludePrivate: true,
    excludeProtected: true,
    // No "Defined in file:line": a moved line would make the committed reference stale.
    disableSources: true,
    // Types are checked by each package's typecheck target.
    skipErrorChecking: true,
    sort: ['kind', 'alphabetical'],
    outputFileStrategy: 'modules',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    // Explicit anchors: the plugin numbers some headings' anchors where GitHub would not.
    useHTMLAnchors: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    enumMembersFormat: 'table',
    typeDeclarationFormat: 'table',
    propertyMembersFormat: 'table',
    validation: { notExported: false, invalidLink: true, notDocumented: false },
  };
  const optionsFile = join(out, '..', `${out.split('/').pop()}.typedoc.json`);
  writeFileSync(optionsFile, JSON.stringify(options));
  const r = spawnSync(process.execPath, [join(dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc'), '--options', optionsFile, '--logLevel', 'Warn'], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  rmSync(optionsFile, { force: true });
  if (r.status !== 0) {
    console.error(`docs: typedoc failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  const files = new Map();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(join(API_DIR, relative(out, p)), readFileSync(p, 'utf8'));
    }
  };
  walk(out);
  rmSync(out, { recursive: true, force: true });
  return files;
}

/** Files under a folder of the repository, as path below the repository. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(join(root, d))) return;
    for (const name of readdirSync(join(root, d))) {
      const p = join(d, name);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

const started = Date.now();
// docs-pages.cjs reads generate's option list from the CLI's TypeScript source.
require('./register-ts.cjs');
const { builtPages } = require('./docs-pages.cjs');
const pages = new Map([...apiReference(), ...builtPages(root)]);
const stale = [];
for (const [file, content] of pages) {
  const path = join(root, file);
  const now = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (now === content) continue;
  stale.push(`${file} ${now === undefined ? 'is missing' : 'differs'}`);
  if (!check) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
for (const file of filesUnder(API_DIR)) {
  if (pages.has(file)) continue;
  stale.push(`${file} is left over`);
  if (!check) rmSync(join(root, file));
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (check) {
  if (stale.length > 0) {
    console.error(`docs --check: ${stale.length} file(s) not as \`npm run docs\` writes them:\n  ${stale.join('\n  ')}\nrun \`npm run docs\` and commit the result`);
    process.exit(1);
  }
  console.log(`docs --check: ${pages.size} file(s) current (${seconds} s)`);
} else {
  console.log(`docs: ${pages.size} file(s), ${stale.length} written or removed (${seconds} s)`);
}
