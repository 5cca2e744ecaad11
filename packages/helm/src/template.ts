import { TokenInfo, Tokens } from '@strata/tokens';
import { EncodedFormula, isEncodedFormula, refOf, ValueRef } from './content-name';
import {
  CHART_APP_VERSION,
  CHART_LABEL,
  CHART_NAME,
  CLUSTER_OBJECT_NAME,
  CLUSTER_SOURCE_NAME,
  CONTENT_NAME,
  FULLNAME,
  OBJECT_NAME,
  overridableName,
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  RELEASE_SERVICE,
  SOURCE_NAME,
  splitSourceName,
} from './workload-chart';
import { yamlDocument } from './yaml-emit';

/** Marks of an action whose map entry is left out when its value is empty: `<OMIT><condition><OMIT_END><action>`. */
const OMIT = '\u0000optional:';
const OMIT_END = '\u0000then:';

/**
 * Turns manifests holding tokens into Helm template text: each token becomes the Go template
 * expression for its value, typed by what the value is — strings quoted, integers `int64`,
 * other numbers `toJson` (Helm reads numbers as float64, and `{{ 1000000.0 }}` prints 1e+06),
 * booleans bare, lists and objects `toYaml`. Literal strings that contain `{{` are emitted
 * as Go string literals so Helm prints them instead of running them.
 */
export class TemplateRenderer {
  public constructor(private readonly chartName: string) {}

  /** The Go template expression (no braces) that yields a token's value. */
  public expression(info: TokenInfo): string {
    if (info.formula) return this.refValueExpression(refOf(info));
    if (info.derivation) return `mul (${this.expression(info.derivation.base)} | int64) ${info.derivation.multiplier}`;
    return this.refExpression(info);
  }

  /** The expression of a reference of a release template (a formula's, for guards). */
  public refValueExpression(r: ValueRef): string {
    if (r.formula) return this.encodedFormulaExpression(r.formula);
    if (r.multiplier !== undefined) return `mul (${this.refExpression(r)} | int64) ${r.multiplier}`;
    return this.refExpression(r);
  }

  private encodedFormulaExpression(f: EncodedFormula): string {
    const operand = (o: EncodedFormula['args'][number]): string => {
      if (typeof o === 'number') return String(Math.trunc(o));
      if (isEncodedFormula(o)) return `(${this.encodedFormulaExpression(o)})`;
      return `(${this.refValueExpression(o)} | int64)`;
    };
    const args = f.args.map(operand);
    if (f.op === 'ceilDiv') return `div (add ${args[0]} (sub ${args[1]} 1)) ${args[1]}`;
    return `${f.op} ${args.join(' ')}`;
  }

  private refExpression(info: { readonly path: string }): string {
    const c = this.chartName;
    switch (info.path) {
      case RELEASE_NAME:
        return '.Release.Name';
      case RELEASE_NAMESPACE:
        return '.Release.Namespace';
      case RELEASE_SERVICE:
        return '.Release.Service';
      case CHART_NAME:
        return `include "${c}.name" .`;
      case CHART_LABEL:
        return `include "${c}.chart" .`;
      case CHART_APP_VERSION:
        return '.Chart.AppVersion';
      case FULLNAME:
        return `include "${c}.fullname" .`;
    }
    const overridable = overridableName(info.path);
    // `default` takes the release-derived name when the value is empty (sprig's `empty`: "" or null).
    if (overridable) return `default (include "${c}.clusterObjectName" (list . ${goString(overridable.suffix)})) .Values.${overridable.valuePath}`;
    if (info.path.startsWith(OBJECT_NAME)) return `include "${c}.objectName" (list . ${goString(info.path.slice(OBJECT_NAME.length))})`;
    if (info.path.startsWith(CLUSTER_OBJECT_NAME)) return `include "${c}.clusterObjectName" (list . ${goString(info.path.slice(CLUSTER_OBJECT_NAME.length))})`;
    if (info.path.startsWith(CONTENT_NAME)) {
      const suffix = info.path.slice(CONTENT_NAME.length);
      return `include "${c}.contentName" (list . ${goString(suffix)} (include "${c}.contentHash.${suffix}" .))`;
    }
    for (const [prefix, helper] of [[SOURCE_NAME, 'objectName'], [CLUSTER_SOURCE_NAME, 'clusterObjectName']] as const) {
      if (!info.path.startsWith(prefix)) continue;
      // The name's suffix and the hash of the volume's source (see sourceHashTpl in chart-files.ts).
      const { suffix, volume } = splitSourceName(info.path.slice(prefix.length));
      return `include "${c}.${helper}" (list . (printf "%s-%s" ${goString(suffix)} (include "${c}.sourceHash.${volume}" .)))`;
    }
    if (info.path.startsWith('$')) throw new Error(`unknown built-in token ${info.path}`);
    return `.Values.${info.path}`;
  }

  /** A whole scalar that is one token, as a template action. */
  private scalarAction(info: TokenInfo): string {
    const e = this.expression(info);
    switch (info.kind) {
      case 'integer':
        return info.derivation || info.formula ? `{{ ${e} }}` : `{{ ${e} | int64 }}`;
      case 'number':
        return `{{ ${e} | toJson }}`;
      case 'boolean':
        return `{{ ${e} }}`;
      default:
        return `{{ ${e} | quote }}`;
    }
  }

