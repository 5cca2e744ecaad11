/**
 * The command line of `npm run generate`. Its options must come after `--`: npm reads every
 * `--flag` before it as an npm setting (`--check` becomes the setting `check=true`, which npm
 * hands to the script only as the environment variable `npm_config_check`, and `--no-cache` turns
 * off npm's own `cache` setting), and passes the script only what follows `--`
 * (https://docs.npmjs.com/cli/v10/using-npm/config#command-line-flags,
 * https://docs.npmjs.com/cli/v10/commands/npm-run-script; npm/cli: workspaces/config/lib/set-envs.js,
 * which puts every setting not at its default into the script's environment). Run as
 * `npm run generate --check`, generate would see no option and write: a CI check that can never
 * fail. So an option of generate's that npm took for itself is an error, as is any argument
 * generate does not know.
 */

export interface GenerateArgs {
  readonly check: boolean;
  readonly cache: boolean;
  readonly help: boolean;
}

/** generate's options, as the usage text lists them. */
export const GENERATE_OPTIONS: readonly (readonly [option: string, what: string])[] = [
  ['--check', 'compare with the committed charts/ and environments/ and write nothing; exit 1 naming the files that differ'],
  ['--no-cache', 'synthesize every chart and plan and check every environment, not only the changed ones (the cache is node_modules/.cache/strata, or STRATA_CACHE_DIR)'],
  ['--help', 'print this text'],
];

export const GENERATE_USAGE = [
  'usage: npm run generate [-- <options>]   (the options go after "--": npm keeps the ones before it for itself)',
  ...GENERATE_OPTIONS.map(([o, what]) => `  ${o.padEnd(11)} ${what}`),
].join('\n');

/** A command line generate refuses; the message says what to type instead. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * generate's options from its arguments; `env` is the process environment (npm's settings are in
 * it as `npm_config_*`). `--no-cache` before `--` leaves no trace there (npm warns "invalid config
 * cache=false" itself and drops it; its process title, the only other place, omits options): that
 * one runs with the cache, whose output is the same.
 */
export function parseGenerateArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): GenerateArgs {
  // npm sets npm_config_<name> for every setting given on its command line (or in .npmrc); check
  // is no setting of npm's, so under generate's script it can only be generate's option, misplaced.
  if (underNpmScript(env) && env.npm_config_check !== undefined) {
    throw new UsageError('npm took "--check" as an option of its own (npm passes a script only what follows "--"), so generate would have written instead of checking; run `npm run generate -- --check`');
  }
  const known = new Set(GENERATE_OPTIONS.map(([o]) => o));
  // A bare "--" (node tools/scripts/generate.mjs -- --check) only separates, as it does for npm.
  const unknown = argv.filter((a) => !known.has(a) && a !== '-h' && a !== '--');
  if (unknown.length > 0) {
    throw new UsageError(`unknown argument${unknown.length === 1 ? '' : 's'} ${unknown.map((a) => JSON.stringify(a)).join(', ')}; generate accepts ${GENERATE_OPTIONS.map(([o]) => o).join(', ')}\n${GENERATE_USAGE}`);
  }
  return { check: argv.includes('--check'), cache: !argv.includes('--no-cache'), help: argv.includes('--help') || argv.includes('-h') };
}

/** Whether this process is the script of `npm run` that runs generate (not a process started by some other script, `npm test`'s). */
export function underNpmScript(env: NodeJS.ProcessEnv): boolean {
  return /\bgenerate\.mjs\b/.test(env.npm_lifecycle_script ?? '');
}
