import { createHash } from 'node:crypto';
import { ACCEPTS_KEYWORD, ConditionalConstraint, Constraint, describeConstraint, Manifest as TokenManifest, podTemplatesOf, Tokens, withDeclaredKinds } from '@strata/tokens';
import { awaitedObjects } from './awaits';
import { encodeManifest } from './content-name';
import { guardsTemplate, relationGuards, valueGuards } from './guards';
import { contentNameSuffix, sourceNameSuffix, sourceOfVolume } from './resolve';
import { chartLabels, KEEP_ANNOTATION, Manifest, SynthesizedChart } from './synth';
import { ChartMetadata, CLUSTER_OBJECT_NAME, CLUSTER_SCOPED_KINDS, CONTENT_NAMED_KINDS, overridableName } from './workload-chart';
import { TemplateRenderer } from './template';
import { JsonSchema, ValueDeclaration, withPatternWords } from './values';
import { valuesTypeScript } from './values-type';
import { yamlDocument } from './yaml-emit';

/** Chart.yaml annotation listing what the chart needs installed cluster-wide, e.g. "efs,s3". */
export const USES_ANNOTATION = 'strata.dev/uses';

/**
 * Chart.yaml annotation listing what helm-controller waits for in a release of the chart and
 * what each wait depends on (see awaits.ts): a JSON array of AwaitedObject, numbers as facts
 * (`{ "$value": path }` or `{ "$formula": … }` read from the release's values). Environments derive
 * each HelmRelease's timeout from it, and whether to wait for Jobs.
 */
export const AWAITS_ANNOTATION = 'strata.dev/awaits';

/**
 * Chart.yaml annotation listing the custom kinds the chart declares and where their pod templates
 * are (a JSON array of PodTemplatePaths of @strata/tokens): the checks find their pods with it.
 */
export const POD_TEMPLATES_ANNOTATION = 'strata.dev/pod-templates';

/**
 * Chart.yaml annotation: the Pod Security level the chart's pods need of their namespace when it
 * is not "restricted", with why (JSON `{"level":"baseline","reasons":[...]}`). Environments make
 * each namespace enforce the least restrictive level its charts need.
 */
export const POD_SECURITY_ANNOTATION = 'strata.dev/pod-security';

/** Chart.yaml annotation recording the changes accepted on purpose against the previous version (see ChartMetadata.acceptedChanges). */
export const ACCEPTED_CHANGES_ANNOTATION = 'strata.dev/accepted-changes';

/** The accepted changes of a chart as the annotation states them (stable JSON). */
export function acceptedChangesOf(m: ChartMetadata): string {
  return JSON.stringify((m.acceptedChanges ?? []).map((c) => ({ kind: c.kind, name: c.name, change: c.change, reason: c.reason })));
}

/**
 * Chart.yaml annotation describing each storage construct for reports: a JSON array of
 * `{ name, tier, facts }`, where a fact bound to a value reads `{ "$value": "<path>" }` (times
 * `multiply` for a converted unit) — the environment's value, or the chart default.
 */
export const STORAGE_ANNOTATION = 'strata.dev/storage';

/**
 * A fact as an annotation states it: a literal; `{ "$value": path }` (times `multiply`) for a value;
 * `{ "$concat": [...] }` for text built from values; `{ "$clusterObjectName" }` for a cluster-scoped
 * object the chart names; null when it depends on something a report cannot read.
 */
