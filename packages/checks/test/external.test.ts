import { ExternalDefinition } from '@strata/gitops';
import { checkReferencesCounted, EnvironmentDeclarations, environmentsLifecycle, LifecycleEnvironment, lifecycleFacts, lifecycleFindings, Manifest, summarize } from '../src';

/**
 * The reference lint with the objects an environment declares external (its `external`): a
 * reference to a declared object in the referrer's namespace is accepted, one to an object neither
 * made nor declared is an error that gives the entry to declare it, a declaration nothing refers to
 * is a warning. Exact messages. The same on the real charts: test/hardening/references.test.ts.
 */

const FILE = 'environments/lab/environment.ts';
const EXTERNAL: ExternalDefinition = {
  storageClasses: [{ name: 'team-efs', provisioner: 'efs.csi.aws.com' }],
  persistentVolumeClaims: [{ namespace: 'lab', name: 'datasets', storageClassName: 'team-fsx' }],
  secrets: [{ namespace: 'lab', name: 'hf-token', keys: ['token'] }],
  configMaps: [{ namespace: 'lab', name: 'notebook-settings' }],
  serviceAccounts: [{ namespace: 'lab', name: 'platform-reader' }],
};
const declared = (external: ExternalDefinition = EXTERNAL): EnvironmentDeclarations[] => [{ name: 'lab', file: FILE, definition: { external } }];

