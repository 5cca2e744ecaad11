import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A directory's content: relative path → file content. */
export type FileTree = ReadonlyMap<string, string>;

const NEW = '.strata-new';
const OLD = '.strata-old';

/**
 * Makes `dir` hold exactly `files`, atomically (see writeTreesAtomically: all old or all new
 * after a kill, only changed files written). Files for which `keep` answers true are left as they
 * are (hand-written inputs living beside generated output). Returns false when nothing changed.
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
  /** Folders (relative paths) left exactly as they are, not even read: output known to be current. */
  readonly keepFolder?: (rel: string) => boolean;
  /**
   * Files of the new tree that are not in `files` because whoever made them already compared them
   * with the tree (stageFile): `written` are staged under `<dir>.strata-new/` (they differ from the
   * tree or are new), `current` are the tree's own already. Nothing else may be in the staging
   * folder (recoverTrees empties it; generate stages only after it ran).
   */
  readonly staged?: { readonly written: readonly string[]; readonly current: readonly string[] };
}

/**
 * Stages one file of a later writeTreesAtomically of `dir` (its `staged`): written under
 * `<dir>.strata-new/<rel>` when it differs from `<dir>/<rel>`; returns whether it was. Lets the
 * thread that made a file write it while others still work; the write stays all-or-nothing (the
 * tree changes only when the journal is committed).
 */
export function stageFile(dir: string, rel: string, content: string, made: Set<string> = new Set()): boolean {
  const target = join(dir, rel);
  if (existsSync(target) && readFileSync(target, 'utf8') === content) return false;
  const path = join(`${dir}${NEW}`, rel);
  const parent = dirname(path);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
  writeFileSync(path, content);
  return true;
}

/** The commit record of a multi-tree write: once it exists, every change it names is rolled forward. */
export const SWAP_JOURNAL = '.strata-swap.journal';

/** One tree's part of a committed write: files staged under `<dir>.strata-new`, files to remove. */
interface JournalEntry {
  readonly dir: string;
  readonly write: string[];
  readonly remove: string[];
  /** The tree had no file: the staged tree replaces it whole (one rename instead of one per file). */
  readonly whole?: boolean;
}

/**
 * Changes several trees together (charts/ and environments/) so that they are always all old or
 * all new, touching only what differs: each changed or new file is staged in full under
 * `<dir>.strata-new/`, then a journal naming every staged and every removed file is written (the
 * commit point), then each staged file is renamed into place (an atomic replace of that file) and
 * each removed file deleted. A run killed before the journal leaves every old tree; after it,
 * `recoverTrees` (which every strata command runs first) finishes the change. Unchanged files
 * are never rewritten, so an edit of one chart writes that chart's files only.
 * Returns whether anything changed.
 */
export function writeTreesAtomically(journalDir: string, writes: readonly TreeWrite[]): boolean {
  // What a killed write left is settled first; files staged for this write stay.
  recoverTrees(journalDir, writes.map((w) => w.dir), writes.filter((w) => w.staged).map((w) => w.dir));
  const entries: JournalEntry[] = [];
  for (const w of writes) {
    const keep = w.keep ?? (() => false);
    const onDisk = existsSync(w.dir) ? listTree(w.dir, w.keepFolder) : [];
    const present = new Set(onDisk);
    const staged = new Set([...(w.staged?.written ?? []), ...(w.staged?.current ?? [])]);
    // Only files that would be written are read (to compare); the others are listed.
    const write = [...w.files.keys()].filter((rel) => !present.has(rel) || readFileSync(join(w.dir, rel), 'utf8') !== w.files.get(rel));
    const remove = onDisk.filter((rel) => !w.files.has(rel) && !staged.has(rel) && !keep(rel)).sort();
    const stagedWritten = w.staged?.written ?? [];
    if (write.length === 0 && remove.length === 0 && stagedWritten.length === 0) continue;
    const staging = `${w.dir}${NEW}`;
    if (!w.staged) rmSync(staging, { recursive: true, force: true });
    const made = new Set<string>();
    for (const rel of write) {
      const path = join(staging, rel);
      const parent = dirname(path);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      writeFileSync(path, w.files.get(rel)!);
    }
    write.push(...stagedWritten);
    write.sort();
    entries.push({ dir: w.dir, write, remove, ...(onDisk.length === 0 && !w.keepFolder ? { whole: true } : {}) });
  }
  if (entries.length === 0) return false;
  const journal = join(journalDir, SWAP_JOURNAL);
  writeFileSync(`${journal}.tmp`, JSON.stringify({ version: 2, trees: entries }));
  renameSync(`${journal}.tmp`, journal);
  for (const e of entries) rollForward(e);
  rmSync(journal, { force: true });
  return true;
}