function factValue(v: unknown): unknown {
  const info = Tokens.infoOf(v);
  if (info && !info.path.startsWith('$')) return info.derivation ? { $value: info.derivation.base.path, multiply: info.derivation.multiplier } : { $value: info.path };
  // The name of a cluster-scoped object the chart makes (its own StorageClass): what the claim
  // really names, resolved per release by whoever reads the fact (`<namespace>-<full name>-<suffix>`, or the value when set).
  const overridable = info ? overridableName(info.path) : undefined;
  if (overridable) return { $clusterObjectName: overridable.suffix, override: overridable.valuePath };
  if (info?.path.startsWith(CLUSTER_OBJECT_NAME)) return { $clusterObjectName: info.path.slice(CLUSTER_OBJECT_NAME.length) };
  if (info) return null; // a value of the release (its name, namespace): not a fact a report can use
  if (typeof v === 'string' && Tokens.isToken(v)) {
    // A string built from values and text ("s3://<bucket>/<path>"): its parts, each value by its path.
    const parts = Tokens.split(v).map((p) => (typeof p === 'string' ? p : p.path.startsWith('$') || p.derivation ? null : { $value: p.path }));
    return parts.some((p) => p === null) ? null : { $concat: parts };
  }
  if (Tokens.isToken(v)) return null;
  return v;
}

function storageAnnotation(synth: SynthesizedChart): { name: string; tier: string; facts: Record<string, unknown> }[] {
  return synth.storage.map(({ path, description }) => {
    const facts: Record<string, unknown> = {};
    for (const key of Object.keys(description.facts).sort()) {
      const v = factValue(description.facts[key]);
      if (v !== undefined && v !== null) facts[key] = v;
    }
    return { name: path, tier: description.tier, facts };
  });
}

/**
 * Chart.yaml annotation stating what each versioned pattern (ModelRepository, DistributedDataset)
 * reads for its version: a JSON array of `{ name, pattern, facts }`, facts as in `strata.dev/storage`
 * (`version`, `source`, `reads`, `pinned` or `unpinned`…). Environment reports resolve them with
 * each release's values: which version each environment serves, and from where.
 */
export const VERSIONS_ANNOTATION = 'strata.dev/versions';

function versionsAnnotation(synth: SynthesizedChart): { name: string; pattern: string; facts: Record<string, unknown> }[] {
  return (synth.versions ?? []).map(({ path, description }) => {
    const facts: Record<string, unknown> = {};
    for (const key of Object.keys(description.facts).sort()) {
      const v = factValue(description.facts[key]);
      if (v !== undefined && v !== null) facts[key] = v;
    }
    return { name: path, pattern: description.pattern, facts };
  });
}

/**
 * The chart's folder of IAM policy documents: `iam-policies/<key>.json`, one per service account
 * key (or driver key) the chart derives a policy for. Chart metadata, never rendered into the
 * cluster (Helm renders templates/ only): each string that depends on values is a fact,
 * `{ "$value": path }` or `{ "$concat": [text | { "$value": path }] }`, which environments resolve
 * with each release's values to make the roles (ACK) or to tell operators what to create.
 */
export const POLICIES_DIR = 'iam-policies';

/** A policy document with each string that holds tokens stated as a fact; refused when a part is not a value of the chart. */
function policyFacts(v: unknown, where: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => policyFacts(x, `${where}[${i}]`));
  if (typeof v === 'string' && Tokens.isToken(v)) {
    const fact = factValue(v);
    if (fact === null || fact === undefined) throw new Error(`${where}: a policy may depend only on the chart's values (not on the release's name or a derived value); found ${JSON.stringify(v)}`);
    return fact;
  }
  if (Tokens.isToken(v)) throw new Error(`${where}: a policy may depend only on the chart's values`);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, policyFacts(x, `${where}.${k}`)]));
  return v;
}

/** The line every generated file starts with (in that file's comment syntax). */
export const GENERATED = 'generated by strata — do not edit';

export interface ChartFilesOptions {
  /**
   * The chart version (SemVer), or a function choosing it from the chart's content digest
   * (so a version changes when, and only when, the content does).
   */
  readonly version: string | ((contentDigest: string) => string);
  /** Where the chart comes from, for the header: "packages/workloads/llm-inference". */
  readonly source: string;
}

/**
 * Every file of a chart directory, as a map from relative path to content: Chart.yaml,
 * values.yaml, values.schema.json, templates (one file per object), _helpers.tpl, NOTES.txt,
 * a test hook pod, README.md and .helmignore. Pure: the same input gives the same bytes.
 */
