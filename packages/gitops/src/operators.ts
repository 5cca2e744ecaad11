import { timeoutFor } from '@strata/helm';
import { isOperatorUse, OPERATOR_NAMES, OPERATOR_USE_PREFIX, OperatorChart, OperatorName, OPERATORS, OperatorRelease } from './drivers';
import { FLUX_NAMESPACE, fluxKustomization, gitRepository, helmRelease, helmRepository, KubeObject, namespaceObject, ociRepository, PRUNE_ANNOTATION, yamlFile } from './flux';

/**
 * The workload operators an environment installs: every operator a deployed chart uses
 * (`operator:<name>` in its `strata.dev/uses`), with the prerequisites they need, as
 * infrastructure controllers — Flux applies them with the CSI drivers, before the storage tiers
 * and the apps (whose custom resources need their CRDs).
 *
 * How each is installed (see OPERATORS for the charts):
 * - **Source and release** per chart: a HelmRepository or an OCIRepository, and a HelmRelease in the
 *   operator's namespace (written here, so the release has somewhere to live).
 * - **CRDs**: a chart keeping them in `crds/` gets `install/upgrade.crds: CreateReplace` — Helm
 *   alone installs them once and never upgrades them; Flux creates and replaces them, never
 *   deletes them (fluxcd/helm-controller@v1.6.3 docs/spec/v2/helmreleases.md#L573-L574,
 *   #L655-L656, #L1383-L1393). CRDs in templates are upgraded with the release.
 * - **Order**: a release waits for its prerequisites with `.spec.dependsOn` (the referred
 *   HelmReleases must be Ready; helmreleases.md#L372-L405): cert-manager before KServe's
 *   controller, JobSet before Kubeflow Trainer.
 * - **Never pruned, never rolled back**: an operator serves every custom resource of its kinds in
 *   the cluster, strata's or not. Uninstalling a chart whose CRDs are templates deletes the CRDs,
 *   and with them every such resource; uninstalling the others leaves them unreconciled. So the
 *   namespace, sources and releases carry `kustomize.toolkit.fluxcd.io/prune: disabled` (taking an
 *   operator out is a deliberate step), and failed installs and upgrades are retried in place
 *   (`RetryOnFailure`): no uninstall between attempts, and no rollback, which would take
 *   template CRDs back to an older schema.
 * - **training-operator (v1)** has no Helm chart: its standalone kustomize overlay is applied from
 *   the upstream Git tag by a Flux Kustomization (with `prune: false`, so that deleting that
 *   Kustomization never deletes the CRDs).
 */
export interface PlannedOperator {
  readonly operator: OperatorChart;
  /** Workloads whose charts use it. */
  readonly usedBy: readonly string[];
  /** Operators installed here that need it. */
  readonly neededBy: readonly OperatorName[];
  /** HelmRelease values per release name: the table's, with the workloads' namespaces where the operator lists them. */
  readonly values: { readonly [release: string]: Record<string, unknown> };
}

/** Seconds each operator HelmRelease (and the v1 Kustomization) may take: a controller Deployment and its webhook. */
export const OPERATOR_RELEASE_TIMEOUT = '10m';

/**
 * The operators of an environment's workloads, in install order, with what is wrong (errors) or
 * worth saying (warnings). Unknown operator names are warnings: strata installs nothing for them.
 */
