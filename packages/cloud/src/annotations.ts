/**
 * The annotations ACK controllers read on every resource (aws-controllers-k8s/runtime@v0.61.0:apis/core/v1alpha1/annotations.go):
 * - `services.k8s.aws/deletion-policy`: `delete` (the controller's default, `--deletion-policy`) deletes the AWS resource
 *   when the Kubernetes object is deleted; `retain` leaves it (aws-controllers-k8s/community@e1146b5:docs/content/docs/user-docs/deletion-policy.md).
 * - `services.k8s.aws/adoption-policy`: `adopt` (read the existing resource; never create) or `adopt-or-create`
 *   (adopt it when it exists, create it otherwise), with `services.k8s.aws/adoption-fields` the JSON of the
 *   fields that find it (aws-controllers-k8s/runtime@v0.61.0:pkg/runtime/util.go GetAdoptionPolicy, ExtractAdoptionFields).
 */

/** The deletion policy annotation. */
export const DELETION_POLICY = 'services.k8s.aws/deletion-policy';
/** The adoption policy annotation. */
export const ADOPTION_POLICY = 'services.k8s.aws/adoption-policy';
/** The adoption fields annotation (JSON object of strings). */
export const ADOPTION_FIELDS = 'services.k8s.aws/adoption-fields';

/** How ACK takes over a resource that already exists in AWS. */
export type AdoptionPolicy = 'adopt' | 'adopt-or-create';

/** Every adoption policy, for messages and checks. */
export const ADOPTION_POLICIES: readonly AdoptionPolicy[] = ['adopt', 'adopt-or-create'];

/** Marks written on an object strata makes: what holds data is kept in AWS when its object goes. */
export interface AckMarks {
  /**
   * The object stands for data (a bucket, a file system, an access point): deleting or pruning
   * it must leave the AWS resource. Objects that hold no data (roles, policies, associations,
   * mount targets) are deleted with their object, so that a removed workload leaves no access behind.
   */
  readonly holdsData: boolean;
  /** Adopt an existing resource: the policy and the fields that find it. @default - created by ACK */
  readonly adoption?: { readonly policy: AdoptionPolicy; readonly fields: Record<string, string> };
}

/** The ACK annotations of an object (deletion policy always written, never left to the controller's default). */
export function ackAnnotations(marks: AckMarks): Record<string, string> {
  const out: Record<string, string> = { [DELETION_POLICY]: marks.holdsData ? 'retain' : 'delete' };
  if (marks.adoption) {
    out[ADOPTION_POLICY] = marks.adoption.policy;
    out[ADOPTION_FIELDS] = JSON.stringify(marks.adoption.fields);
  }
  return out;
}