export function chartFiles(synth: SynthesizedChart, options: ChartFilesOptions): Map<string, string> {
  const meta = synth.chart.chartMetadata;
  const renderer = new TemplateRenderer(meta.name);
  const files = new Map<string, string>();
  const header = `# ${GENERATED} (source: ${options.source})\n`;

  files.set('values.yaml', valuesYaml(synth.chart.values.declarations, header));
  const schema = valuesSchema(synth);
  files.set('values.schema.json', JSON.stringify(schema, null, 2) + '\n');
  // For environments/<env>/environment.ts (typed overrides); not part of the packaged chart.
  files.set('values.d.ts', valuesTypeScript(schema, meta.name, `${GENERATED} (source: ${options.source})`));
  files.set('.helmignore', `${header}.git/\n*.tgz\n*.orig\n*.bak\n*.tmp\n.DS_Store\nvalues.d.ts\n`);
  const contentNamed: string[] = [];
  const sourceNamed: string[] = [];
  for (const o of synth.objects) {
    const suffix = contentNameSuffix(o.manifest);
    const source = sourceNameSuffix(o.manifest);
    let body: string;
    let defines = '';
    if (source !== undefined) {
      // A volume named by its source: the source is rendered once more into a named template, the
      // hash in its name (and its claim's) is taken over it (see content-name.ts volumeSourceOf).
      sourceNamed.push(source);
      defines = `{{- define "${meta.name}.source.${source}" -}}\n${renderer.render(sourceOfVolume(o.manifest))}{{- end }}\n`;
      body = renderer.render(o.manifest);
    } else if (suffix === undefined) body = renderer.render(o.manifest);
    else {
      // The spec is rendered once into a named template: the Job's body includes it, and its name's
      // hash is taken over it (see content-name.ts).
      contentNamed.push(suffix);
      const { spec, ...rest } = o.manifest;
      defines = `{{- define "${meta.name}.spec.${suffix}" -}}\n${renderer.render(spec)}{{- end }}\n`;
      body = `${renderer.render(rest)}spec:\n  {{- include "${meta.name}.spec.${suffix}" . | nindent 2 }}\n`;
    }
    const guard = o.conditions.length === 0 ? undefined : o.conditions.length === 1 ? renderer.expression(o.conditions[0]) : `and ${o.conditions.map((c) => `(${renderer.expression(c)})`).join(' ')}`;
    files.set(`templates/${o.fileStem}.yaml`, header + defines + (guard ? `{{- if ${guard} }}\n${body}{{- end }}\n` : body));
  }
  files.set('templates/_helpers.tpl', helpersTpl(meta.name, options.source) + (contentNamed.length > 0 ? contentNameTpl(meta.name) : '') + contentNamed.sort().map((suffix) => contentHashTpl(meta.name, suffix)).join('') + sourceNamed.sort().map((suffix) => sourceHashTpl(meta.name, suffix)).join(''));
  const guards = guardsTemplate(valueGuards(synth.chart.values), renderer, header, relationGuards(synth.chart.values));
  if (guards) files.set('templates/guards.yaml', guards);
  const testPods = chartTestHooks(synth);
  if (testPods.length > 0) files.set('templates/tests/test-storage.yaml', header + testPods.map((p) => renderer.render(p)).join('---\n'));
  files.set('templates/NOTES.txt', notesTxt(synth, testPods.length > 0));
  for (const [key, document] of Object.entries(synth.policies ?? {})) {
    files.set(`${POLICIES_DIR}/${key}.json`, JSON.stringify(policyFacts(document, `${POLICIES_DIR}/${key}.json`), null, 2) + '\n');
  }
  // The digest covers everything but the version: Chart.yaml is hashed without it.
  const digest = contentDigest(files, yamlDocument(chartYaml(synth, '0.0.0'), { lineWidth: 0 }));
  const version = typeof options.version === 'function' ? options.version(digest) : options.version;
  files.set('README.md', readme(synth, { ...options, version }));
  const chart = chartYaml(synth, version, digest);
  files.set('Chart.yaml', header + yamlDocument(chart, { lineWidth: 0 }));
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  madeFrom.set(sorted, { chart: JSON.parse(JSON.stringify(chart)) as Record<string, unknown>, schema: schema as Record<string, unknown> });
  return sorted;
}

