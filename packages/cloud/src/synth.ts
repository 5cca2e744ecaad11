import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { warningsOf } from '@strata/tokens';

/** A synthesized set of cloud objects: plain data, with every problem of every construct. */
export interface CloudSynthesis {
  readonly objects: readonly { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> }; readonly [k: string]: unknown }[];
  /** Every construct's failures, "[path] message"; nothing should be written when there is one. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Builds cloud constructs in a fresh chart of namespace `namespace` and returns their objects, or
 * the problems of all of them together (the constructs record failures; cdk8s would throw on the
 * first). The chart's construct path is left out of messages: `[buckets/strata-prod-models] …`.
 */
export function synthCloud(namespace: string, build: (scope: Construct) => void): CloudSynthesis {
  const app = new App();
  const chart = new Chart(app, 'cloud', { namespace, disableResourceNameHashes: true });
  build(chart);
  const errors: string[] = [];
  for (const c of chart.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path.replace(/^cloud\//, '')}] ${e}`);
  }
  const warnings = warningsOf(chart).map((w) => w.replace(/^\[cloud\//, '['));
  if (errors.length > 0) return { objects: [], errors, warnings };
  return { objects: chart.toJson() as CloudSynthesis['objects'], errors: [], warnings };
}
