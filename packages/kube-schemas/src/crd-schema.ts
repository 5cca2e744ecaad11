import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { CRD_KINDS, CrdKind } from '@strata/crd-types';

/** A JSON Schema node of a CRD's openAPIV3Schema (structural, with Kubernetes' `x-kubernetes-*` extensions). */
export type Schema = { [keyword: string]: any };

/** The folder of @strata/crd-types, whose `crds/` holds the upstream CRDs byte for byte. */
const PACKAGE = dirname(require.resolve('@strata/crd-types/package.json'));

/** The CRD kind of an object (its apiVersion and kind), when @strata/crd-types has it. */
export function crdKindOf(apiVersion: string | undefined, kind: string | undefined): CrdKind | undefined {
  return CRD_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

const schemas = new Map<string, Schema>();

/** The openAPIV3Schema of the one version of `kind`'s CRD @strata/crd-types has types for (read once). */
export function crdSchema(kind: CrdKind): Schema {
  const cached = schemas.get(kind.crd + kind.apiVersion);
  if (cached) return cached;
  const schema = readCrdSchema(kind);
  schemas.set(kind.crd + kind.apiVersion, schema);
  return schema;
}

function readCrdSchema(kind: CrdKind): Schema {
  // uniqueKeys: false halves the parse time (2.4 s instead of 5 s for the 23 files); the files are
  // controller-gen output, checked to be the upstream bytes, so there are no duplicate keys to catch.
  const crd = parse(readFileSync(join(PACKAGE, kind.crd), 'utf8'), { uniqueKeys: false });
  const version = kind.apiVersion.split('/')[1];
  const served = crd.spec.versions.find((v: { name: string }) => v.name === version);
  if (!served?.schema?.openAPIV3Schema) throw new Error(`${kind.crd}: no schema for version ${version}`);
  return served.schema.openAPIV3Schema;
}

/** The keys an object has at each level (array items and map values merged), to cut a schema down to them. */
interface Shape {
  readonly keys: Map<string, Shape>;
  items?: Shape;
}

function shapeOf(value: unknown, into: Shape = { keys: new Map() }): Shape {
  if (Array.isArray(value)) {
    into.items ??= { keys: new Map() };
    for (const item of value) shapeOf(item, into.items);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      let sub = into.keys.get(key);
      if (!sub) into.keys.set(key, (sub = { keys: new Map() }));
      shapeOf(v, sub);
    }
  }
  return into;
}

function merged(shapes: Iterable<Shape>): Shape {
  const into: Shape = { keys: new Map() };
  const add = (target: Shape, s: Shape): void => {
    for (const [k, sub] of s.keys) {
      let t = target.keys.get(k);
      if (!t) target.keys.set(k, (t = { keys: new Map() }));
      add(t, sub);
    }
    if (s.items) add((target.items ??= { keys: new Map() }), s.items);
  };
  for (const s of shapes) add(into, s);
  return into;
}

/**
 * The CRD schema as the API server applies it under strict field validation (kubectl's default since
 * Kubernetes 1.27): a field the schema does not know is an error, unless the object preserves unknown
 * fields or is a map. JSON Schema says the opposite, so `additionalProperties: false` is added to every
 * structural object (never inside allOf/anyOf/oneOf/not, whose `properties` only repeat the outer ones).
 *
 * Only the parts of the schema the object reaches are kept: compiling a whole pod template schema costs ajv
 * up to 3 s (InferenceService) and the object uses a few dozen of its thousands of fields. Cutting the
 * properties the object does not have changes no result: those properties are absent, so nothing would be
 * checked under them, and `required` still names them. packages/crd-types/test/crd-schema.test.ts compares the two on whole schemas.
 */
export function strictSchema(schema: Schema, object?: unknown): Schema {
  return restrict(schema, object === undefined ? undefined : shapeOf(object), false);
}

function restrict(schema: Schema, shape: Shape | undefined, inJunctor: boolean): Schema {
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = { ...schema };
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[junctor])) out[junctor] = schema[junctor].map((s: Schema) => restrict(s, shape, true));
  }
  if (schema.not) out.not = restrict(schema.not, shape, true);
  if (schema.properties) {
    out.properties = {};
    for (const [key, sub] of Object.entries<Schema>(schema.properties)) {
      const subShape = shape ? shape.keys.get(key) : undefined;
      if (!shape || subShape) out.properties[key] = restrict(sub, subShape, false);
    }
    if (schema['x-kubernetes-embedded-resource']) {
      // An embedded object may always carry apiVersion, kind and metadata (apiextensions' structural schema rules).
      out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
    }
  }
  if (typeof schema.additionalProperties === 'object') {
    out.additionalProperties = restrict(schema.additionalProperties, shape ? merged(shape.keys.values()) : undefined, false);
  } else if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields'] && !inJunctor) {
    out.additionalProperties = false;
  }
  if (schema.items) out.items = shape && !shape.items ? {} : restrict(schema.items, shape?.items, false);
  return out;
}

// Kubernetes patterns are Go (RE2) regular expressions: compiled without the `u` flag, under which
// escapes such as `\-` are syntax errors.
const regExp = Object.assign((pattern: string, flags: string) => new RegExp(pattern, flags.replace('u', '')), { code: 'new RegExp' });

/** A fresh ajv for CRD schemas: OpenAPI keywords tolerated, formats not checked (the API server checks few). */
export function crdAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp, optimize: false } });
}

/** Problems of `object` against `schema` (strict field validation), as `<path>: <message>`; none when valid. */
export function schemaErrors(schema: Schema, object: unknown, options: { whole?: boolean } = {}): string[] {
  const validate = crdAjv().compile(strictSchema(schema, options.whole ? undefined : object));
  if (validate(object)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${where}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  return `${where}: ${e.message}`;
}