const madeFrom = new WeakMap<ReadonlyMap<string, string>, ChartFilesData>();

/** Chart.yaml and values.schema.json as data, as chartFiles made them (what parsing those files gives). */
export interface ChartFilesData {
  readonly chart: Record<string, unknown>;
  readonly schema: Record<string, unknown>;
}

/** The data of files chartFiles made in this process (a reader need not parse them back); undefined for any other map. */
export function chartFilesData(files: ReadonlyMap<string, string>): ChartFilesData | undefined {
  return madeFrom.get(files);
}

/** Chart.yaml annotation holding the digest of the chart's content (all files, the version left out). */
export const CONTENT_DIGEST_ANNOTATION = 'strata.dev/content-digest';

function contentDigest(files: Map<string, string>, versionlessChartYaml: string): string {
  const hash = createHash('sha256');
  const entries = [...files.entries(), ['Chart.yaml', versionlessChartYaml] as [string, string]].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, content] of entries) hash.update(path).update('\0').update(content).update('\0');
  return `sha256:${hash.digest('hex')}`;
}

function chartYaml(synth: SynthesizedChart, version: string, digest?: string): Record<string, unknown> {
  const m = synth.chart.chartMetadata;
  const out: Record<string, unknown> = {
    apiVersion: 'v2',
    name: m.name,
    description: m.description,
    type: 'application',
    version,
    appVersion: m.appVersion ?? '1.0.0',
    kubeVersion: m.kubeVersion ?? '>=1.29.0-0',
    home: m.home ?? 'https://github.com/strata-dev/strata',
  };
  if (m.sources && m.sources.length > 0) out.sources = m.sources;
  out.keywords = [...new Set(['strata', 'storage', ...(m.keywords ?? [])])];
  // Read by @strata/gitops: an environment installs exactly the CSI drivers its charts use.
  const annotations: Record<string, string> = {};
  if (synth.uses.length > 0) annotations[USES_ANNOTATION] = synth.uses.join(',');
  if (synth.storage.length > 0) annotations[STORAGE_ANNOTATION] = JSON.stringify(storageAnnotation(synth));
  if ((synth.versions ?? []).length > 0) annotations[VERSIONS_ANNOTATION] = JSON.stringify(versionsAnnotation(synth));
  const awaited = awaitedObjects(synth.objects.map((o) => encodeManifest(o.manifest) as Record<string, unknown>));
  annotations[AWAITS_ANNOTATION] = JSON.stringify(awaited);
  if (synth.podTemplateKinds.length > 0) annotations[POD_TEMPLATES_ANNOTATION] = JSON.stringify(synth.podTemplateKinds);
  if (synth.podSecurity.level !== 'restricted') annotations[POD_SECURITY_ANNOTATION] = JSON.stringify({ level: synth.podSecurity.level, reasons: synth.podSecurity.reasons.map((r) => r.replace(/^\[[^\]]*\] /, '')) });
  if (m.acceptedChanges && m.acceptedChanges.length > 0) annotations[ACCEPTED_CHANGES_ANNOTATION] = acceptedChangesOf(m);
  if (digest) annotations[CONTENT_DIGEST_ANNOTATION] = digest;
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  return out;
}

// ---------------------------------------------------------------------------------------------
// values.yaml and values.schema.json: both from the same declarations

interface ValueTree {
  [key: string]: ValueTree | ValueDeclaration;
}

function isDeclaration(x: ValueTree | ValueDeclaration): x is ValueDeclaration {
  return typeof (x as ValueDeclaration).path === 'string' && typeof (x as ValueDeclaration).type === 'string';
}

