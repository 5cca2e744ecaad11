/**
 * Issue 17: the cloud half. What the controllers would do is tested from their CRDs and documented
 * behaviour (no AWS account here), on the committed environments:
 * - every ACK object validates against its upstream CRD schema (strict field validation);
 * - every data-holding object (Bucket, FileSystem, AccessPoint) carries deletion-policy retain, every
 *   ACK controller defaults to retain, and nothing else is left to the controller's default;
 * - every IAM Policy ACK makes is exactly the document the chart derives for that release (its
 *   iam-policies/<key>.json resolved with the environment's values), and every role's trust
 *   fits the environment's identity mode;
 * - every reference between ACK objects resolves (policyRefs, roleRef, fileSystemRef, FieldExport sources),
 *   and every substituted cloud value is written by a FieldExport;
 * - Flux applies ACK and identity, then controllers, then cloud resources, then tier charts, then apps.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kubectlPath } from '@strata/toolchain';
import { parseAllDocuments } from 'yaml';
import { readTree } from '@strata/helm';
import { yamlDocuments } from '@strata/gitops';
import { crdKindOf, crdSchema, schemaErrors } from '@strata/kube-schemas';
import { renderCommitted, RenderedRelease, REPO } from './rendered';
import { releasePolicies } from './chart-policies';

const environments = readTree(join(REPO, 'environments'));
const withCloud = [...new Set([...environments.keys()].filter((p) => /^[^/]+\/infrastructure\/identity\//.test(p)).map((p) => p.split('/')[0]))].sort();
const objectsOf = (env: string, dir: string): any[] =>
  [...environments.entries()].filter(([p]) => p.startsWith(`${env}/infrastructure/${dir}/`) && !p.endsWith('kustomization.yaml')).flatMap(([, text]) => yamlDocuments(text) as any[]);
const ack = (o: any) => /\.?services\.k8s\.aws\//.test(o.apiVersion);
const DATA_KINDS = new Set(['Bucket', 'FileSystem', 'AccessPoint']);

describe('the cloud half of the committed environments', () => {
  test('prod declares a cloud section', () => {
    expect(withCloud).toContain('prod');
  });

  test.each(withCloud)('%s: every ACK object is valid for its upstream CRD', (env) => {
    const problems: string[] = [];
    const objects = [...objectsOf(env, 'identity'), ...objectsOf(env, 'cloud')].filter(ack);
    for (const o of objects) {
      const kind = crdKindOf(o.apiVersion, o.kind);
      if (!kind) problems.push(`${o.kind} ${o.metadata.name}: no CRD for ${o.apiVersion}`);
      else for (const e of schemaErrors(crdSchema(kind), o)) problems.push(`${o.kind} ${o.metadata.name}: ${e}`);
    }
    expect(problems).toEqual([]);
    expect(objects.length).toBeGreaterThan(10);
  });

  test.each(withCloud)('%s: data-holding objects are retained, everything else states delete, controllers default to retain', (env) => {
    const objects = [...objectsOf(env, 'identity'), ...objectsOf(env, 'cloud')].filter((o) => ack(o) && o.kind !== 'FieldExport');
    const wrong = objects.filter((o) => o.metadata.annotations?.['services.k8s.aws/deletion-policy'] !== (DATA_KINDS.has(o.kind) ? 'retain' : 'delete')).map((o) => `${o.kind} ${o.metadata.name}`);
    expect(wrong).toEqual([]);
    expect(objects.filter((o) => DATA_KINDS.has(o.kind)).length).toBeGreaterThan(0);
    const releases = [...objectsOf(env, 'ack'), ...objectsOf(env, 'controllers')].filter((o) => o.kind === 'HelmRelease' && /^ack-/.test(o.metadata.name));
    expect(releases.map((r) => [r.metadata.name, r.spec.values.deletionPolicy, r.spec.install.crds, r.spec.upgrade.crds])).toEqual(
      releases.map((r) => [r.metadata.name, 'retain', 'CreateReplace', 'CreateReplace']),
    );
  });

  test.each(withCloud)('%s: every bucket blocks public access, is encrypted, and is versioned when it holds data', (env) => {
    for (const b of objectsOf(env, 'cloud').filter((o) => o.kind === 'Bucket')) {
      expect([b.metadata.name, b.spec.publicAccessBlock]).toEqual([b.metadata.name, { blockPublicACLs: true, ignorePublicACLs: true, blockPublicPolicy: true, restrictPublicBuckets: true }]);
      expect(b.spec.encryption.rules).toHaveLength(1);
      const purpose = b.metadata.labels['strata.dev/purpose'];
      if (purpose !== 'other') expect([b.metadata.name, b.spec.versioning.status]).toEqual([b.metadata.name, 'Enabled']);
    }
  });

  test.each(withCloud)('%s: every reference between ACK objects resolves, in the same namespace', (env) => {
    const objects = [...objectsOf(env, 'identity'), ...objectsOf(env, 'cloud')];
    const has = (kind: string, name: string, ns: string) => objects.some((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
    const missing: string[] = [];
    for (const o of objects) {
      const ns = o.metadata.namespace;
      for (const r of o.spec?.policyRefs ?? []) if (!has('Policy', r.from.name, ns)) missing.push(`${o.kind} ${o.metadata.name} → Policy ${r.from.name}`);
      if (o.spec?.roleRef && !has('Role', o.spec.roleRef.from.name, ns)) missing.push(`${o.kind} ${o.metadata.name} → Role ${o.spec.roleRef.from.name}`);
      if (o.spec?.fileSystemRef && !has('FileSystem', o.spec.fileSystemRef.from.name, ns)) missing.push(`${o.kind} ${o.metadata.name} → FileSystem ${o.spec.fileSystemRef.from.name}`);
      if (o.kind === 'FieldExport') {
        if (!has(o.spec.from.resource.kind, o.spec.from.resource.name, ns)) missing.push(`FieldExport ${o.metadata.name} → ${o.spec.from.resource.kind} ${o.spec.from.resource.name}`);
        if (!has('ConfigMap', o.spec.to.name, o.spec.to.namespace ?? ns)) missing.push(`FieldExport ${o.metadata.name} → ConfigMap ${o.spec.to.name} (it must exist before the export writes)`);
      }
    }
    expect(missing).toEqual([]);
  });

  test.each(withCloud)('%s: Flux order — ACK and identity, controllers, cloud resources, tier charts, apps; every substituted value is exported', (env) => {
    const ks = [...(yamlDocuments(environments.get(`${env}/infrastructure.yaml`)!) as any[]), ...(yamlDocuments(environments.get(`${env}/apps.yaml`)!) as any[])];
    const after = Object.fromEntries(ks.map((k) => [k.metadata.name, (k.spec.dependsOn ?? []).map((d: any) => d.name)]));
    expect(after).toEqual({ 'infra-ack': [], 'infra-identity': ['infra-ack'], 'infra-controllers': ['infra-identity'], 'infra-cloud': ['infra-controllers'], 'infra-configs': ['infra-cloud'], apps: ['infra-configs'] });
    for (const name of ['infra-identity', 'infra-cloud']) {
      const k = ks.find((x) => x.metadata.name === name);
      expect(k.spec.healthCheckExprs.map((h: any) => h.apiVersion.split('/')[0])).toEqual(['iam.services.k8s.aws', 'eks.services.k8s.aws', 's3.services.k8s.aws', 'efs.services.k8s.aws', 's3files.services.k8s.aws', 'services.k8s.aws']);
    }
    const configs = ks.find((x) => x.metadata.name === 'infra-configs');
    const from = (configs.spec.postBuild?.substituteFrom ?? []).map((s: any) => s.name);
    const exported = new Set(objectsOf(env, 'cloud').filter((o) => o.kind === 'FieldExport' && from.includes(o.spec.to.name)).map((o) => o.spec.to.key));
    const used = [...environments.entries()].filter(([p]) => p.startsWith(`${env}/infrastructure/configs/`)).flatMap(([, t]) => [...t.matchAll(/\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}/g)].map((m) => m[1]));
    expect(used.filter((v) => !exported.has(v))).toEqual([]);
  });
});

describe('kubectl kustomize builds every path Flux applies, as kustomize-controller does', () => {
  test.each(withCloud)('%s: each Kustomization\'s path builds, and holds exactly the objects of its files', (env) => {
    const ks = yamlDocuments(environments.get(`${env}/infrastructure.yaml`)!) as any[];
    for (const k of ks) {
      const dir = k.spec.path.replace(/^\.\/environments\//, '');
      const built = parseAllDocuments(execFileSync(kubectlPath(), ['kustomize', join(REPO, 'environments', dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).map((d) => d.toJS()).filter(Boolean);
      const files = [...environments.entries()].filter(([p]) => p.startsWith(`${dir}/`) && !p.endsWith('kustomization.yaml')).flatMap(([, t]) => yamlDocuments(t) as any[]);
      const key = (o: any) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect([k.metadata.name, built.map(key).sort()]).toEqual([k.metadata.name, files.map(key).sort()]);
    }
  });
});

describe('identity applied: exactly the policies the charts derive', () => {
  let rendered: RenderedRelease[];
  beforeAll(() => {
    rendered = renderCommitted();
  });

  test.each(withCloud)('%s: each ACK Policy equals the chart\'s iam-policies/<key>.json of its release and key', (env) => {
    const policies = objectsOf(env, 'identity').filter((o) => o.kind === 'Policy');
    const derived = new Map<string, unknown>();
    for (const r of rendered.filter((x) => x.release.environment === env && x.release.layer === 'app')) {
      for (const [key, doc] of Object.entries(releasePolicies(r))) {
        if (!key.includes('-')) derived.set(`${r.release.chart}-${key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`, doc);
      }
    }
    const prefix = `strata-${env}-`;
    const workloadPolicies = policies.filter((p) => derived.has(p.spec.name.slice(prefix.length)));
    expect(workloadPolicies.length).toBe(derived.size);
    for (const p of workloadPolicies) expect([p.spec.name, JSON.parse(p.spec.policyDocument)]).toEqual([p.spec.name, derived.get(p.spec.name.slice(prefix.length))]);
  });

  test.each(withCloud)('%s: the inert iam-policies ConfigMaps are gone at the source: no release renders one, and no HelmRelease needs a post-renderer to drop it', (env) => {
    const releases = rendered.filter((r) => r.release.environment === env && r.release.layer === 'app');
    expect(releases.flatMap((r) => r.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('iam-policies')).map((o) => `${r.release.chart}: ${o.metadata.name}`))).toEqual([]);
    expect(releases.filter((r) => (r.release.helmRelease as any)?.spec?.postRenderers !== undefined).map((r) => r.release.chart)).toEqual([]);
    expect(releases.some((r) => Object.keys(releasePolicies(r)).length > 0)).toBe(true);
  });

  test.each(withCloud)('%s: every role is trusted by Pod Identity with one association per service account (or by IRSA with none)', (env) => {
    const objects = objectsOf(env, 'identity');
    const podIdentity = objects.some((o) => o.kind === 'PodIdentityAssociation');
    for (const r of objects.filter((o) => o.kind === 'Role')) {
      const trust = JSON.parse(r.spec.assumeRolePolicyDocument);
      if (podIdentity) {
        expect([r.metadata.name, trust.Statement[0].Principal]).toEqual([r.metadata.name, { Service: 'pods.eks.amazonaws.com' }]);
        expect(objects.filter((o) => o.kind === 'PodIdentityAssociation' && o.spec.roleRef.from.name === r.metadata.name).length).toBeGreaterThan(0);
      } else {
        expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
      }
    }
  });
});
