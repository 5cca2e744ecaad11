#!/usr/bin/env node
// `npm run generate [-- --check | --no-cache]`: every chart into charts/ and every environment's
// overlays into environments/, in this one process (tools/cli/bin/generate.ts). Unchanged charts
// come from generate's own content-addressed cache, so an edit costs the edited charts only; a
// whole Nx task graph per run (one task per chart) would cost more than the work itself at
// hundreds of charts (BENCHMARKS.md). The per-chart Nx targets (synth, validate, package,
// publish, overlays) stay for `nx affected` and CI.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The workspace this script belongs to (a copy of the repository may share its node_modules).
process.env.STRATA_ROOT ??= root;
const require = createRequire(import.meta.url);
// An unusable cache folder is one clear error here, before anything (the TypeScript loader included) uses it.
try {
  require('../cli/src/cache-dir.cjs').usableCacheDir(process.env.STRATA_ROOT);
} catch (e) {
  console.error(`generate: ${e.message}`);
  process.exit(2);
}
require('./register-ts.cjs');
require(join(root, 'tools/cli/bin/generate.ts'));
