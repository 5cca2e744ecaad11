import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FileTree } from '../../src';

/** Writes a chart's files into a fresh temporary directory; returns its path. */
export function writeChartDir(files: FileTree, name = 'chart'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'strata-chart-')), name);
  for (const [rel, content] of files) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Parses `helm template` output into objects (empty documents dropped). */
export function parseManifests(text: string): any[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`helm printed invalid YAML: ${d.errors[0].message}\n${text}`);
      return d.toJS();
    })
    .filter((o) => o !== null && o !== undefined);
}

/** Objects in a stable order (kind, then name), for comparing two renders. */
export function byKindAndName(objs: any[]): any[] {
  return [...objs].sort((a, b) => `${a.kind}/${a.metadata?.name}`.localeCompare(`${b.kind}/${b.metadata?.name}`));
}