function treeOf(decls: ValueDeclaration[]): ValueTree {
  const root: ValueTree = {};
  for (const d of decls) {
    const segs = d.path.split('.');
    let cur = root;
    for (const s of segs.slice(0, -1)) cur = (cur[s] = (cur[s] as ValueTree) ?? {}) as ValueTree;
    cur[segs[segs.length - 1]] = d;
  }
  return root;
}

function valuesYaml(decls: ValueDeclaration[], header: string): string {
  const lines: string[] = [header.trimEnd(), '# Every value is described here and checked by values.schema.json at install.'];
  const walk = (tree: ValueTree, indent: string, top: boolean) => {
    for (const [key, node] of Object.entries(tree)) {
      if (top) lines.push('');
      if (isDeclaration(node)) {
        lines.push(`${indent}# -- ${node.description}`);
        const text = yamlDocument({ [key]: node.default }, { lineWidth: 0, indentSeq: true }).trimEnd();
        for (const l of text.split('\n')) lines.push(indent + l);
      } else {
        if (top) lines.push(`${indent}## ${key}`);
        lines.push(`${indent}${key}:`);
        walk(node, indent + '  ', false);
      }
    }
  };
  walk(treeOf(decls), '', true);
  return lines.join('\n') + '\n';
}

/** values.schema.json: the declarations, the rules constructs attached to them, and cross-field rules. */
export function valuesSchema(synth: SynthesizedChart): JsonSchema {
  const values = synth.chart.values;
  const attached = new Map<string, { constraint: Constraint; origin: string; accepted?: string }[]>();
  for (const t of Tokens.ownedBy(values)) {
    // A rule a construct checks on a value that leaves its field out while empty (Tokens.omittedWhenEmpty,
    // Values.omittable*) holds for a set value only: as a schema rule it would refuse the empty default.
    // What the schema can say of such a value is in its declaration (a NodePool weight's maximum).
    if (t.path.startsWith('$') || t.derivation || t.omitWhenEmpty || t.constraints.length === 0) continue;
    attached.set(t.path, [...(attached.get(t.path) ?? []), ...t.constraints]);
  }
  const build = (tree: ValueTree): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, node] of Object.entries(tree)) {
      if (isDeclaration(node)) {
        const rules = attached.get(node.path) ?? [];
        const leaf = { ...node.schema, default: node.default };
        properties[key] = rules.length === 0 ? leaf : { ...leaf, allOf: dedupe(rules).map((r) => withPatternWords({ ...toSchema(r.constraint), $comment: r.origin, [ACCEPTS_KEYWORD]: r.accepted ?? describeConstraint(r.constraint) })) };
      } else {
        properties[key] = build(node);
      }
    }
    return { type: 'object', additionalProperties: false, properties, required: Object.keys(properties) };
  };
  const root = build(treeOf(values.declarations));
  // Helm passes `global` to every chart; allow it without opening the root to typos.
  (root.properties as Record<string, JsonSchema>).global = { type: 'object', description: 'Helm global values (unused by this chart).' };
  const conditionals = Tokens.conditionalsOf(values).map(conditionalSchema);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: GENERATED,
    title: `${synth.chart.chartMetadata.name} values`,
    ...root,
    ...(conditionals.length > 0 ? { allOf: conditionals } : {}),
  };
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = JSON.stringify(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toSchema(c: Constraint): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined) continue;
    if (k === 'anyOf') out.anyOf = (v as Constraint[]).map(toSchema);
    else if (k === 'not' || k === 'items') out[k] = toSchema(v as Constraint);
    else out[k] = v;
  }
  return out;
}

/** `{path: schema}` nested into properties/required, the shape `if`/`then` need. */
function atPath(path: string, schema: JsonSchema): JsonSchema {
  return path
    .split('.')
    .reverse()
    .reduce<JsonSchema>((inner, seg) => ({ properties: { [seg]: inner }, required: [seg] }), schema);
}

