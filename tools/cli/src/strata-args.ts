/**
 * The command line of `npm run strata -- <command> …` (after `--`, as for generate: npm keeps a
 * `--flag` before it for itself). One command today: `explain <workload> [--env <env>]`.
 */
import { UsageError } from './args';

export interface ExplainArgs {
  readonly command: 'explain';
  readonly workload: string;
  readonly env?: string;
}

export const STRATA_USAGE = [
  'usage: npm run strata -- explain <workload> [--env <env>]',
  '  explain     a workload\'s storage per claim against the recommendation for its storageProfile, in each environment that deploys it',
  '  --env       only this environment',
  '  --help      print this text',
].join('\n');

export function parseStrataArgs(argv: readonly string[]): ExplainArgs | { readonly command: 'help' } {
  const args = argv.filter((a) => a !== '--');
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return { command: 'help' };
  const [command, ...rest] = args;
  if (command !== 'explain') throw new UsageError(`unknown command ${JSON.stringify(command)}; strata accepts explain\n${STRATA_USAGE}`);
  let env: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--env') {
      env = rest[++i];
      if (env === undefined || env.startsWith('--')) throw new UsageError(`'--env' (not set) must be an environment name; e.g. --env dev\n${STRATA_USAGE}`);
    } else if (a.startsWith('--env=')) env = a.slice('--env='.length);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(a)}; explain accepts --env\n${STRATA_USAGE}`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new UsageError(`explain takes one workload (${positional.length === 0 ? 'none given' : `${positional.length} given: ${positional.join(', ')}`})\n${STRATA_USAGE}`);
  return { command: 'explain', workload: positional[0], ...(env !== undefined ? { env } : {}) };
}
