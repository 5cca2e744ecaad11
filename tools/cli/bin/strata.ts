#!/usr/bin/env node
// `npm run strata -- explain <workload> [--env <env>]`: prints why each claim of a workload is
// where it is, against the recommendation for its storage profile. Errors become exit codes here.
import { resolve } from 'node:path';
import { REPO_ROOT } from '@strata/toolchain';
import { UsageError } from '../src/args';
import { explainWorkload } from '../src/explain';
import { parseStrataArgs, STRATA_USAGE } from '../src/strata-args';

try {
  const args = parseStrataArgs(process.argv.slice(2));
  if (args.command === 'help') {
    console.log(STRATA_USAGE);
  } else {
    const root = resolve(process.env.STRATA_ROOT ?? REPO_ROOT);
    console.log(explainWorkload(root, args.workload, args.env).join('\n'));
  }
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`strata: ${e.message}`);
  process.exit(2);
}
