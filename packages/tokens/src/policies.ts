import { IConstruct } from 'constructs';

/**
 * The IAM policy documents a chart derives (WorkloadIdentity of @strata/patterns), by key: a
 * service account key of the chart (`training`) or a driver's hyphenated key (`s3-csi-driver`).
 * A document's strings may hold tokens; the chart writer states them as facts in
 * `iam-policies/<key>.json` (never rendered into the cluster), and environments resolve them
 * with each release's values.
 */
export interface PolicyDescriptions {
  readonly [key: string]: unknown;
}

export const POLICIES = 'strata:iam-policies';

/** Records the (live, growing) policy documents of a chart, once, on the chart itself. */
export function describePolicies(chart: IConstruct, documents: PolicyDescriptions): void {
  chart.node.addMetadata(POLICIES, documents);
}

/** The policy documents recorded on `root` (empty when it has none), keys sorted. */
export function policiesOf(root: IConstruct): { readonly [key: string]: unknown } {
  const out: Record<string, unknown> = {};
  for (const m of root.node.metadata) if (m.type === POLICIES) Object.assign(out, m.data as PolicyDescriptions);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}