export function planOperators(
  workloads: readonly { readonly name: string; readonly namespace: string; readonly uses: readonly string[] }[],
  cluster: { readonly kubernetesVersion?: string },
  file: string,
): { readonly operators: PlannedOperator[]; readonly errors: string[]; readonly warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const usedBy = new Map<OperatorName, string[]>();
  for (const w of workloads) {
    for (const u of w.uses) {
      if (!isOperatorUse(u)) continue;
      const name = u.slice(OPERATOR_USE_PREFIX.length);
      if (!(OPERATOR_NAMES as readonly string[]).includes(name)) {
        warnings.push(`${file}: chart ${w.name} uses "${u}", an operator strata does not install (known: ${OPERATOR_NAMES.join(', ')}); make sure the cluster provides it`);
        continue;
      }
      const op = name as OperatorName;
      usedBy.set(op, [...(usedBy.get(op) ?? []), w.name]);
    }
  }
  // Prerequisites, transitively.
  const neededBy = new Map<OperatorName, OperatorName[]>();
  const visit = (op: OperatorName) => {
    for (const p of OPERATORS[op].prerequisites) {
      neededBy.set(p, [...new Set([...(neededBy.get(p) ?? []), op])]);
      visit(p);
    }
  };
  for (const op of usedBy.keys()) visit(op);
  const kube = /^1\.(\d+)/.exec(cluster.kubernetesVersion ?? '');
  const operators: PlannedOperator[] = [];
  for (const name of OPERATOR_NAMES) {
    if (!usedBy.has(name) && !neededBy.has(name)) continue;
    const operator = OPERATORS[name];
    const users = usedBy.get(name) ?? [];
    if (operator.minKubernetes && kube && Number(kube[1]) < Number(operator.minKubernetes.split('.')[1])) {
      errors.push(
        `${file}: 'cluster.kubernetesVersion' (${JSON.stringify(cluster.kubernetesVersion)}) must be at least ${operator.minKubernetes} when ${operator.title} is installed (${[...users, ...(neededBy.get(name) ?? [])].join(', ')}); ${operator.upstream} requires Kubernetes >= ${operator.minKubernetes}: upgrade the cluster or leave those workloads out`,
      );
    }
    const values: { [release: string]: Record<string, unknown> } = {};
    for (const r of operator.releases) {
      let v: Record<string, unknown> = r.values ? structuredClone(r.values) : {};
      if (operator.jobNamespacesPath && r === operator.releases[operator.releases.length - 1]) {
        const namespaces = [...new Set(workloads.filter((w) => users.includes(w.name)).map((w) => w.namespace))].sort();
        v = withPath(v, operator.jobNamespacesPath, namespaces);
      }
      if (Object.keys(v).length > 0) values[r.name] = v;
    }
    operators.push({ operator, usedBy: users, neededBy: neededBy.get(name) ?? [], values });
  }
  return { operators, errors, warnings };
}

/**
 * The Flux Kustomization timeout of infra-controllers: each release of a dependsOn chain waits for
 * the one before it to be Ready, so the chain may take each one's timeout in turn — the longest
 * chain times OPERATOR_RELEASE_TIMEOUT, and 10 minutes without operators (the drivers' DaemonSets).
 */
export function controllersTimeout(operators: readonly PlannedOperator[]): string {
  const depth = new Map<string, number>();
  const installed = new Set(operators.map((p) => p.operator.name));
  const releaseDepth = (op: OperatorChart, r: OperatorRelease | undefined, seen: readonly string[] = []): number => {
    const key = `${op.name}/${r?.name ?? ''}`;
    if (depth.has(key)) return depth.get(key)!;
    if (seen.includes(key)) throw new Error(`operators: dependsOn cycle through ${[...seen, key].join(' → ')}`);
    let d = 1;
    for (const a of r?.after ?? []) {
      if ((OPERATOR_NAMES as readonly string[]).includes(a)) {
        const pre = OPERATORS[a as OperatorName];
        if (installed.has(pre.name)) d = Math.max(d, 1 + operatorDepth(pre, [...seen, key]));
      } else d = Math.max(d, 1 + releaseDepth(op, op.releases.find((x) => x.name === a), [...seen, key]));
    }
    depth.set(key, d);
    return d;
  };
  const operatorDepth = (op: OperatorChart, seen: readonly string[] = []): number => Math.max(1, ...(op.releases.length > 0 ? op.releases : [undefined]).map((r) => releaseDepth(op, r, seen)));
  const longest = Math.max(1, ...operators.map((p) => operatorDepth(p.operator)));
  const minutes = 10 * longest;
  return timeoutFor(Math.max(0, minutes * 60 - 300));
}