/**
 * Brings trees back to a whole state after a killed write: with a journal, the staged changes are
 * applied (the write had committed); without one, staged files are dropped (but for the trees in
 * `staged`: staged for the write about to happen) and any tree set aside (by a whole-tree swap of
 * an earlier strata) is restored.
 */
export function recoverTrees(journalDir: string, dirs: readonly string[], staged: readonly string[] = []): void {
  const journal = join(journalDir, SWAP_JOURNAL);
  rmSync(`${journal}.tmp`, { force: true });
  if (existsSync(journal)) {
    const record = JSON.parse(readFileSync(journal, 'utf8')) as { version?: number; trees?: JournalEntry[]; staged?: string[] };
    if (record.version === 2) for (const e of record.trees ?? []) rollForward(e);
    else for (const dir of record.staged ?? []) swapIn(dir);
    rmSync(journal, { force: true });
  }
  for (const dir of dirs) recoverTree(dir, staged.includes(dir));
}

/** Applies one tree's committed change; safe to repeat from any point a kill left it at. */
function rollForward(e: JournalEntry): void {
  const staging = `${e.dir}${NEW}`;
  if (e.whole) {
    // The old tree held no file (at most empty folders): swap the staged tree in whole.
    if (existsSync(staging)) {
      rmSync(e.dir, { recursive: true, force: true });
      renameSync(staging, e.dir);
    }
    return;
  }
  for (const rel of e.remove) {
    rmSync(join(e.dir, rel), { force: true });
    removeEmptyParents(e.dir, rel);
  }
  const made = new Set<string>();
  for (const rel of e.write) {
    const from = join(staging, rel);
    if (!existsSync(from)) continue; // moved before the kill
    const to = join(e.dir, rel);
    if (!made.has(dirname(to))) {
      mkdirSync(dirname(to), { recursive: true });
      made.add(dirname(to));
    }
    renameSync(from, to);
  }
  rmSync(staging, { recursive: true, force: true });
}

/** Removes the folders of `rel` below `dir` that a removal left empty. */
function removeEmptyParents(dir: string, rel: string): void {
  let parent = dirname(rel);
  while (parent !== '.' && parent !== '') {
    const path = join(dir, parent);
    try {
      if (readdirSync(path).length > 0) return;
      rmSync(path, { recursive: true, force: true });
    } catch {
      return;
    }
    parent = dirname(parent);
  }
}

/** A whole staged tree swapped in (the journal format of earlier versions). */
function swapIn(dir: string): void {
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
export function recoverTree(dir: string, keepStaged = false): void {
  const aside = `${dir}${OLD}`;
  if (existsSync(aside)) {
    if (!existsSync(dir)) renameSync(aside, dir);
    else rmSync(aside, { recursive: true, force: true });
  }
  if (!keepStaged) rmSync(`${dir}${NEW}`, { recursive: true, force: true });
}

/** The relative paths (with /) of the files below `dir`, sorted, not descending into folders `skip` names. */
export function listTree(dir: string, skip?: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip?.(rel)) walk(join(d, entry.name), rel);
      } else out.push(rel);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Every file below `dir` (relative paths, sorted). */
export function readTree(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  return new Map(listTree(dir).map((rel) => [rel, readFileSync(join(dir, rel), 'utf8')]));
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