/** What the fixture chart `shared` renders in namespace lab (packages/gitops/test/fixtures/charts.ts), with a Secret volume besides. */
function notebook(namespace = 'lab'): Manifest[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shared-notebook', namespace },
      spec: {
        template: {
          metadata: {},
          spec: {
            serviceAccountName: 'platform-reader',
            containers: [
              {
                name: 'notebook',
                image: 'busybox',
                env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } }],
                envFrom: [{ configMapRef: { name: 'notebook-settings' } }],
                volumeMounts: [
                  { name: 'cache', mountPath: '/cache' },
                  { name: 'datasets', mountPath: '/datasets', readOnly: true },
                  { name: 'creds', mountPath: '/creds', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'cache', persistentVolumeClaim: { claimName: 'shared-cache' } },
              { name: 'datasets', persistentVolumeClaim: { claimName: 'datasets', readOnly: true } },
              { name: 'creds', secret: { secretName: 'hf-token', items: [{ key: 'token', path: 'token' }] } },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shared-cache', namespace }, spec: { storageClassName: 'team-efs', accessModes: ['ReadWriteMany'] } },
  ] as Manifest[];
}

const D = 'lab: Deployment lab/shared-notebook spec.template.spec';

describe('the reference lint and external objects', () => {
  test('every reference to a declared object is accepted, and its users are known', () => {
    const r = checkReferencesCounted({ lab: notebook() }, undefined, declared());
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(Object.fromEntries(r.externalUsers.lab)).toEqual({
      'StorageClass team-efs': ['PersistentVolumeClaim lab/shared-cache'],
      'PersistentVolumeClaim lab/datasets': ['Deployment lab/shared-notebook'],
      'Secret lab/hf-token': ['Deployment lab/shared-notebook'],
      'ConfigMap lab/notebook-settings': ['Deployment lab/shared-notebook'],
      'ServiceAccount lab/platform-reader': ['Deployment lab/shared-notebook'],
    });
  });

  test('nothing declared: each reference is an error that names the object and the entry that declares it', () => {
    expect(checkReferencesCounted({ lab: notebook() }, undefined, declared({})).problems).toEqual([
      `${D}.serviceAccountName: ServiceAccount lab/platform-reader does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { serviceAccounts: [{ namespace: 'lab', name: 'platform-reader' }] }`,
      `${D}.volumes[datasets].persistentVolumeClaim.claimName: PersistentVolumeClaim lab/datasets does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { persistentVolumeClaims: [{ namespace: 'lab', name: 'datasets' }] }`,
      `${D}.volumes[creds].secret.secretName: Secret lab/hf-token does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'lab', name: 'hf-token' }] }`,
      `${D}.containers[notebook].env[HF_TOKEN].valueFrom.secretKeyRef: Secret lab/hf-token does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'lab', name: 'hf-token' }] }`,
      `${D}.containers[notebook].envFrom.configMapRef: ConfigMap lab/notebook-settings does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { configMaps: [{ namespace: 'lab', name: 'notebook-settings' }] }`,
      `lab: PersistentVolumeClaim lab/shared-cache spec.storageClassName: StorageClass team-efs does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { storageClasses: [{ name: 'team-efs' }] }, with its tier when known (tier: 'fsx-lustre', 'efs', 's3-files', 's3' or 'instance-store')`,
    ]);
  });

  test('declared in another namespace than the release is installed in: the wrong namespace', () => {
    const problems = checkReferencesCounted({ lab: notebook('ml') }, undefined, declared()).problems;
    expect(problems.filter((p) => p.includes('Secret ml/hf-token') && p.includes('secretKeyRef'))).toEqual([
      `lab: Deployment ml/shared-notebook spec.template.spec.containers[notebook].env[HF_TOKEN].valueFrom.secretKeyRef: Secret ml/hf-token does not exist in lab (${FILE} declares one in namespace lab, external.secrets[0]: the wrong namespace; a pod sees only its own namespace's); if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'ml', name: 'hf-token' }] }`,
    ]);
    // A StorageClass is cluster-scoped: any namespace's claims may use it.
    expect(problems.some((p) => p.includes('StorageClass'))).toBe(false);
  });

  test('a key the declaration does not list: the pod would not start', () => {
    const external = { ...EXTERNAL, secrets: [{ namespace: 'lab', name: 'hf-token', keys: ['HF_TOKEN'] }] };
    expect(checkReferencesCounted({ lab: notebook() }, undefined, declared(external)).problems).toEqual([
      `${D}.volumes[creds].secret.secretName: Secret lab/hf-token has no key "token": ${FILE} declares its keys as "HF_TOKEN" (external.secrets[0].keys), and the pod does not start without it; add the key to external.secrets[0].keys if the Secret has it, or refer to a key it has`,
      `${D}.containers[notebook].env[HF_TOKEN].valueFrom.secretKeyRef: Secret lab/hf-token has no key "token": ${FILE} declares its keys as "HF_TOKEN" (external.secrets[0].keys), and the pod does not start without it; add the key to external.secrets[0].keys if the Secret has it, or refer to a key it has`,
    ]);
    // Keys not declared: any key is accepted.
    const anyKey = { ...EXTERNAL, secrets: [{ namespace: 'lab', name: 'hf-token' }] };
    expect(checkReferencesCounted({ lab: notebook() }, undefined, declared(anyKey)).problems).toEqual([]);
  });

  test('a declaration nothing refers to is a stale declaration (a warning); an external claim uses its class', () => {
    const external = { ...EXTERNAL, secrets: [...EXTERNAL.secrets!, { namespace: 'lab', name: 'old-token' }], storageClasses: [...EXTERNAL.storageClasses!, { name: 'team-fsx' }, { name: 'unused' }] };
    const r = checkReferencesCounted({ lab: notebook() }, undefined, declared(external));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([
      `${FILE}: 'external.storageClasses[2]' (StorageClass unused) is declared external, but no release of lab refers to it: a stale declaration; remove it, or deploy the workload that needs it`,
      `${FILE}: 'external.secrets[1]' (Secret lab/old-token) is declared external, but no release of lab refers to it: a stale declaration; remove it, or deploy the workload that needs it`,
    ]);
    expect(r.externalUsers.lab.get('StorageClass team-fsx')).toEqual(['PersistentVolumeClaim lab/datasets (external)']);
    expect(r.externalUsers.lab.get('Secret lab/old-token')).toEqual([]);
  });

  test('a declared object that a release makes is an error: Helm would refuse to adopt it', () => {
    const made: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'notebook-settings', namespace: 'lab' }, data: {} };
    expect(checkReferencesCounted({ lab: [...notebook(), made] }, undefined, declared()).problems).toEqual([
      `${FILE}: 'external.configMaps[0]' (ConfigMap lab/notebook-settings) must be left out: a release of lab makes ConfigMap lab/notebook-settings itself, and Helm refuses to install an object that already exists without its release's ownership (helm/helm@v3.18.0 pkg/action/validate.go); remove the declaration, or stop the chart from making it`,
    ]);
  });

  test('a missing class workload charts claim by default: a tier release of that name, or a declaration', () => {
    const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'x', namespace: 'lab' }, spec: { storageClassName: 'strata-efs' } };
    expect(checkReferencesCounted({ lab: [claim] }, undefined, declared()).problems).toEqual([
      "lab: PersistentVolumeClaim lab/x spec.storageClassName: StorageClass strata-efs does not exist in lab: it is the class workload charts claim by default for efs; give a storage-efs release of environments/lab/environment.ts this class (storage.efs: { storageClassName: 'strata-efs', … }), or if it exists outside strata, declare it there: external: { storageClasses: [{ name: 'strata-efs' }] }, with its tier when known (tier: 'fsx-lustre', 'efs', 's3-files', 's3' or 'instance-store')",
    ]);
  });

  test("the EFS cross-account provisioner Secret a tier class names is made by a person: declared external, or an error with the entry", () => {
    // storage-efs with crossAccount.secretName (aws-efs-csi-driver's cross-account provisioning): the class names the Secret.
    const efsClass: Manifest = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'flux-system-efs-shared-storage-efs-class' },
      provisioner: 'efs.csi.aws.com',
      parameters: { 'csi.storage.k8s.io/provisioner-secret-name': 'x-account', 'csi.storage.k8s.io/provisioner-secret-namespace': 'kube-system', provisioningMode: 'efs-ap' },
    } as Manifest;
    expect(checkReferencesCounted({ lab: [efsClass] }, undefined, declared()).problems).toEqual([
      `lab: StorageClass flux-system-efs-shared-storage-efs-class parameters[csi.storage.k8s.io/provisioner-secret-name]: Secret kube-system/x-account does not exist in lab: no release of lab makes it, and ${FILE} does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'kube-system', name: 'x-account' }] }`,
    ]);
    const withSecret = declared({ ...EXTERNAL, secrets: [...EXTERNAL.secrets!, { namespace: 'kube-system', name: 'x-account' }] });
    const found = checkReferencesCounted({ lab: [...notebook(), efsClass] }, undefined, withSecret);
    expect(found.problems).toEqual([]);
    expect([...found.externalUsers.lab.entries()].find(([k]) => k.includes('x-account'))?.[1]).toEqual(['StorageClass flux-system-efs-shared-storage-efs-class']);
    // A Secret templated per claim is known only when a claim is provisioned: not checked.
    const templated = { ...efsClass, parameters: { 'csi.storage.k8s.io/provisioner-secret-name': '${pvc.name}', 'csi.storage.k8s.io/provisioner-secret-namespace': '${pvc.namespace}' } } as Manifest;
    expect(checkReferencesCounted({ lab: [templated] }, undefined, declared()).problems).toEqual([]);
  });

  test('the summaries generate keeps carry the keys a reference needs', () => {
    const refs = summarize(notebook()).refs.filter((r) => r.kind === 'Secret');
    expect(refs.map((r) => [r.field, r.keys])).toEqual([
      ['spec.template.spec.volumes[creds].secret.secretName', ['token']],
      ['spec.template.spec.containers[notebook].env[HF_TOKEN].valueFrom.secretKeyRef', ['token']],
    ]);
  });
});

