import { JsonSchema } from './values';

/**
 * A TypeScript declaration of a chart's values, from its values.schema.json: every key
 * optional (an environment states only its overrides), enums as unions. Environments import
 * it so that a wrong value type or an unknown key is a compile error, before generate even
 * checks the schema.
 */
export function valuesTypeScript(schema: JsonSchema, chartName: string, header: string): string {
  const lines = [`// ${header}`, `/** Values of the ${chartName} chart, all optional: an environment states only what it overrides. */`];
  lines.push(`export interface Values ${typeOf(schema, '', true)}`);
  return lines.join('\n') + '\n';
}

function typeOf(s: JsonSchema, indent: string, top = false): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((e) => JSON.stringify(e)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return s.items ? `Array<${typeOf(s.items as JsonSchema, indent)}>` : 'unknown[]';
    case 'object': {
      const props = s.properties as Record<string, JsonSchema> | undefined;
      if (!props) return '{ [key: string]: unknown }';
      const inner = indent + '  ';
      const body = Object.entries(props)
        .filter(([k]) => !(top && k === 'global'))
        .map(([k, v]) => `${v.description ? `${inner}/** ${String(v.description).replace(/\*\//g, '*\\/')} */\n` : ''}${inner}readonly ${k}?: ${typeOf(v, inner)};`);
      return `{\n${body.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}
