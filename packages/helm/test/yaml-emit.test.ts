import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { version as yamlVersion } from 'yaml/package.json';
import { emitYamlDirectly, yamlDocument, YamlDocumentOptions, YAML_VERSION_REPRODUCED } from '../src';

/** The option sets strata passes to yaml's stringify (template.ts, flux.ts, chart-files.ts). */
const OPTION_SETS: [string, YamlDocumentOptions][] = [
  ['templates', { lineWidth: 0, indent: 2, indentSeq: true, aliasDuplicateObjects: false }],
  ['flux', { lineWidth: 0, aliasDuplicateObjects: false }],
  ['Chart.yaml', { lineWidth: 0 }],
  ['values.yaml', { lineWidth: 0, indentSeq: true }],
];

/** Pieces of strings that make yaml quote, escape, fold, chomp or mistake a string for another type. */
const NASTY = [
  ':', ': ', '#', ' #', '-', '- ', '?', '? ', '{', '}', '[', ']', ',', '"', "'", '\n', '\n\n', ' ', '  ', '\t', '\r', '\\',
  'yes', 'no', 'on', 'off', 'y', 'null', 'Null', 'NULL', '~', 'true', 'False', 'TRUE', '0x1f', '0o17', '1e3', '.5', '0777', '-1', '+2', '3.',
  '.inf', '-.Inf', '.nan', '2024-01-01', '12:30', '*a', '&a', '!t', '!!str', '%', '@', '`', '|', '>', '|-', '---', '...', '<<', '=',
  'a', 'b', 'key', 'x y', 'é', '日本', '😀', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u0000', '\u0007', '\u000b', '\u001b',
  '\u007f', '\ud800', '\udc00', '__strata_action_12__', '{{ .Values.x | quote }}', 'sha256:0f', 'http://x/y', 'oci://r/c', 'ReadWriteMany',
];

const nastyString = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.constantFrom(...NASTY), { maxLength: 7 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', ':', '#', '-', "'", '"'), maxLength: 20 }) },
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 0.1, 1.5, -2.5e-300, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity),
);
const scalar = fc.oneof({ weight: 6, arbitrary: nastyString }, { weight: 2, arbitrary: number }, fc.boolean(), fc.constant(null));

const { value } = fc.letrec<{ value: unknown; list: unknown[]; map: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 4, arbitrary: scalar }, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 5 }),
  // undefined property values: yaml leaves the key out
  map: fc.dictionary(nastyString, fc.oneof({ weight: 8, arbitrary: tie('value') }, fc.constant(undefined)), { maxKeys: 6 }),
}));
/** Documents as strata builds them (a map or a list on top), plus top-level scalars and shared objects (yaml aliases these). */
const document = fc.oneof(
  { weight: 6, arbitrary: value.filter((v) => v !== null && typeof v === 'object') },
  { weight: 1, arbitrary: scalar },
  { weight: 1, arbitrary: value.map((shared) => ({ first: shared, again: { shared } })) },
);

test(`the direct path is verified for the installed yaml (${yamlVersion})`, () => {
  // On a yaml upgrade: run this file against the new version, check dist/stringify for changed rules, then bump.
  expect(YAML_VERSION_REPRODUCED).toBe(yamlVersion);
  expect(emitYamlDirectly({ a: 1 }, { lineWidth: 0 })).toBe('a: 1\n');
});