/** The files of infrastructure/controllers/ for the operators: `<operator>.yaml` → content. */
export function operatorFiles(operators: readonly PlannedOperator[], source: string): Map<string, string> {
  const files = new Map<string, string>();
  const keep = { [PRUNE_ANNOTATION]: 'disabled' };
  for (const p of operators) {
    const op = p.operator;
    const why = [p.usedBy.length > 0 ? `used by ${p.usedBy.join(', ')}` : '', p.neededBy.length > 0 ? `needed by ${p.neededBy.map((n) => OPERATORS[n].title).join(', ')}` : ''].filter((x) => x).join('; ');
    const docs: KubeObject[] = [];
    if (op.kustomize) {
      // The overlay makes its own namespace; the source and the Kustomization live in flux-system.
      docs.push(gitRepository({ name: op.name, namespace: FLUX_NAMESPACE, url: op.kustomize.repository, tag: op.kustomize.tag, annotations: keep }));
      docs.push(fluxKustomization({ name: op.name, path: op.kustomize.path, interval: '1h', retryInterval: '2m', timeout: OPERATOR_RELEASE_TIMEOUT, sourceRef: op.name, prune: false, annotations: keep }));
    } else {
      docs.push(namespaceObject(op.namespace, true));
      for (const r of op.releases) {
        const dependsOn = (r.after ?? []).map((a) => {
          if (!(OPERATOR_NAMES as readonly string[]).includes(a)) return { name: a, namespace: op.namespace };
          const pre = OPERATORS[a as OperatorName];
          return { name: pre.releases[pre.releases.length - 1].name, namespace: pre.namespace };
        });
        if ('helmRepository' in r.source) docs.push(helmRepository(r.name, op.namespace, r.source.helmRepository, keep));
        else docs.push(ociRepository({ name: r.name, namespace: op.namespace, url: r.source.oci, ...('tag' in r.source ? { tag: r.source.tag } : { semver: r.source.semver }), annotations: keep }));
        docs.push(
          helmRelease({
            name: r.name,
            namespace: op.namespace,
            source: 'helmRepository' in r.source ? { helmRepository: r.name, chart: r.chart, version: r.version } : { ociRepository: r.name },
            dependsOn,
            timeout: OPERATOR_RELEASE_TIMEOUT,
            crds: r.crds === 'crds-dir',
            retryOnFailure: true,
            annotations: keep,
            values: p.values[r.name],
          }),
        );
      }
    }
    files.set(`${op.name}.yaml`, yamlFile(`${op.title} (${op.upstream})${why ? `: ${why}` : ''}`, source, docs));
  }
  return files;
}

/** The report's lines on the operators: a table, and what each needs that strata does not install. */
export function operatorReport(operators: readonly PlannedOperator[]): string[] {
  const out = ['### Operators (infra-controllers)', ''];
  if (operators.length === 0) return [...out, 'None: no workload here uses an operator.', ''];
  out.push('| operator | charts | namespace | CRDs | after | used by |', '| --- | --- | --- | --- | --- | --- |');
  for (const p of operators) {
    const op = p.operator;
    const charts = op.kustomize
      ? `${op.kustomize.repository} \`${op.kustomize.path}\` @ ${op.kustomize.tag} (kustomize)`
      : op.releases.map((r) => `${'helmRepository' in r.source ? `${r.source.helmRepository} ${r.chart}` : r.source.oci} ${r.version}`).join('; ');
    const crds = op.kustomize ? 'applied by the Flux Kustomization' : [...new Set(op.releases.map((r) => (r.crds === 'crds-dir' ? '`crds/`, CreateReplace' : 'templates (upgraded with the release)')))].join('; ');
    const users = [...p.usedBy, ...p.neededBy.map((n) => `(${OPERATORS[n].title})`)].join(', ');
    out.push(`| ${op.title} | ${charts} | ${op.namespace} | ${crds} | ${op.prerequisites.map((n) => OPERATORS[n].title).join(', ') || '—'} | ${users} |`);
  }
  out.push(
    '',
    'Operators are never pruned by Flux and never rolled back: removing one deletes (CRDs in templates) or leaves unreconciled (CRDs in `crds/`) every custom resource of its kinds in the cluster. ' +
      'When no workload here uses an operator any more, its files go, but its releases stay in the cluster until someone uninstalls them. ' +
      'None of these controllers needs AWS credentials.',
  );
  const needs = operators.filter((p) => p.operator.needsInCluster);
  for (const p of needs) out.push('', `**${p.operator.title} needs, and strata does not install**: ${p.operator.needsInCluster}.`);
  out.push('');
  return out;
}

function withPath(v: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  let cur = out;
  path.forEach((k, i) => {
    if (i === path.length - 1) cur[k] = value;
    else {
      cur[k] = { ...((cur[k] as Record<string, unknown> | undefined) ?? {}) };
      cur = cur[k] as Record<string, unknown>;
    }
  });
  return out;
}
