/**
 * Micro-benchmark of `yamlDocument` (@strata/helm, the direct YAML emitter) against `yaml`'s
 * `stringify` on the documents generate writes: every call generate makes (templates, Chart.yaml,
 * values.yaml defaults, Flux overlays) is recorded during one in-process `generate --check`, then
 * both functions are timed on those same inputs. Also checks every output is byte-identical and
 * counts the documents the emitter hands to `yaml` (the fallback rate).
 *
 *   node -r @swc-node/register tools/bench/yaml-emit.ts [workspace dir] [--rounds 30] [--generate 0]
 *
 * The workspace defaults to this repository (its charts/ and environments/); a bigger one comes
 * from `bench.ts --workspace-only --sizes 500`. `--generate N` also times N whole in-process
 * `generate --check` runs with each (yamlDocument, and yaml's stringify in its place), alternating.
 * Not part of `npm test`.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { stringify } from 'yaml';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', '30'));
const GENERATE_RUNS = Number(opt('generate', '0'));
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
const ROOT = resolve(positional[0] ?? resolve(__dirname, '..', '..'));

/* eslint-disable @typescript-eslint/no-require-imports */
type Emit = typeof import('@strata/helm');
type Options = Parameters<Emit['yamlDocument']>[1];
// Record what generate passes to yamlDocument: the call sites import it from ./yaml-emit, whose
// module object is swapped for a recording copy before anything else loads it.
const emitPath = require.resolve('../../packages/helm/src/yaml-emit');
const emit = require(emitPath) as Pick<Emit, 'yamlDocument' | 'emitYamlDirectly'>;
const calls: { value: unknown; options: Options }[] = [];
let mode: 'record' | 'direct' | 'yaml' = 'record';
require.cache[emitPath]!.exports = {
  ...emit,
  __esModule: true,
  yamlDocument: (value: unknown, options: Options) => {
    if (mode === 'yaml') return stringify(value, options);
    if (mode === 'record') calls.push({ value, options });
    return emit.yamlDocument(value, options);
  },
};
// One thread: the recording and the switch between yaml and yamlDocument live in this thread's
// modules (generate synthesizes large workspaces on worker threads as well).
(os as { availableParallelism: () => number }).availableParallelism = () => 1;
const cli = require('@strata/cli') as typeof import('@strata/cli');
/* eslint-enable @typescript-eslint/no-require-imports */

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Milliseconds to write every recorded document once with `f`. */
const pass = (f: (v: unknown, o: Options) => unknown) => {
  const start = process.hrtime.bigint();
  for (const { value, options } of calls) f(value, options);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

async function main(): Promise<void> {
  const generateOptions = { root: ROOT, check: true, cache: false };
  const result = await cli.generate(generateOptions);
  mode = 'direct';
  if (result.differences.length > 0) console.log(`note: ${result.differences.length} generated file(s) differ from ${ROOT} (the benchmark does not need them current)`);

  const kinds = new Map<string, number>();
  let fallbacks = 0;
  let mismatches = 0;
  let bytes = 0;
  for (const { value, options } of calls) {
    const key = JSON.stringify(options);
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
    const expected = stringify(value, options);
    bytes += expected.length;
    if (emit.emitYamlDirectly(value, options) === undefined) fallbacks++;
    if (emit.yamlDocument(value, options) !== expected) mismatches++;
  }

  const old = (v: unknown, o: Options) => stringify(v, o);
  const now = (v: unknown, o: Options) => emit.yamlDocument(v, o);
  for (let i = 0; i < 3; i++) (pass(old), pass(now)); // warm up both
  const oldMs: number[] = [];
  const newMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // interleaved, so drift on a shared machine hits both alike
    oldMs.push(pass(old));
    newMs.push(pass(now));
  }
  const o = median(oldMs);
  const n = median(newMs);

  console.log(`workspace: ${ROOT} (${result.charts} chart(s), ${result.environments} environment(s), ${result.files} files)`);
  console.log(`documents: ${calls.length} yamlDocument calls, ${(bytes / 1024).toFixed(0)} KiB of YAML; by options:`);
  for (const [k, c] of kinds) console.log(`  ${String(c).padStart(6)}  ${k}`);
  console.log(`byte-identical to yaml stringify: ${calls.length - mismatches}/${calls.length}${mismatches ? `  (${mismatches} MISMATCH)` : ''}`);
  console.log(`fallback to yaml: ${fallbacks}/${calls.length} (${((100 * fallbacks) / Math.max(1, calls.length)).toFixed(1)} %)`);
  console.log(`median of ${ROUNDS} rounds, all documents once per round:`);
  console.log(`  yaml stringify  ${o.toFixed(2).padStart(9)} ms  (${((1000 * o) / calls.length).toFixed(1)} µs/doc)`);
  console.log(`  yamlDocument    ${n.toFixed(2).padStart(9)} ms  (${((1000 * n) / calls.length).toFixed(1)} µs/doc)`);
  console.log(`  speedup         ${(o / n).toFixed(1)}×`);
  if (GENERATE_RUNS > 0) {
    calls.length = 0; // not kept alive through the runs
    // CPU time (user + system) as well as wall time: on a shared machine the wall time swings with the load.
    const timed = async (m: typeof mode) => {
      mode = m;
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      await cli.generate(generateOptions);
      const used = process.cpuUsage(cpu);
      return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000 };
    };
    const withYaml: { wall: number; cpu: number }[] = [];
    const withDirect: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < GENERATE_RUNS; i++) {
      withYaml.push(await timed('yaml'));
      withDirect.push(await timed('direct'));
    }
    const line = (what: string, runs: { wall: number; cpu: number }[]) =>
      `  ${what}  wall ${(median(runs.map((r) => r.wall)) / 1000).toFixed(2)} s, CPU ${(median(runs.map((r) => r.cpu)) / 1000).toFixed(2)} s`;
    console.log(`whole generate --check in process, median of ${GENERATE_RUNS}:`);
    console.log(line('with yaml stringify', withYaml));
    console.log(line('with yamlDocument  ', withDirect));
  }
  if (mismatches > 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