describe('the lifecycle check knows the provisioner of external classes', () => {
  const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch', namespace: 'lab' }, spec: { storageClassName: 'team-fsx' } };
  const alert: Manifest = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'alerts', namespace: 'lab' },
    spec: { groups: [{ rules: [{ alert: 'Full', expr: 'kubelet_volume_stats_used_bytes{persistentvolumeclaim="scratch"} > 1e12' }] }] },
  };
  const helmRelease: Manifest = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'shared', namespace: 'lab' }, spec: { timeout: '10m' } };
  const env = (externalClasses?: [string, string][]): LifecycleEnvironment => ({
    name: 'lab',
    file: FILE,
    releases: [{ chart: 'shared', releaseName: 'shared', namespace: 'lab', layer: 'app', helmRelease, facts: lifecycleFacts([claim, alert]) }],
    controllers: new Map(),
    nodeGroups: [],
    ...(externalClasses ? { externalClasses } : {}),
  });

  test('an alert on volume stats of a claim on an external FSx class can never fire (the FSx driver reports none)', () => {
    const messages = (e: LifecycleEnvironment) => lifecycleFindings(e).filter((f) => f.rule === 'alerts-fire').map((f) => f.message);
    expect(messages(env([['team-fsx', 'fsx.csi.aws.com']]))).toEqual([
      `${FILE}: [alerts-fire] release lab/shared (chart shared): PrometheusRule lab/alerts alert Full reads kubelet volume stats of claim scratch, which its driver (fsx.csi.aws.com) never reports: it can never fire; watch the service's CloudWatch metrics instead`,
    ]);
    expect(messages(env())).toEqual([]);
  });

  test("generate's environmentsLifecycle reads them from the definitions (the declared provisioner, or the tier's): release waits and alerts are checked", () => {
    const tree = (timeout: string) => new Map([
      ['lab/apps/kustomization.yaml', 'resources:\n  - ../../base/apps/shared\n'],
      ['base/apps/shared/release.yaml', `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: shared\n  namespace: lab\nspec:\n  timeout: ${timeout}\n  chartRef:\n    kind: OCIRepository\n    name: shared\n`],
      ['base/apps/shared/repository.yaml', 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: shared\n  namespace: lab\nspec:\n  url: oci://registry.example.com/charts/shared\n'],
    ]);
    const lint = (storageClasses: ExternalDefinition['storageClasses'], timeout = '35m') =>
      environmentsLifecycle(tree(timeout), { lab: [summarize([claim, alert])] }, [{ name: 'lab', file: FILE, definition: { external: { storageClasses } } }]).errors;
    const neverFires = `${FILE}: [alerts-fire] release lab/shared (chart shared): PrometheusRule lab/alerts alert Full reads kubelet volume stats of claim scratch, which its driver (fsx.csi.aws.com) never reports: it can never fire; watch the service's CloudWatch metrics instead`;
    expect(lint([{ name: 'team-fsx', tier: 'fsx-lustre' }])).toEqual([neverFires]);
    expect(lint([{ name: 'team-fsx', provisioner: 'fsx.csi.aws.com' }])).toEqual([neverFires]);
    // A file system takes up to 30 minutes: a 10-minute release fails before the claim is bound.
    expect(lint([{ name: 'team-fsx', tier: 'fsx-lustre' }], '10m')).toEqual([
      `${FILE}: [release-waits] release lab/shared (chart shared): the timeout (10m) is shorter than the wait for PersistentVolumeClaim scratch (30m: bound within 1800 s): helm-controller fails the release before it can be ready; set spec.timeout to at least 35m`,
      neverFires,
    ]);
    // Of unknown tier: both checks are skipped (the plan's warning says so).
    expect(lint([{ name: 'team-fsx' }], '10m')).toEqual([]);
  });
});
