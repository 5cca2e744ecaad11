#!/usr/bin/env node
// `npm run generate [-- --check | --no-cache]`: every chart into charts/ and every environment's
// overlays into environments/. The only place where errors become exit codes.
import { resolve } from 'node:path';
import { REPO_ROOT } from '@strata/toolchain';
import { GENERATE_USAGE, parseGenerateArgs, UsageError } from '../src/args';
import { usableCacheDir } from '../src/cache-dir.cjs';
import { generate, GenerateError } from '../src/generate';

let args: ReturnType<typeof parseGenerateArgs>;
try {
  args = parseGenerateArgs(process.argv.slice(2), process.env);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`generate: ${e.message}`);
  process.exit(2);
}
if (args.help) {
  console.log(GENERATE_USAGE);
  process.exit(0);
}
const { check, cache } = args;
const started = process.hrtime.bigint();
async function main(): Promise<void> {
  try {
    const root = resolve(process.env.STRATA_ROOT ?? REPO_ROOT);
    // One clear error when the cache folder cannot be used (generate.mjs checks it even earlier).
    try {
      usableCacheDir(root);
    } catch (e) {
      console.error(`generate: ${(e as Error).message}`);
      process.exit(2);
    }
    const result = await generate({ root, check, cache, log: (l) => console.error(l) });
    for (const w of result.warnings) console.error(`warning: ${w}`);
    console.error(`phases: ${Object.entries(result.phases).map(([p, ms]) => `${p} ${(ms / 1000).toFixed(2)} s`).join(', ')}`);
    const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(2);
    if (check) {
      if (result.differences.length > 0) {
        for (const d of result.differences) console.error(d);
        console.log(`generate --check: ${result.differences.length} file(s) differ from what generate would write; run \`npm run generate\` and commit (${seconds} s)`);
        process.exit(1);
      }
      console.log(`generate --check: ${result.charts} chart(s) and ${result.environments} environment(s) current (${result.files} files), ${result.warnings.length} warning(s) (${seconds} s)`);
    } else {
      const made = `${result.charts} chart(s) (${result.synthesized} synthesized, ${result.charts - result.synthesized} unchanged) and ${result.environments} environment(s)`;
      console.log(`generate: ${made}, ${result.files} files ${result.written ? 'written to' : 'already current in'} charts/ and environments/, ${result.warnings.length} warning(s) (${seconds} s)`);
    }
  } catch (e) {
    if (e instanceof GenerateError) {
      console.error(e.message);
      console.log(`generate: failed with ${e.errors.length} error(s); nothing was written`);
    } else {
      console.error(`generate: ${(e as Error).stack ?? e}`);
    }
    process.exit(1);
  }
}

void main();