function conditionalSchema(c: ConditionalConstraint): JsonSchema {
  const when = c.when.map((w) => atPath(w.token.path, w.negated ? { not: { enum: [...w.equals] } } : { enum: [...w.equals] }));
  const condition = when.length === 1 ? when[0] : { allOf: when };
  const then = c.then ? atPath(c.then.token.path, toSchema(c.then.constraint)) : false;
  return { $comment: c.origin, if: condition, then };
}

// ---------------------------------------------------------------------------------------------
// templates/_helpers.tpl, the test hook, NOTES.txt, README.md

function helpersTpl(c: string, source: string): string {
  return `{{/* ${GENERATED} (source: ${source}) */}}

{{/* The chart name, or nameOverride. */}}
{{- define "${c}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the release name when it already holds the chart name, cut to 63. */}}
{{- define "${c}.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "${c}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: only name and instance, so selectors never change between versions. */}}
{{- define "${c}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${c}.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Common labels. */}}
{{- define "${c}.labels" -}}
helm.sh/chart: {{ include "${c}.chart" . }}
{{ include "${c}.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Name of one namespaced object: (list $ "suffix"). The suffix is kept whole; the full name is cut to fit 63. */}}
{{- define "${c}.objectName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "${c}.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/* Name of one cluster-scoped object: also carries the namespace, so releases in two namespaces never collide. */}}
{{- define "${c}.clusterObjectName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (printf "%s-%s" $root.Release.Namespace (include "${c}.fullname" $root) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}
`;
}

/** The named template of content names (charts with Jobs): `<full name>-<suffix>-<hash>`. */
function contentNameTpl(c: string): string {
  return `
{{/* Name of one content-named object (a Job): (list $ "suffix" "hash"); room is kept for the "-<index>" of an Indexed Job's pod names. */}}
{{- define "${c}.contentName" -}}
{{- $root := index . 0 }}
{{- $suffix := printf "%s-%s" (index . 1) (index . 2) }}
{{- printf "%s-%s" (include "${c}.fullname" $root | trunc (int (sub 56 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}
`;
}

/** The named template of a content name's hash: the Job's spec as rendered, as JSON, hashed (see content-name.ts). */
function contentHashTpl(c: string, suffix: string): string {
  return `
{{/* The hash in the name of ${suffix}: its spec as this release renders it (an unchanged spec keeps the name). */}}
{{- define "${c}.contentHash.${suffix}" -}}
{{- include "${c}.spec.${suffix}" . | fromYaml | toJson | sha256sum | trunc 8 }}
{{- end }}
`;
}

/** The named template of the hash of a volume's source, which names the volume and its claim (see content-name.ts volumeSourceOf). */
function sourceHashTpl(c: string, suffix: string): string {
  return `
{{/* The hash in the names of volume ${suffix} and its claim: the volume's source as this release renders it (the same source keeps the names; a new one makes a new volume and claim). */}}
{{- define "${c}.sourceHash.${suffix}" -}}
{{- include "${c}.source.${suffix}" . | fromYaml | toJson | sha256sum | trunc 8 }}
{{- end }}
`;
}

/**
 * The chart's `helm test` hooks, as chartFiles writes them under templates/tests: pods that write
 * and read back a file on every claim (read only, on read-only claims and those whose root the
 * pods cannot write); none without claims. Each claim is checked with the service account of a
 * workload pod that mounts it — a Mountpoint volume authenticated as the pod (or an IRSA-bound
 * access) works only with that identity — so there is one pod per identity: `storage-test` for
 * the first, `storage-test-2`… for the others, in the order of the claims.
 */
