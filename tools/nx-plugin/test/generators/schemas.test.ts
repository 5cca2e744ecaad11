import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_NAMESPACES as GITOPS_SYSTEM_NAMESPACES } from '@strata/gitops';
import { SYSTEM_NAMESPACES } from '../../src/generators/option-rules';

const PLUGIN = join(__dirname, '..', '..');
const collection = JSON.parse(readFileSync(join(PLUGIN, 'generators.json'), 'utf8')).generators as Record<string, { factory: string; schema: string; description: string }>;

describe('generators.json', () => {
  test('lists the three generators', () => {
    expect(Object.keys(collection).sort()).toEqual(['environment', 'storage-binding', 'workload']);
  });

  test.each(Object.entries(collection))('%s: factory and schema exist; the factory is the default export', (_name, g) => {
    expect(existsSync(join(PLUGIN, `${g.factory}.ts`))).toBe(true);
    expect(existsSync(join(PLUGIN, g.schema))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(join(PLUGIN, g.factory)).default).toBe('function');
    expect(g.description.length).toBeGreaterThan(20);
  });

  test.each(Object.entries(collection))('%s: a strict schema (every property described, closed choices, positional name)', (name, g) => {
    const schema = JSON.parse(readFileSync(join(PLUGIN, g.schema), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.description.length).toBeGreaterThan(20);
    for (const [key, prop] of Object.entries<Record<string, unknown>>(schema.properties)) {
      expect({ key, description: typeof prop.description }).toEqual({ key, description: 'string' });
    }
    for (const key of schema.required) expect(Object.keys(schema.properties)).toContain(key);
    for (const key of ['storage', 'pattern']) {
      if (schema.properties[key]) expect(schema.properties[key].enum.length).toBeGreaterThan(1);
    }
    if (name !== 'storage-binding') expect(schema.properties.name.$default).toEqual({ $source: 'argv', index: 0 });
  });
});

test('the namespaces refused are those @strata/gitops refuses', () => {
  expect([...SYSTEM_NAMESPACES].sort()).toEqual([...GITOPS_SYSTEM_NAMESPACES].sort());
});
