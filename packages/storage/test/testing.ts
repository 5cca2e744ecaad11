import { App, Chart, Testing } from 'cdk8s';
import { validateObjects, KubeObject } from '@strata/kube-schemas';
import { warningsOf } from '@strata/tokens';

/**
 * A fresh chart named "test" to build constructs in (messages then start with [test/…]), its
 * namespace set to prove cluster-scoped objects drop it. Shared by the storage, patterns and
 * hardening tests.
 */
export function newChart(namespace = 'ml'): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', { namespace });
}

/** Synthesizes the chart's app; throws cdk8s's gathered validation error when any rule fails. */
export function synth(chart: Chart): KubeObject[] {
  return Testing.synth(chart) as KubeObject[];
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

/** Synthesizes and checks every object against the Kubernetes schemas. */
export function synthValid(chart: Chart): KubeObject[] {
  const objs = synth(chart);
  expect(validateObjects(objs)).toEqual([]);
  return objs;
}

/** Warnings recorded anywhere in the chart's app. */
export function warnings(chart: Chart): string[] {
  return warningsOf(chart.node.root as App);
}

export function byKind(objs: KubeObject[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}