export function chartTestHooks(synth: SynthesizedChart): Manifest[] {
  const claims = synth.objects.filter((o) => o.manifest.kind === 'PersistentVolumeClaim' && o.conditions.length === 0);
  if (claims.length === 0) return [];
  const chart = synth.chart;
  const { labels } = chartLabels(chart);
  // The identity each claim is used with: the service account of the first pod template mounting it.
  const kinds = withDeclaredKinds(synth.podTemplateKinds);
  const identityOf = new Map<string, string>();
  for (const o of synth.objects) {
    if (o.conditions.length > 0) continue;
    for (const t of podTemplatesOf(o.manifest as TokenManifest, kinds)) {
      const sa = t.spec.serviceAccountName ?? t.spec.serviceAccount;
      if (typeof sa !== 'string') continue;
      for (const v of t.spec.volumes ?? []) {
        const c = v?.persistentVolumeClaim?.claimName;
        if (typeof c === 'string' && !identityOf.has(c)) identityOf.set(c, sa);
      }
    }
  }
  const groups = new Map<string, typeof claims>();
  for (const o of claims) {
    const sa = identityOf.get(o.manifest.metadata.name) ?? '';
    groups.set(sa, [...(groups.get(sa) ?? []), o]);
  }
  return [...groups.entries()].map(([sa, group], g) => {
    const mounts: Manifest[] = [];
    const volumes: Manifest[] = [];
    const steps: string[] = ['set -eu'];
    group.forEach((o, i) => {
      const readOnly = o.readOnlyProbe || (o.manifest.spec?.accessModes ?? []).every((m: string) => m === 'ReadOnlyMany');
      const dir = `/check/${o.fileStem.replace(/^persistentvolumeclaim-/, '')}`;
      volumes.push({ name: `claim-${i}`, persistentVolumeClaim: { claimName: o.manifest.metadata.name, readOnly } });
      mounts.push({ name: `claim-${i}`, mountPath: dir, readOnly });
      if (readOnly) steps.push(`ls "${dir}" >/dev/null && echo "read ${dir}: ok"`);
      else steps.push(`f="${dir}/.strata-helm-test-$HOSTNAME"; echo ok > "$f"; test "$(cat "$f")" = ok; rm -f "$f"; echo "write+read ${dir}: ok"`);
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: Tokens.string(`$name:storage-test${g === 0 ? '' : `-${g + 1}`}`, chart.values),
        namespace: chart.release.namespace,
        labels,
        annotations: { 'helm.sh/hook': 'test', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
      },
      spec: {
        restartPolicy: 'Never',
        ...(sa ? { serviceAccountName: sa } : {}),
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'check',
            image: chart.helmTestImage,
            command: ['sh', '-c', steps.join('\n')],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
            volumeMounts: mounts,
          },
        ],
        volumes,
      },
    };
  });
}

function notesTxt(synth: SynthesizedChart, hasTest: boolean): string {
  const m = synth.chart.chartMetadata;
  const keeps = synth.objects.filter((o) => o.holdsData).map((o) => `${o.manifest.kind} ${o.fileStem}`);
  const kinds = (cluster: boolean) =>
    [...new Set(synth.objects.filter((o) => CLUSTER_SCOPED_KINDS.has(o.manifest.kind) === cluster).map((o) => String(o.manifest.kind).toLowerCase()))].sort().join(',');
  const namespaced = kinds(false);
  const clusterScoped = kinds(true);
  return [
    `{{/* ${GENERATED} */}}`,
    `{{ .Chart.Name }} {{ .Chart.Version }} is installed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.`,
    '',
    'Check what it created:',
    ...(namespaced ? [`  kubectl get ${namespaced} -n {{ .Release.Namespace }} -l app.kubernetes.io/instance={{ .Release.Name }}`] : []),
    ...(clusterScoped ? [`  kubectl get ${clusterScoped} -l app.kubernetes.io/instance={{ .Release.Name }}`] : []),
    ...(hasTest ? ['', 'Prove every claim mounts, and can be written where it is writable:', '  helm test {{ .Release.Name }} -n {{ .Release.Namespace }}'] : []),
    ...(keeps.length > 0
      ? ['', `Data safety: ${keeps.length} object(s) holding data carry ${KEEP_ANNOTATION}: keep and stay after "helm uninstall";`, 'delete them yourself, deliberately, when the data is no longer needed.']
      : []),
    ...runNotes(synth),
    '',
    `(${m.name}: ${m.description})`,
    '',
  ].join('\n');
}

