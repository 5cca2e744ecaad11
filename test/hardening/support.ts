import { App, Chart, Testing } from 'cdk8s';
import { warningsOf } from '@strata/tokens';

/** A fresh chart named "test" in namespace ml (the per-tier tables' messages start with [test/…]). */
export function newChart(namespace = 'ml'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** The validation errors of a synthesis, one per line, without cdk8s's "Validation failed" header. */
export function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    if (!lines[0].startsWith('Validation failed')) throw e;
    return lines.slice(1).map((l) => l.trim());
  }
  return [];
}

/** Warnings recorded anywhere in the chart's app. */
export function warnings(chart: Chart): string[] {
  return warningsOf(chart.node.root as App);
}
