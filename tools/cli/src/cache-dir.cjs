// Where generate keeps its cache (STRATA_CACHE_DIR, else node_modules/.cache/strata of the
// repository), and the check that it can: plain CommonJS, because the CLI's TypeScript loader
// (tools/scripts/register-ts.cjs) keeps its output there before any TypeScript can run.
//
// Why not `mkdirSync(dir, { recursive: true })`: Node's recursive mkdir retries a folder whose
// parent exists but which mkdir answers ENOENT (a folder below /proc, some network and FUSE
// mounts) forever, at 100% CPU (nodejs/node@v20.20.2: src/node_file.cc, MKDirpSync: on UV_ENOENT
// it goes to the parent, which exists, and back). Folders are made one at a time here.
'use strict';
const { mkdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve, isAbsolute } = require('node:path');

/** generate's cache folder for the repository at `root` (an empty STRATA_CACHE_DIR counts as unset). */
function cacheDir(root) {
  const set = process.env.STRATA_CACHE_DIR;
  return set ? resolve(set) : join(root, 'node_modules', '.cache', 'strata');
}

/** Makes `dir` and its missing parents, one mkdir each (never loops); throws the first error. */
function makeFolders(dir) {
  const missing = [];
  let d = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(d);
    } catch (e) {
      // ENOTDIR: a file on the way up; found below.
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') throw e;
      const up = dirname(d);
      if (up === d) throw e;
      missing.push(d);
      d = up;
      continue;
    }
    if (!st.isDirectory()) throw Object.assign(new Error(`${d} is a file, not a folder`), { code: 'ENOTDIR' });
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (e.code !== 'EEXIST' || !statSync(m).isDirectory()) throw e;
    }
  }
}

const checked = new Set();

/**
 * `folder` (by default the repository's cache folder), made if missing and known to be writable;
 * else an Error that says which folder, why, and what to do. Checked once per process and folder.
 */
function usableCacheDir(root, folder = cacheDir(root)) {
  const dir = resolve(folder);
  if (checked.has(dir)) return dir;
  const fromEnv = !!process.env.STRATA_CACHE_DIR && dir === resolve(process.env.STRATA_CACHE_DIR);
  const what = fromEnv ? `STRATA_CACHE_DIR (${JSON.stringify(process.env.STRATA_CACHE_DIR)})` : `generate's cache folder (${dir})`;
  const fix = fromEnv
    ? 'point STRATA_CACHE_DIR at a folder you can write, or unset it (the default is node_modules/.cache/strata of the repository)'
    : 'make it writable, or set STRATA_CACHE_DIR to a folder you can write';
  // generate replaces charts/ and environments/ whole: a cache inside them would be deleted by it, and would dirty them.
  for (const tree of ['charts', 'environments']) {
    const rel = relative(join(resolve(root), tree), dir);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      throw new Error(`${what} is not a usable cache folder: it is inside ${tree}/, which generate replaces whole; ${fix}`);
    }
  }
  const probe = join(dir, `.probe-${process.pid}`);
  try {
    makeFolders(dir);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    const reason = e.code === 'ENOTDIR' ? e.message : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? `it cannot be written (${e.message})` : `it cannot be made or written (${e.message})`;
    throw new Error(`${what} is not a usable cache folder: ${reason}; ${fix}`);
  }
  checked.add(dir);
  return dir;
}

module.exports = { cacheDir, makeFolders, usableCacheDir };
