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
  recoverTree(dir);
  const kept = new Map<string, string>();
  if (existsSync(dir)) for (const [rel, content] of readTree(dir)) if (keep(rel)) kept.set(rel, content);
  const next = new Map<string, string>([...kept, ...files]);
  if (existsSync(dir) && sameTree(readTree(dir), next)) return false;

  const staging = `${dir}${NEW}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [rel, content] of next) {
    const path = join(staging, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  mkdirSync(staging, { recursive: true });
  const aside = `${dir}${OLD}`;
  rmSync(aside, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, aside);
  renameSync(staging, dir);
  rmSync(aside, { recursive: true, force: true });
  return true;
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
