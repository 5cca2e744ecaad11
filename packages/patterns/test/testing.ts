import { Chart, Testing } from 'cdk8s';
import { validateObjects, KubeObject } from '@strata/kube-schemas';
import { checkResourceRequests, checkRestricted, podSpecsOf } from '@strata/checks';

export { newChart, synthErrors, warnings } from '@strata/storage/test/testing';

/** Synthesizes the chart's app (objects as plain data); throws cdk8s's gathered validation error when any rule fails. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart) as any[];
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

export function byKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

export function one(objs: any[], kind: string): any {
  const found = byKind(objs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
