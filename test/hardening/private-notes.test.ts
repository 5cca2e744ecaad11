/**
 * strata stands on its own: code, messages and docs cite upstream sources (repo@tag:path, or a
 * documentation URL), never the team's private notes, which users do not have. This fails when a
 * tracked source or doc file refers to those notes again: the fact sheet's section marks, the two
 * note files by name, or the folder they live in beside the repository.
 *
 * The needles are assembled from parts so that this file does not match itself.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

const NEEDLES = [
  ['facts', ' §'],
  ['aws-storage', '-facts'],
  ['lifecycle', '-facts'],
  ['../', 'shared/'],
  ['domain/', 'pricing.md'],
  ['flux-and', '-helm.md'],
].map((parts) => parts.join(''));

/** Files git tracks (or would add), outside node_modules; binary files are skipped. */
function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return out
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '' && !f.split('/').includes('node_modules'));
}

describe('no references to the private notes', () => {
  test('no tracked file cites the notes instead of an upstream source', () => {
    const files = trackedFiles();
    // The repository has hundreds of files; an empty list means git did not run where it should.
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        const buf = readFileSync(path.join(ROOT, file));
        if (buf.includes(0)) continue; // binary
        text = buf.toString('utf8');
      } catch {
        continue; // listed but deleted in the work tree
      }
      if (!NEEDLES.some((n) => text.includes(n))) continue;
      text.split('\n').forEach((line, i) => {
        for (const n of NEEDLES) if (line.includes(n)) hits.push(`${file}:${i + 1}: "${n}" in ${line.trim().slice(0, 160)}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
