import { Rules } from '@strata/storage';
import { LABEL_VALUE, Tokens } from '@strata/tokens';

/**
 * Labels and annotations of an object or of a pod template, as a user gives them: a Kueue queue
 * (`kueue.x-k8s.io/queue-name`), a Volcano or YuniKorn queue, an operator's annotation
 * (`leaderworkerset.sigs.k8s.io/exclusive-topology`). Merged with what strata writes itself.
 */
export interface WorkloadMetadata {
  /** Labels: keys and values as Kubernetes allows them; a value may be a chart value. @default - none */
  readonly labels?: { readonly [key: string]: string };
  /** Annotations: keys as labels', any value (a chart value too). @default - none */
  readonly annotations?: { readonly [key: string]: string };
}

/*
 * Kubernetes' rules for label and annotation keys and label values
 * (kubernetes/apimachinery@v0.33.0 pkg/util/validation/validation.go `IsQualifiedName`,
 * `IsValidLabelValue`, `IsDNS1123Subdomain`; annotation keys are checked lowercased, and all
 * annotations of an object together hold at most 256 KiB: pkg/api/validation/objectmeta.go
 * `ValidateAnnotations`, `TotalAnnotationSizeLimitB`).
 */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE_MAX = 63;
const TOTAL_ANNOTATIONS_MAX = 256 * 1024;
const KEY_WORDS =
  'a key as Kubernetes allows it: an optional DNS subdomain prefix (lowercase, at most 253 characters) and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

/** Whether a label or annotation key is what Kubernetes allows (annotation keys are compared lowercased). */
export function isMetadataKey(key: string, annotation = false): boolean {
  const k = annotation ? key.toLowerCase() : key;
  const parts = k.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/**
 * Records on `rules` what Kubernetes would refuse in `metadata`, under `where` ("metadata",
 * "leader.metadata"): keys (known when the chart is built), label values (a chart value gets the
 * rule in the values schema), the total size of the annotations.
 */
export function checkMetadata(rules: Rules, where: string, metadata: WorkloadMetadata | undefined): void {
  for (const [key, value] of Object.entries(metadata?.labels ?? {})) {
    if (!checkKey(rules, `${where}.labels`, key, false)) continue;
    if (typeof value !== 'string' && !Tokens.isToken(value)) {
      rules.fail(`${where}.labels.${key}`, value, 'a string', 'label values are strings: quote numbers and booleans');
      continue;
    }
    rules.check(`${where}.labels.${key}`, value, { pattern: LABEL_VALUE, maxLength: LABEL_VALUE_MAX });
  }
  let size = 0;
  for (const [key, value] of Object.entries(metadata?.annotations ?? {})) {
    if (!checkKey(rules, `${where}.annotations`, key, true)) continue;
    if (typeof value !== 'string') {
      rules.fail(`${where}.annotations.${key}`, value, 'a string', 'annotation values are strings: quote numbers and booleans');
      continue;
    }
    size += Buffer.byteLength(key) + (Tokens.isToken(value) ? 0 : Buffer.byteLength(value));
  }
  if (size > TOTAL_ANNOTATIONS_MAX) {
    rules.fail(`${where}.annotations`, `${size} bytes`, `at most ${TOTAL_ANNOTATIONS_MAX} bytes (256 KiB) of keys and values in all`, 'the API server refuses larger annotations: keep large data in a ConfigMap');
  }
}

function checkKey(rules: Rules, field: string, key: string, annotation: boolean): boolean {
  if (Tokens.isToken(key)) {
    rules.fail(field, key, 'keys known when the chart is built', 'give the key as text; only values may be chart values');
    return false;
  }
  if (isMetadataKey(key, annotation)) return true;
  rules.fail(field, key, KEY_WORDS, annotation ? 'e.g. "example.com/note"' : 'e.g. "kueue.x-k8s.io/queue-name" or "team"');
  return false;
}

/** Something strata writes into metadata itself, and what to use instead of giving it. */
export interface WrittenEntry {
  readonly value: string;
  /** Where it comes from, completing "…; <use>": "use deploymentMode". */
  readonly use: string;
}

/** Labels and annotations a kind writes on its object itself (each with the prop that sets it). */
export interface WrittenMetadata {
  readonly labels?: { readonly [key: string]: WrittenEntry };
  readonly annotations?: { readonly [key: string]: WrittenEntry };
}

/**
 * `given` merged with `written`: a key both have with different values is an error naming it and
 * what sets it; the same value is no conflict.
 */
export function mergeMetadata(rules: Rules, where: string, given: WorkloadMetadata | undefined, written: WrittenMetadata | undefined): WorkloadMetadata {
  const merge = (part: 'labels' | 'annotations') => {
    const out: { [key: string]: string } = { ...(given?.[part] ?? {}) };
    for (const [key, entry] of Object.entries(written?.[part] ?? {})) {
      const mine = given?.[part]?.[key];
      if (mine !== undefined && mine !== entry.value) rules.fail(`${where}.${part}.${key}`, mine, `unset or ${JSON.stringify(entry.value)}`, `strata writes it: ${entry.use}`);
      out[key] = entry.value;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const labels = merge('labels');
  const annotations = merge('annotations');
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}
