import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubectlPath } from '@strata/toolchain';

const run = promisify(execFile);

/** Writes a file tree under a fresh temporary directory (optionally below `sub`); returns the directory. */
export function writeTree(files: ReadonlyMap<string, string>, sub = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-gitops-'));
  for (const [rel, content] of files) {
    const p = join(root, sub, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return join(root, sub);
}

/** Parses multi-document YAML into objects (empty documents dropped). */
export function parseDocs(text: string): any[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0].message}\n${text}`);
      return d.toJS();
    })
    .filter((o) => o !== null && o !== undefined);
}

/** `kubectl kustomize <dir>` with the pinned kubectl (kustomize inside), as Flux's kustomize-controller builds it. */
export async function kustomize(dir: string): Promise<any[]> {
  const { stdout } = await run(kubectlPath(), ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
  return parseDocs(stdout);
}
