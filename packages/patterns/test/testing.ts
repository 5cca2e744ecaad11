import { App, Chart, Testing } from 'cdk8s';
import { validateObjects, KubeObject } from '@strata/kube-schemas';
import { warningsOf } from '@strata/tokens';
import { checkResourceRequests, checkRestricted, podSpecsOf } from '../src';

/** A fresh chart to build patterns in. */
export function newChart(namespace = 'ml'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Synthesizes the chart's app; throws cdk8s's gathered validation error when any rule fails. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart) as any[];
}

/** The validation errors of a synthesis, one per line, without the "Validation failed" header. */
export function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    if (!lines[0].startsWith('Validation failed')) throw e;
    return lines.slice(1).map((l) => l.trim()).filter(Boolean);
  }
  return [];
}

/** Synthesizes, validates against the schemas, and checks every pod against PSS restricted and for requests. */
export function synthValid(chart: Chart): any[] {
  const objs = synth(chart);
  expect(validateObjects(objs as KubeObject[])).toEqual([]);
  for (const { id, spec } of podSpecsOf(objs)) {
    expect({ id, problems: [...checkRestricted(spec), ...checkResourceRequests(spec)] }).toEqual({ id, problems: [] });
  }
  return objs;
}

export function warnings(chart: Chart): string[] {
  return warningsOf(chart.node.root as App);
}

export function byKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

export function one(objs: any[], kind: string): any {
  const found = byKind(objs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
