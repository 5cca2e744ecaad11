import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A directory's content: relative path → file content. */
export type FileTree = ReadonlyMap<string, string>;

const NEW = '.strata-new';
const OLD = '.strata-old';

/**
 * Replaces `dir` with exactly `files`, atomically as far as the file system allows: the new
 * tree is written in full beside the old one, then swapped in with two renames (old aside, new
 * in). A run killed before the swap leaves the old tree; a run killed between the two renames
 * leaves the old tree aside, and `recoverTree` (every strata command runs it first) puts it
 * back. Files for which `keep` answers true are carried over from the old tree (hand-written
 * inputs living beside generated output). Returns false when nothing changed (no write).
 */
export function writeTreeAtomically(dir: string, files: FileTree, keep: (rel: string) => boolean = () => false): boolean {
  return writeTreesAtomically(dirname(dir), [{ dir, files, keep }]);
}

/** One tree of a multi-tree write. */
export interface TreeWrite {
  readonly dir: string;
  readonly files: FileTree;
  /** Files carried over from the old tree (hand-written inputs beside generated output). */
  readonly keep?: (rel: string) => boolean;
}

/** The commit record of a multi-tree write: once it exists, every tree it names is rolled forward. */
export const SWAP_JOURNAL = '.strata-swap.journal';

/**
 * Replaces several trees together (charts/ and environments/): each new tree is staged in full,
 * then a journal naming the staged trees is written (the commit point), then each is swapped in.
 * A run killed before the journal leaves every old tree; after it, `recoverTrees` (which every
 * strata command runs first) finishes the swaps — so the trees are always all old or all new.
 * Returns whether anything changed.
 */
export function writeTreesAtomically(journalDir: string, writes: readonly TreeWrite[]): boolean {
  recoverTrees(journalDir, writes.map((w) => w.dir));
  const staged: string[] = [];
  for (const w of writes) {
    const keep = w.keep ?? (() => false);
    const kept = new Map<string, string>();
    if (existsSync(w.dir)) for (const [rel, content] of readTree(w.dir)) if (keep(rel)) kept.set(rel, content);
    const next = new Map<string, string>([...kept, ...w.files]);
    if (existsSync(w.dir) && sameTree(readTree(w.dir), next)) continue;
    const staging = `${w.dir}${NEW}`;
    rmSync(staging, { recursive: true, force: true });
    for (const [rel, content] of next) {
      const path = join(staging, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    mkdirSync(staging, { recursive: true });
    staged.push(w.dir);
  }
  if (staged.length === 0) return false;
  const journal = join(journalDir, SWAP_JOURNAL);
  writeFileSync(`${journal}.tmp`, JSON.stringify({ staged }, null, 2));
  renameSync(`${journal}.tmp`, journal);
  for (const dir of staged) rollForward(dir);
  rmSync(journal, { force: true });
  return true;
}

/**
 * Brings trees back to a whole state after a killed write: with a journal, the staged trees are
 * swapped in (the write had committed); without one, staged trees are dropped and any tree set
 * aside is restored.
 */
export function recoverTrees(journalDir: string, dirs: readonly string[]): void {
  const journal = join(journalDir, SWAP_JOURNAL);
  rmSync(`${journal}.tmp`, { force: true });
  if (existsSync(journal)) {
    const { staged } = JSON.parse(readFileSync(journal, 'utf8')) as { staged: string[] };
    for (const dir of staged) rollForward(dir);
    rmSync(journal, { force: true });
  }
  for (const dir of dirs) recoverTree(dir);
}

/** Swaps a staged tree in; safe to repeat from any point a kill left it at. */
function rollForward(dir: string): void {
  const staging = `${dir}${NEW}`;
  const aside = `${dir}${OLD}`;
  if (existsSync(staging)) {
    if (existsSync(dir)) {
      rmSync(aside, { recursive: true, force: true });
      renameSync(dir, aside);
    }
    renameSync(staging, dir);
  }
  rmSync(aside, { recursive: true, force: true });
}

/** Undoes what a killed write left: a staged tree is dropped, an old tree set aside is restored. */
export function recoverTree(dir: string): void {
  const aside = `${dir}${OLD}`;
  if (existsSync(aside)) {
    if (!existsSync(dir)) renameSync(aside, dir);
    else rmSync(aside, { recursive: true, force: true });
  }
  rmSync(`${dir}${NEW}`, { recursive: true, force: true });
}

/** Every file below `dir` (relative paths, sorted). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Paths that differ between what is on disk and what would be written: changed, missing, extra. */
export function diffTree(dir: string, files: FileTree, keep: (rel: string) => boolean = () => false): string[] {
  const disk = readTree(dir);
  const out: string[] = [];
  for (const [rel, content] of files) {
    if (!disk.has(rel)) out.push(`missing: ${join(dir, rel)}`);
    else if (disk.get(rel) !== content) out.push(`differs: ${join(dir, rel)}`);
  }
  for (const rel of disk.keys()) if (!files.has(rel) && !keep(rel)) out.push(`extra: ${join(dir, rel)}`);
  return out.sort();
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