function readme(synth: SynthesizedChart, options: { readonly version: string; readonly source: string }): string {
  const m = synth.chart.chartMetadata;
  const rows = synth.chart.values.declarations.map((d) => {
    const def = '`' + JSON.stringify(d.default).replace(/\|/g, '\\|') + '`';
    return `| \`${d.path}\` | ${d.type} | ${def} | ${d.description.replace(/\|/g, '\\|')} |`;
  });
  const kinds = [...new Set(synth.objects.map((o) => o.manifest.kind as string))].sort();
  return [
    `<!-- ${GENERATED} (source: ${options.source}) -->`,
    `# ${m.name}`,
    '',
    m.description,
    '',
    `Chart version ${options.version}, app version ${m.appVersion ?? '1.0.0'}, Kubernetes ${m.kubeVersion ?? '>=1.29.0-0'}.`,
    `Objects: ${kinds.join(', ')}.`,
    '',
    '## Install',
    '',
    '```sh',
    `helm install <release> oci://<registry>/<path>/${m.name} --version ${options.version} -n <namespace>`,
    '```',
    '',
    'Every name is scoped to the release, so two releases never collide. Claims that hold data carry',
    `\`${KEEP_ANNOTATION}: keep\`: \`helm uninstall\` leaves them (and the data) in place.`,
    '',
    '## Values',
    '',
    'Checked by `values.schema.json` at install: a value outside its rules is refused before anything reaches the cluster.',
    '',
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...policiesReadme(synth),
  ].join('\n');
}

/** The README's section on the chart's IAM policy documents, when it has any. */
function policiesReadme(synth: SynthesizedChart): string[] {
  const keys = Object.keys(synth.policies ?? {});
  if (keys.length === 0) return [];
  return [
    '## IAM policies',
    '',
    `The least-privilege policy each identity needs, in \`${POLICIES_DIR}/<key>.json\` (a hyphenated key is a CSI driver's, shared by every chart using it). They are chart metadata, never rendered into the cluster: a string bound to values reads \`{ "$value": path }\` or \`{ "$concat": [...] }\`, and strata environments resolve them with each release's values, making the roles through AWS Controllers for Kubernetes or listing them in the environment's README.`,
    '',
    '| Key | Document |',
    '| --- | --- |',
    ...keys.map((k) => `| \`${k}\` | [${POLICIES_DIR}/${k}.json](${POLICIES_DIR}/${k}.json) |`),
    '',
    `Earlier versions of this chart rendered them as a ConfigMap \`<release>-${POLICIES_DIR}\`: upgrading from one deletes that ConfigMap (it held no data, and nothing in the cluster read it).`,
    '',
  ];
}

/** What NOTES.txt says of runs (Jobs, and operators' kinds that run to completion). */
function runNotes(synth: SynthesizedChart): string[] {
  const kinds = [...new Set(synth.objects.map((o) => String(o.manifest.kind)).filter((k) => CONTENT_NAMED_KINDS.has(k)))].sort();
  if (kinds.length === 0) return [];
  if (kinds.length === 1 && kinds[0] === 'Job') {
    return [
      '',
      'Jobs are named by their content: a changed Job is a new Job. A failed Job stays failed under its name;',
      'fix the cause, then delete it (kubectl delete job <name> -n {{ .Release.Namespace }}): the next upgrade or retry runs it again.',
    ];
  }
  return [
    '',
    `Runs (${kinds.join(', ')}) are named by their content: a changed run is a new run. A failed run stays failed under its name;`,
    'fix the cause, then delete it (kubectl delete <kind> <name> -n {{ .Release.Namespace }}): the next upgrade or retry runs it again.',
  ];
}
