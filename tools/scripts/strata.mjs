#!/usr/bin/env node
// `npm run strata -- explain <workload> [--env <env>]` (tools/cli/bin/strata.ts), with generate's TypeScript loader.
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.env.STRATA_ROOT ??= root;
const require = createRequire(import.meta.url);
require('./register-ts.cjs');
require(join(root, 'tools/cli/bin/strata.ts'));