  /** A token inside a string, as a string-valued pipeline for `print`. */
  private stringPart(info: TokenInfo): string {
    if (info.omitWhenEmpty && !info.asText) throw new Error(`value '${info.path}' leaves its field out while empty: bind it whole to a field, not inside a string`);
    const e = this.expression(info);
    switch (info.kind) {
      case 'integer':
        return info.derivation || info.formula ? `(${e} | toString)` : `(${e} | int64 | toString)`;
      case 'number':
        return `(${e} | toJson)`;
      case 'list':
        return `(join "," ${e})`;
      case 'object':
        throw new Error(`value '${info.path}' is an object; it cannot be part of a string`);
      default:
        return `(${e} | toString)`;
    }
  }

  /** One manifest as template text (a YAML document with actions in it). */
  public render(manifest: unknown): string {
    const actions: string[] = [];
    const placeholder = (action: string) => `__strata_action_${actions.push(action) - 1}__`;
    const convert = (value: unknown): unknown => {
      const whole = Tokens.infoOf(value);
      if (whole?.omitWhenEmpty) return placeholder(`${OMIT}${this.setCondition(whole)}${OMIT_END}${this.wholeAction(whole, value)}`);
      if (whole) return placeholder(this.wholeAction(whole, value));
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        if (Tokens.isToken(value)) return placeholder(`{{ ${this.printOf(value)} | quote }}`);
        if (value.includes('{{')) return placeholder(`{{ ${goString(value)} | quote }}`);
        return value;
      }
      if (Array.isArray(value)) return value.map(convert);
      if (value && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          if (Tokens.isToken(k) || k.includes('{{')) throw new Error(`map key ${JSON.stringify(k)} holds a value or "{{"; keys must be literal`);
          out[k] = convert(v);
        }
        return out;
      }
      return value;
    };
    const text = yamlDocument(convert(manifest), { lineWidth: 0, indent: 2, indentSeq: true, aliasDuplicateObjects: false });
    return text
      .split('\n')
      .map((line) =>
        line.replace(/^( *)(- |[^ ].*?: |)__strata_action_(\d+)__$/, (all, indent: string, lead: string, n: string) => {
          let action = actions[Number(n)];
          let guard: string | undefined;
          if (action.startsWith(OMIT)) {
            // An entry left out when its value is empty: the whole line under `if`.
            if (!lead.endsWith(': ') || lead.startsWith('- ')) throw new Error('a value left out when empty must be a map entry of its own');
            guard = action.slice(OMIT.length, action.indexOf(OMIT_END));
            action = action.slice(action.indexOf(OMIT_END) + OMIT_END.length);
          }
          let out: string;
          if (!action.startsWith('\u0000block:')) out = `${indent}${lead}${action}`;
          else {
            const expr = action.slice('\u0000block:'.length);
            // content goes two columns right of the key (or of the dash, for a list item)
            const keyColumn = indent.length + (lead.startsWith('- ') && lead !== '- ' ? 2 : 0);
            const depth = keyColumn + 2;
            out = `${indent}${lead.trimEnd()} {{- toYaml ${expr} | nindent ${depth} }}`;
          }
          return guard === undefined ? out : `${indent}{{- if ${guard} }}\n${out}\n${indent}{{- end }}`;
        }),
      )
      .map((line) => line.replace(/__strata_action_(\d+)__/g, (_all, n: string) => {
        const action = actions[Number(n)];
        if (action.startsWith(OMIT)) throw new Error('a value left out when empty must be a map entry of its own');
        if (action.startsWith('\u0000block:')) return `{{ toJson ${action.slice('\u0000block:'.length)} }}`;
        return action;
      }))
      .join('\n');
  }

  /**
   * The condition "the value is not empty", as Go templates' `if` sees emptiness ("", false, an
   * empty list or map), numbers compared with 0: Helm may hand a number from values.yaml to the
   * template as text, which `if` alone would take for set.
   */
  private setCondition(info: TokenInfo): string {
    const e = this.expression(info);
    if (info.kind === 'integer') return `ne (${e} | int64) 0`;
    if (info.kind === 'number') return `ne (${e} | float64) 0.0`;
    return e;
  }

  /**
   * The action of a value that is one token: text (`optionalText`), a list used as a string, a
   * block (list or object), or a scalar.
   */
  private wholeAction(whole: TokenInfo, value: unknown): string {
    if (whole.asText) return `{{ ${this.stringPart(whole)} | quote }}`;
    // A list used as a string (list.join(',')) is the comma-joined list.
    if (whole.kind === 'list' && typeof value === 'string') return `{{ join "," ${this.expression(whole)} | quote }}`;
    if (whole.kind === 'list' || whole.kind === 'object') return `\u0000block:${this.expression(whole)}`;
    return this.scalarAction(whole);
  }

  /** `print` of a string that mixes literal text and tokens. */
  private printOf(value: string): string {
    const parts = Tokens.split(value).map((p) => (typeof p === 'string' ? goString(p) : this.stringPart(p)));
    return `print ${parts.join(' ')}`;
  }
}

/** A Go interpreted string literal (JSON's escapes are a subset Go accepts). */
export function goString(s: string): string {
  return JSON.stringify(s);
}