describe.each(OPTION_SETS)('yamlDocument equals yaml stringify (%s options)', (_name, options) => {
  test('on 3000 random documents of nasty strings, numbers, nested maps and lists', () => {
    let direct = 0;
    fc.assert(
      fc.property(document, (doc) => {
        const expected = stringify(doc, options);
        const emitted = emitYamlDirectly(doc, options);
        if (emitted !== undefined) {
          direct++;
          expect(emitted).toBe(expected);
        }
        expect(yamlDocument(doc, options)).toBe(expected);
      }),
      { numRuns: 3000, seed: 20260808 },
    );
    // The property must exercise the direct path, not only the fallback.
    expect(direct).toBeGreaterThan(1500);
  });

  test('on strings in every position: map values, keys, list items, top-level map keys', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        for (const doc of [{ k: s }, { [s]: 1 }, [s], { a: { [s]: [s] } }, [{ [s]: s }], { a: [[s]] }]) {
          const emitted = emitYamlDirectly(doc, options);
          if (emitted !== undefined) expect(emitted).toBe(stringify(doc, options));
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

test.each([
  [{ a: undefined, b: 1 }, 'b: 1\n'],
  [{ a: undefined }, '{}\n'],
  [{ a: null }, 'a: null\n'],
  [{ a: [], b: {} }, 'a: []\nb: {}\n'],
  [{ '---': '---' }, '"---": ---\n'],
  [{ a: { '---': 1 } }, 'a:\n  ---: 1\n'],
  [{ a: 'x\n  y\n\n' }, 'a: |+\n  x\n    y\n\n'],
  [{ a: ' x\ny' }, 'a: |2-\n   x\n  y\n'],
  [{ a: '{"k":1}', b: "it's", c: '1.0.0', d: '1.0', e: 'on', f: '' }, "a: '{\"k\":1}'\nb: it's\nc: 1.0.0\nd: \"1.0\"\ne: on\nf: \"\"\n"],
  [{ a: -0, b: NaN, c: -Infinity, d: 1e21 }, 'a: -0\nb: .nan\nc: -.inf\nd: 1e+21\n'],
])('%j is written as yaml writes it', (doc, expected) => {
  expect(stringify(doc, { lineWidth: 0 })).toBe(expected);
  expect(emitYamlDirectly(doc, { lineWidth: 0 })).toBe(expected);
});

test.each([
  ['a top-level scalar', 'text', { lineWidth: 0 }],
  ['a key of several lines', { 'a\nb': 1 }, { lineWidth: 0 }],
  ['a key over 1024 characters', { ['k'.repeat(1025)]: 1 }, { lineWidth: 0 }],
  ['several lines with a control character', { a: 'x\n\u0007' }, { lineWidth: 0 }],
  ['several lines ending in blanks', { a: 'x\n  ' }, { lineWidth: 0 }],
  ['undefined in a list', [1, undefined], { lineWidth: 0 }],
  ['a Date', { a: new Date(0) }, { lineWidth: 0 }],
  ['a Map', new Map([['a', 1]]), { lineWidth: 0 }],
  ['a shared object (yaml writes an anchor)', (() => { const o = { x: 1 }; return { a: o, b: o }; })(), { lineWidth: 0 }],
  ['folding (lineWidth 80)', { a: 1 }, {}],
  ['indent 4', { a: [1] }, { lineWidth: 0, indent: 4 }],
  ['indentSeq false', { a: [1] }, { lineWidth: 0, indentSeq: false }],
] as [string, unknown, YamlDocumentOptions][])('falls back to yaml for %s', (_what, doc, options) => {
  expect(emitYamlDirectly(doc, options)).toBeUndefined();
  expect(yamlDocument(doc, options)).toBe(stringify(doc, options));
});

test('a shared object is written directly when aliasDuplicateObjects is false', () => {
  const o = { x: 1 };
  const options = { lineWidth: 0, aliasDuplicateObjects: false };
  expect(emitYamlDirectly({ a: o, b: [o] }, options)).toBe(stringify({ a: o, b: [o] }, options));
});

/** Every YAML file of charts/ and environments/ except chart templates (Helm template text, not YAML). */
function committedYamlFiles(): string[] {
  const root = join(__dirname, '..', '..', '..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'templates') walk(path);
      } else if (e.name.endsWith('.yaml')) out.push(relative(root, path));
    }
  };
  walk(join(root, 'charts'));
  walk(join(root, 'environments'));
  return out.sort().map((p) => join(root, p));
}

test('yamlDocument equals yaml stringify on every document of the committed charts/ and environments/', () => {
  const files = committedYamlFiles();
  expect(files.length).toBeGreaterThan(20);
  let documents = 0;
  for (const file of files) {
    for (const parsed of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (!('toJS' in parsed)) continue;
      const doc: unknown = parsed.toJS();
      if (doc === null) continue;
      documents++;
      // values.yaml is written one top-level key at a time
      const pieces = file.endsWith('values.yaml') && typeof doc === 'object' ? [doc, ...Object.entries(doc as object).map(([k, v]) => ({ [k]: v }))] : [doc];
      for (const piece of pieces) {
        for (const [, options] of OPTION_SETS) expect(`${file}\n${yamlDocument(piece, options)}`).toBe(`${file}\n${stringify(piece, options)}`);
      }
    }
  }
  expect(documents).toBeGreaterThan(20);
});
