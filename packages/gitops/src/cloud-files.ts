/**
 * The Flux files of an environment's cloud half (plan.cloud): the ACK controllers, the identity
 * objects and the cloud resources, each in its own directory applied by its own Kustomization,
 * in this order (each waits for the one before to be Ready):
 *
 *   infra-ack (ACK iam, eks: roles made outside) → infra-identity (roles, policies, associations)
 *   → infra-controllers (CSI drivers, operators, ACK s3/efs: their pods start with credentials)
 *   → infra-cloud (buckets, file systems, FieldExports) → infra-configs (tier charts; cloud values
 *   substituted) → apps
 */
import { ackHealthChecks } from '@strata/cloud';
import { CLOUD_VALUES, CloudPlan } from './cloud';
import { fluxKustomization, FluxKustomizationOptions, helmRelease, KubeObject, kustomizeFile, namespaceObject, ociRepository, yamlFile } from './flux';

/** The namespace the ACK controllers run in (aws-controllers-k8s/community@e1146b5:docs/content/docs/user-docs/install.md). */
export const ACK_SYSTEM = 'ack-system';

/** Timings of the cloud Kustomizations: an EFS file system and its mount targets take minutes to become available. */
export const CLOUD_TIMINGS = {
  ack: { interval: '1h', retryInterval: '2m', timeout: '10m' },
  identity: { interval: '1h', retryInterval: '2m', timeout: '10m' },
  cloud: { interval: '1h', retryInterval: '2m', timeout: '20m' },
} as const;

/** The HelmRelease of one ACK controller: its chart's CRDs created and replaced, retain by default, its role. */
export function ackControllerFile(c: CloudPlan['controllers'][number], src: string): string {
  const name = `ack-${c.controller.service}-controller`;
  return yamlFile(`${c.controller.title} ${c.controller.version} (${c.controller.source.split(':')[0]})`, src, [
    ociRepository({ name, namespace: ACK_SYSTEM, url: c.controller.chartUrl, tag: c.controller.version }),
    helmRelease({ name, namespace: ACK_SYSTEM, source: { ociRepository: name }, timeout: '10m', crds: true, values: c.values }),
  ]);
}

/** The Kustomizations of the cloud half, and how the existing ones change (dependsOn, substitution). */
export function cloudKustomizations(plan: CloudPlan, envDir: string): { readonly before: KubeObject[]; readonly controllersDependOn: string[]; readonly cloud?: KubeObject; readonly configsDependOn: string; readonly substituteFrom: string[] } {
  const health = ackHealthChecks();
  const k = (o: FluxKustomizationOptions) => fluxKustomization(o);
  const before = [
    k({ name: 'infra-ack', path: `${envDir}/infrastructure/ack`, ...CLOUD_TIMINGS.ack }),
    k({ name: 'infra-identity', path: `${envDir}/infrastructure/identity`, dependsOn: ['infra-ack'], ...CLOUD_TIMINGS.identity, healthCheckExprs: health }),
  ];
  const hasResources = plan.resourceObjects.length > 0;
  const cloud = hasResources ? k({ name: 'infra-cloud', path: `${envDir}/infrastructure/cloud`, dependsOn: ['infra-controllers'], ...CLOUD_TIMINGS.cloud, healthCheckExprs: health }) : undefined;
  const substitutes = Object.keys(plan.variables).some((v) => plan.fileSystems.some((f) => f.variable === v && f.usedBy.length > 0));
  return { before, controllersDependOn: ['infra-identity'], ...(cloud ? { cloud } : {}), configsDependOn: cloud ? 'infra-cloud' : 'infra-controllers', substituteFrom: substitutes ? [CLOUD_VALUES] : [] };
}

/** The files of the cloud directories (relative to the environment's directory). */
export function cloudFiles(plan: CloudPlan, src: string): Map<string, string> {
  const files = new Map<string, string>();
  const bootstrap = plan.controllers.filter((c) => c.controller.bootstrap);
  const ackFiles: string[] = ['namespace.yaml'];
  files.set('infrastructure/ack/namespace.yaml', yamlFile('The namespace of the ACK controllers', src, [namespaceObject(ACK_SYSTEM, false)]));
  for (const c of bootstrap) {
    const f = `ack-${c.controller.service}-controller.yaml`;
    ackFiles.push(f);
    files.set(`infrastructure/ack/${f}`, ackControllerFile(c, src));
  }
  files.set('infrastructure/ack/kustomization.yaml', kustomizeFile('The ACK controllers that make every other role (their own roles are made outside the cluster)', src, { resources: ackFiles.sort() }));
  files.set('infrastructure/identity/roles.yaml', yamlFile('IAM roles and policies (exactly what the charts derive), and Pod Identity associations, made by ACK', src, plan.identityObjects));
  files.set('infrastructure/identity/kustomization.yaml', kustomizeFile('Identity applied: one role per service account that needs AWS access', src, { resources: ['roles.yaml'] }));
  if (plan.resourceObjects.length > 0) {
    files.set('infrastructure/cloud/resources.yaml', yamlFile('Buckets and file systems, reconciled by ACK; every data-holding object is retained in AWS when deleted or pruned', src, plan.resourceObjects));
    files.set('infrastructure/cloud/kustomization.yaml', kustomizeFile('The cloud resources of this environment', src, { resources: ['resources.yaml'] }));
  }
  return files;
}
