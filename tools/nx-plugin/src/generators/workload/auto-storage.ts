/**
 * `--storage=auto`: the tier from the workload's profile (@strata/recommend), among the tiers the
 * pattern can be built on, with the reasons printed. The profile comes from the generator's
 * options (--dataGiB, --readers, --readMBpsPerReader, …); its problems are refused naming the flag.
 */
import { CheckpointProfile, explainRecommendation, recommend, profileProblems, Recommendation, WorkloadProfile } from '@strata/recommend';
import { GeneratorError } from '../option-rules';
import { scaffoldClaim } from './scaffold-claims';
import { PATTERN_TIERS, PatternOption, StorageTierOption } from '../storage-tiers';
import { WorkloadGeneratorSchema } from './schema';

/** The generator options that make the profile, by profile key. */
export const PROFILE_OPTIONS = [
  'dataGiB', 'access', 'fileCount', 'readers', 'readMBpsPerReader', 'writers', 'writeMBpsPerWriter', 'perNode', 'sharing', 'latency', 'lifetime', 'budgetUsdPerMonth', 'hoursPerMonth', 's3Prefixes', 'livesInS3',
] as const;

export interface AutoStorage {
  readonly storage: StorageTierOption;
  readonly profile: WorkloadProfile;
  readonly recommendation: Recommendation;
  /** What to print: the choice, why, the ranking and what would change it. */
  readonly lines: readonly string[];
}

/** The profile the options give; refused (every problem, each naming its flag) when it has any. */
export function profileFromOptions(options: WorkloadGeneratorSchema): WorkloadProfile {
  const given: Record<string, unknown> = {};
  for (const k of PROFILE_OPTIONS) if (options[k] !== undefined) given[k] = options[k];
  if (options.checkpointGiB !== undefined || options.checkpointMinutes !== undefined) {
    given.checkpoint = { sizeGiB: options.checkpointGiB, intervalMinutes: options.checkpointMinutes } as CheckpointProfile;
  }
  const problems = profileProblems(given, 'profile').map((p) =>
    p.replace("'profile.checkpoint.sizeGiB'", "'--checkpointGiB'").replace("'profile.checkpoint.intervalMinutes'", "'--checkpointMinutes'").replace(/^'profile\.([A-Za-z0-9]+)'/, "'--$1'"),
  );
  if (problems.length > 0) throw new GeneratorError(`--storage=auto needs a valid profile:\n  ${problems.join('\n  ')}`);
  return given as unknown as WorkloadProfile;
}

/** The first-ranked layout whose tier the pattern takes; the lines say why, and what ranked above it when the pattern rules that out. */
export function chooseStorage(pattern: PatternOption, options: WorkloadGeneratorSchema): AutoStorage {
  const profile = profileFromOptions(options);
  const recommendation = recommend(profile);
  const allowed = PATTERN_TIERS[pattern];
  const pick = recommendation.ranked.find((r) => allowed.includes(r.candidate.tier))!;
  const lines: string[] = [];
  lines.push(`storage: auto chose --storage=${pick.candidate.tier} (${pick.candidate.title}, rank ${pick.rank} of ${recommendation.ranked.length}) for --pattern=${pattern}${pick.meets ? '' : ': nothing the pattern takes keeps up with this profile, this one comes closest'}`);
  const first = recommendation.ranked[0];
  if (first !== pick) {
    lines.push(`  ${first.candidate.title} ranks first, but --pattern=${pattern} is not built on ${first.candidate.tier}${first.candidate.pattern ? ` (it is the ${first.candidate.pattern} pattern: --pattern=${first.candidate.pattern})` : ' (use --pattern=none)'}`);
  }
  lines.push(...explainRecommendation(recommendation, { limit: 3 }).map((l) => `  ${l}`));
  lines.push(`  the profile goes on the workload's entry in each environment --environments names (generate's bottleneck check uses it): storageProfile: { '${scaffoldClaim(pattern, pick.candidate.tier)}': ${JSON.stringify(profile)} }`);
  return { storage: pick.candidate.tier, profile, recommendation, lines };
}
