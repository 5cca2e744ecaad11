/**
 * docs/troubleshooting.md documents every lifecycle rule and every upgrade-safety rule the checks
 * have: a rule added to the code without a row on the page fails here. The rules are read from the
 * sources — every `add('<rule>', …)` of packages/checks/src, every kind and field of upgrade.ts's
 * FIELDS table, and the checks upgrade.ts and upgrade-safety.ts make besides it — so this test
 * needs no list of its own to keep up to date.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/workspace';

const PAGE = readFileSync(join(REPO, 'docs/troubleshooting.md'), 'utf8');
const CHECKS = join(REPO, 'packages/checks/src');

/** The text of a `## <title>` section of the page (up to the next `## `). */
function section(title: string): string {
  const start = PAGE.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/troubleshooting.md has no section "## ${title}"`);
  const end = PAGE.indexOf('\n## ', start + 1);
  return PAGE.slice(start, end < 0 ? undefined : end);
}

/** Table rows of a section, as arrays of cells. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !/^\| -/.test(l))
    .map((l) => l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
}

describe('docs/troubleshooting.md', () => {
  test('names every lifecycle rule of packages/checks in its lifecycle section, one row each', () => {
    const rules = new Set<string>();
    for (const file of readdirSync(CHECKS).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(join(CHECKS, file), 'utf8').matchAll(/\badd\(\s*'([a-z][a-z-]*)'/g)) rules.add(m[1]);
    }
    // The sources hold every rule the page was written for; fewer means the pattern stopped matching.
    expect(rules.size).toBeGreaterThanOrEqual(9);
    const documented = rows(section('Lifecycle rules')).map((r) => r[0].replace(/`/g, ''));
    expect([...rules].filter((r) => !documented.includes(r)).sort()).toEqual([]);
  });

  test('has a row for every kind and field of the upgrade-safety table (packages/checks/src/upgrade.ts FIELDS)', () => {
    const source = readFileSync(join(CHECKS, 'upgrade.ts'), 'utf8');
    const table = /const FIELDS[^=]*=\s*\{([\s\S]*?)\n\};/.exec(source)?.[1];
    expect(table).toBeDefined();
    // Each kind's entry runs from `  Kind: [` to the next one; its fields are the quoted field paths in it.
    const pairs: [string, string][] = [];
    const kinds = [...table!.matchAll(/^ {2}([A-Z][A-Za-z]+): /gm)];
    kinds.forEach((k, i) => {
      const body = table!.slice(k.index, kinds[i + 1]?.index);
      const fields = new Set([...body.matchAll(/'((?:spec|metadata)\.[A-Za-z.]+|provisioner|parameters|reclaimPolicy|volumeBindingMode)'/g)].map((m) => m[1]));
      for (const f of fields) pairs.push([k[1], f]);
    });
    expect(pairs.length).toBeGreaterThanOrEqual(28);
    const documented = new Set(rows(section('Upgrade safety')).map((r) => `${r[0]} ${r[1]?.replace(/`/g, '')}`));
    expect(pairs.map(([kind, field]) => `${kind} ${field}`).filter((p) => !documented.has(p))).toEqual([]);
  });

  test('documents the upgrade-safety checks made besides that table', () => {
    const upgrade = readFileSync(join(CHECKS, 'upgrade.ts'), 'utf8');
    const safety = readFileSync(join(REPO, 'tools/cli/src/upgrade-safety.ts'), 'utf8');
    const text = section('Upgrade safety');
    // A removed claim or kept object; a dropped keep policy; a CRD's immutable fields; a moved release.
    const checks: [boolean, RegExp][] = [
      [upgrade.includes("field: 'removed'"), /`removed`/],
      [upgrade.includes("field: 'metadata.annotations.helm.sh/resource-policy'"), /`metadata\.annotations\.helm\.sh\/resource-policy`/],
      [upgrade.includes('crdImmutableFields('), /self == oldSelf/],
      [safety.includes(' moves from '), /moves from/],
    ];
    expect(checks.filter(([inCode]) => inCode).length).toBe(checks.length);
    for (const [, documented] of checks) expect(text).toMatch(documented);
  });
});
