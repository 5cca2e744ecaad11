import { Construct } from 'constructs';
import { PodIdentityAssociation } from '@strata/crd-types/ack-eks-pod-identity-association';
import { Policy } from '@strata/crd-types/ack-iam-policy';
import { Role } from '@strata/crd-types/ack-iam-role';
import { Rules } from '@strata/storage';
import { ackAnnotations } from './annotations';
import { POLICY_ARN, ROLE_NAME } from './forms';
import { IdentityMode, ServiceAccountRef, trustPolicy } from './trust';

/** An IAM policy document as strata derives it (the shape of @strata/patterns' PolicyDocument). */
export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly { readonly Sid?: string; readonly Effect: 'Allow' | 'Deny'; readonly Action: string | readonly string[]; readonly Resource: string | readonly string[]; readonly Condition?: unknown }[];
}

/** The IAM limit on a managed policy document, in characters without whitespace (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export interface CloudRoleProps {
  /** The object name (a DNS subdomain); the Policy object is `<name>-policy`. */
  readonly name: string;
  /** The IAM role name (and the policy's). */
  readonly roleName: string;
  /** What the role is for (the role's description). */
  readonly description: string;
  /** The service accounts that assume it. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** How they get credentials. */
  readonly identity: IdentityMode;
  /** The policy strata derives for them, as a customer managed policy attached to the role. @default - none */
  readonly policy?: IamPolicyDocument;
  /** AWS managed (or existing) policies to attach, by ARN. @default - none */
  readonly managedPolicies?: readonly string[];
  /**
   * An AWS service assumes the role instead of service accounts (`sts:AssumeRole` by its service
   * principal, e.g. elasticfilesystem.amazonaws.com for an S3 Files file system's role); no association.
   * @default - the service accounts assume it
   */
  readonly trustedService?: string;
}

/**
 * One IAM role with exactly the policy it is given (an ACK iam Policy attached by `policyRefs`,
 * plus managed policy ARNs), trusted by the environment's identity mode, and with Pod Identity one
 * EKS PodIdentityAssociation per service account (roleRef to the role: the association waits for
 * it). Neither holds data: deleting the object deletes the role (deletion policy `delete`), so a
 * removed workload leaves no access behind.
 */
export class CloudRole extends Construct {
  public readonly roleName: string;
  public readonly role: Role;
  public readonly policy?: Policy;
  public readonly associations: readonly PodIdentityAssociation[];

  public constructor(scope: Construct, id: string, props: CloudRoleProps) {
    super(scope, id);
    const r = new Rules(this);
    this.roleName = props.roleName;
    r.check('roleName', props.roleName, { pattern: ROLE_NAME }, 'shorten the environment\'s role prefix or the workload name');
    (props.managedPolicies ?? []).forEach((p, i) => r.check(`managedPolicies[${i}]`, p, { pattern: POLICY_ARN }, 'copy the ARN from the IAM console'));
    if (props.serviceAccounts.length === 0 && props.trustedService === undefined) r.fail('serviceAccounts', [], 'at least one service account', 'a role nobody assumes is not made');
    const marks = ackAnnotations({ holdsData: false });
    if (props.policy) {
      const document = JSON.stringify(props.policy);
      if (document.replace(/\s/g, '').length > MANAGED_POLICY_MAX_CHARS) {
        r.fail('policy', `${document.length} characters`, `at most ${MANAGED_POLICY_MAX_CHARS} characters (IAM's limit on a managed policy)`, 'split the workload\'s buckets among fewer prefixes, or give the service accounts separate keys');
      }
      this.policy = new Policy(this, 'Policy', {
        metadata: { name: `${props.name}-policy`, annotations: marks },
        spec: { name: props.roleName, description: props.description, policyDocument: document, tags: [{ key: 'strata.dev/managed-by', value: 'ack' }] },
      });
    }
    this.role = new Role(this, 'Role', {
      metadata: { name: props.name, annotations: marks },
      spec: {
        name: props.roleName,
        description: props.description,
        assumeRolePolicyDocument: props.trustedService
          ? JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: props.trustedService }, Action: 'sts:AssumeRole' }] })
          : trustPolicy(props.identity, props.serviceAccounts),
        ...(props.managedPolicies && props.managedPolicies.length > 0 ? { policies: [...props.managedPolicies] } : {}),
        ...(this.policy ? { policyRefs: [{ from: { name: `${props.name}-policy` } }] } : {}),
        tags: [{ key: 'strata.dev/managed-by', value: 'ack' }],
      },
    });
    const identity = props.identity;
    this.associations =
      identity.mode === 'pod-identity' && props.trustedService === undefined
        ? props.serviceAccounts.map(
            (sa) =>
              new PodIdentityAssociation(this, `association-${sa.namespace}-${sa.name}`, {
                metadata: { name: associationName(props.name, sa), annotations: marks },
                spec: { clusterName: identity.clusterName, namespace: sa.namespace, serviceAccount: sa.name, roleRef: { from: { name: props.name } } },
              }),
          )
        : [];
  }
}

/** The name of the association of one service account with a role object (a DNS subdomain of at most 253 characters). */
export function associationName(role: string, sa: ServiceAccountRef): string {
  return `${role}--${sa.namespace}--${sa.name}`.slice(0, 253);
}
