/**
 * What `serviceAccountAnnotations` needs of a chart's values: declaring an object value. A
 * WorkloadChart's `this.values` (`Values` of `@strata/helm`) is one; patterns do not depend on the
 * chart writer, so only this method is asked for.
 */
export interface ObjectValues {
  object(
    path: string,
    options: {
      readonly default: Record<string, string>;
      readonly description: string;
      readonly schema?: { [key: string]: unknown };
    },
  ): Record<string, string>;
}

/** Options of `serviceAccountAnnotations`. */
export interface ServiceAccountAnnotationsOptions {
  /**
   * The value's description in values.yaml, the schema and the chart's README.
   * @default - "Annotations of the <key> service account, e.g. eks.amazonaws.com/role-arn for IRSA (its policy, when it needs AWS access: the chart's iam-policies/<key>.json)."
   */
  readonly description?: string;
}

/**
 * The annotations of the service account `key` as a chart value, `serviceAccounts.<key>.annotations`
 * (an object of strings, default `{}`), for `WorkloadIdentity.serviceAccount(this, key, { annotations })`:
 * how an environment gives the account its IAM role. generate finds a chart's service accounts by
 * this value. An environment with `identity.mode: 'irsa'` sets `eks.amazonaws.com/role-arn` in it
 * to the role it names under `identity.workloads.<chart>.<key>`; one with `pod-identity` sets
 * nothing (the role is bound by an EKS Pod Identity association, listed in its report), so the
 * account keeps `{}`. Either mode refuses an environment that gives no role to a key the chart
 * writes a policy for.
 *
 * @param values the chart's values (`this.values` of a WorkloadChart)
 * @param key the service account's key, camelCase (`reader`, `inference`): the same key as for
 *   `WorkloadIdentity.serviceAccount` and `WorkloadIdentity.addStatements`
 * @example
 * const account = WorkloadIdentity.serviceAccount(this, 'reader', { annotations: serviceAccountAnnotations(this.values, 'reader') });
 */
export function serviceAccountAnnotations(values: ObjectValues, key: string, options: ServiceAccountAnnotationsOptions = {}): Record<string, string> {
  return values.object(`serviceAccounts.${key}.annotations`, {
    default: {},
    description: options.description ?? `Annotations of the ${key} service account, e.g. eks.amazonaws.com/role-arn for IRSA (its policy, when it needs AWS access: the chart's iam-policies/${key}.json).`,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  });
}
