// The CLI's TypeScript loader: each .ts file required is turned into CommonJS by @swc/core (as
// tsconfig.base.json says: ES2022, esModuleInterop; types are only erased) and kept on disk under
// generate's cache folder, keyed by the file's path and content and the compiler's version.
//
// Why not @swc-node/register (which the tests and Nx executors use): it loads the TypeScript
// compiler to read tsconfig files, a quarter of a second at every start; generate runs on every
// edit, and its whole budget for an edit is 2 s (BENCHMARKS.md).
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

if (!require.extensions['.ts']) {
  const { transformSync, version } = require('@swc/core');
  const options = {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs', strictMode: true },
    // Inline source maps cost every start ~50 ms of parsing; with `node --enable-source-maps` (or
    // NODE_OPTIONS) stack traces point into the TypeScript sources.
    sourceMaps: process.sourceMapsEnabled ? 'inline' : false,
    swcrc: false,
    configFile: false,
  };
  // generate.mjs has checked the folder (tools/cli/src/cache-dir.cjs); other callers only lose the cache.
  const { cacheDir: cacheFolder, makeFolders } = require('../cli/src/cache-dir.cjs');
  const cacheDir = join(cacheFolder(join(__dirname, '..', '..')), 'ts');
  const salt = `${version}\0${JSON.stringify(options)}\0`;
  let made = false;
  require.extensions['.ts'] = function loadTypeScript(module, filename) {
    const source = readFileSync(filename, 'utf8');
    const file = join(cacheDir, `${createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex')}.js`);
    let code;
    try {
      code = readFileSync(file, 'utf8');
    } catch {
      code = transformSync(source, { ...options, filename }).code;
      try {
        if (!made) makeFolders(cacheDir); // not mkdirSync's recursive mode: it can loop forever (see cache-dir.cjs)
        made = true;
        writeFileSync(`${file}.tmp-${process.pid}`, code);
        renameSync(`${file}.tmp-${process.pid}`, file);
      } catch {
        /* a read-only cache only costs the next start a compile */
      }
    }
    module._compile(code, filename);
  };
}
