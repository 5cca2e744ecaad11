/**
 * Every release of every committed environment (environments/, rendered from charts/ with the
 * pinned helm), run through the controller models of test/support/controllers: install at the
 * honest worst case, a 24-hour training, failures on install and on upgrade, upgrades that change
 * a Job and upgrades that change nothing; and every pod that declares a node-local flush through
 * Karpenter's disruptions. No API server: the models behave as the controllers' sources say (each
 * test names the behaviour it leans on; the models cite the lines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationSeconds, Manifest, offerFromNodePool, podNeeds, podTemplatesOf, renderRelease, s3PointerObjects, upgradeChanges, whyNot } from '@strata/checks';
import { trainJobRuntime } from '@strata/tokens';
import { awaitBudget, awaitedObjects, PROVISIONING_SECONDS } from '@strata/helm';
import { renderCommitted, RenderedRelease, REPO } from '../hardening/rendered';
import { parse } from 'yaml';
import { Behaviour, disrupt, DisruptionResult, HelmControllerModel, keyOf, NEVER, PodStop, runJob, SPOT_NOTICE } from '../support/controllers';

const RENDERED = renderCommitted();
const DAY = 86400;

const nameOf = (r: RenderedRelease) => `${r.release.environment}: ${r.release.layer === 'app' ? 'release' : 'tier release'} ${r.release.namespace}/${r.release.releaseName} (chart ${r.release.chart})`;
const specOf = (r: RenderedRelease) => r.release.helmRelease!.spec as Record<string, any>;
const own = (objects: readonly Manifest[]) => objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
const jobsOf = (objects: readonly Manifest[]) => own(objects).filter((o) => o.kind === 'Job');
const holdsDataOrRunsJobs = (objects: readonly Manifest[]) => own(objects).some((o) => o.kind === 'PersistentVolumeClaim' || o.kind === 'Job');
const isData = (key: string) => /^(PersistentVolumeClaim|PersistentVolume) /.test(key);

/** Seconds until a claim of a class binds in this environment: its tier release's class, by provisioner (the static form at once). */
function provisioningIn(environment: string): (storageClassName: string) => number {
  const classes = new Map(RENDERED.filter((r) => r.release.environment === environment).flatMap((r) => r.objects.filter((o) => o.kind === 'StorageClass').map((o) => [o.metadata.name, String(o.provisioner)] as const)));
  return (sc) => (sc === '' ? 0 : (PROVISIONING_SECONDS[classes.get(sc) ?? ''] ?? 300));
}

/** Each awaited object at its honest worst case (awaitBudget, as the chart's timeout is derived), anything else ready at once. */
function worstCase(r: RenderedRelease, objects: readonly Manifest[] = r.objects, action: 'install' | 'upgrade' = 'install'): { behaviour: Behaviour; longest: number } {
  const waitForJobs = specOf(r)[action]?.disableWaitForJobs !== true;
  const budget = awaitBudget(awaitedObjects(own(objects)), { resolve: (f) => f, provisioningSeconds: provisioningIn(r.release.environment), waitForJobs });
  const seconds = new Map(budget.objects.map((b) => [`${b.kind} ${b.name}`, b.seconds]));
  return { behaviour: (o) => ({ readyAfter: seconds.get(`${o.kind} ${o.metadata.name}`) ?? 0 }), longest: budget.longest };
}

/** The object a failure test makes never ready: a claim, else a rollout, else an awaited Job, else the release's first object. */
function victim(objects: readonly Manifest[]): Manifest {
  const mine = own(objects);
  return mine.find((o) => o.kind === 'PersistentVolumeClaim') ?? mine.find((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') ?? mine.find((o) => o.kind === 'Job' && typeof o.spec?.activeDeadlineSeconds === 'number') ?? mine[0];
}
const stopsOf = (d: DisruptionResult): readonly PodStop[] => (d.blocked ? [] : d.stops);
/** One object never ready as the new release has it; the release rolled back to has it ready again. */
const neverReady = (key: string): Behaviour => (o, c) => (keyOf(o) === key && c.action !== 'rollback' ? { readyAfter: NEVER } : c.action === 'rollback' && keyOf(o) === key ? { readyAfter: 0 } : undefined);

/** A value of each chart with Jobs that changes a Job's spec, as an environment would change it: a new run, a new model. */
const JOB_CHANGES: { readonly [chart: string]: string } = { 'llm-finetune': 'checkpoints.run', 'batch-embeddings': 'image.tag', 'llm-inference': 'model.version', 'kserve-llm': 'model.version' };

/**
 * A value of each chart with Mountpoint volumes that moves a volume to a new bucket prefix, as an
 * environment would: a new run of batch embeddings or dataset preparation, a new model version.
 */
const SOURCE_CHANGES: { readonly [chart: string]: string } = { 'batch-embeddings': 'output.run', 'dataset-prep': 'output.run', 'ray-serve-vllm': 'model.version' };

/** The release rendered again with one value moved to its next one (run-1 → run-2, v1 → v2). */
function renderWithNext(r: RenderedRelease, path: string): Manifest[] {
  const values = JSON.parse(JSON.stringify(r.release.values));
  const keys = path.split('.');
  const chartDefaults = parse(readFileSync(join(REPO, 'charts', r.release.chart, 'values.yaml'), 'utf8'));
  const current = keys.reduce((v: any, k) => v?.[k], values) ?? keys.reduce((v: any, k) => v?.[k], chartDefaults);
  const next = /\d+$/.test(String(current)) ? String(current).replace(/\d+$/, (n) => String(Number(n) + 1)) : `${current}-2`;
  let cur = values;
  for (const k of keys.slice(0, -1)) cur = cur[k] ??= {};
  cur[keys[keys.length - 1]] = next;
  return renderRelease(join(REPO, 'charts', r.release.chart), { ...r.release, values });
}

/** The same objects as a new chart version would label them (helm.sh/chart): an upgrade that changes no spec. */
const relabelled = (objects: readonly Manifest[]) => objects.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), 'helm.sh/chart': 'next' } } }));

describe.each(RENDERED.map((r) => [nameOf(r), r] as const))('%s', (_name, r) => {
  const spec = specOf(r);
  const timeout = (): number => durationSeconds(spec.timeout ?? '5m')!;
  const model = () => new HelmControllerModel(spec);
  const jobs = jobsOf(r.objects);
  const unbounded = jobs.filter((j) => typeof j.spec?.activeDeadlineSeconds !== 'number');
  const bounded = jobs.filter((j) => typeof j.spec?.activeDeadlineSeconds === 'number');

  test(`install with every awaited object at its honest worst case (awaitBudget, this environment's classes: ${worstCase(r).longest} s of the ${spec.timeout} timeout): Ready, without remediation`, () => {
    // helm-controller: one wait, every object Current within spec.timeout (docs/spec/v2/helmreleases.md#L1256-L1262); PVCs when Bound, Jobs when complete unless disableWaitForJobs.
    const { behaviour, longest } = worstCase(r);
    const m = model();
    expect(m.reconcile(r.objects, behaviour)).toBe('Ready');
    expect(m.steps).toEqual([expect.objectContaining({ action: 'install', result: 'succeeded', took: longest })]);
    expect(longest).toBeLessThanOrEqual(timeout());
  });

  if (unbounded.length > 0) {
    test(`a training Job that runs 24 h (${unbounded.map((j) => j.metadata.name).join(', ')}): Ready at once (not awaited), and the Job keeps running to its end`, () => {
      // helmreleases.md#L592-L595, #L673-L676 (disableWaitForJobs); fluxcd/cli-utils kstatus core.go#L533-L578 (a running Job is Current);
      // job.md: no activeDeadlineSeconds, no ttlSecondsAfterFinished → it runs as long as its pods and stays when finished.
      expect(spec.install?.disableWaitForJobs).toBe(true);
      expect(spec.upgrade?.disableWaitForJobs).toBe(true);
      const m = model();
      expect(m.reconcile(r.objects, (o) => (o.kind === 'Job' ? { readyAfter: DAY } : undefined))).toBe('Ready');
      expect(m.now).toBeLessThan(DAY);
      for (const j of unbounded) {
        expect(m.cluster.get(keyOf(j))?.readyAt).toBe(DAY);
        // Its pods, wave after wave (completions / parallelism), take 24 h in all.
        const pod = DAY / Math.ceil((j.spec.completions ?? 1) / (j.spec.parallelism ?? 1));
        expect(runJob(j, () => ({ outcome: 'Succeeded', after: pod }), m.now).status).toBe('Running');
        const done = runJob(j, () => ({ outcome: 'Succeeded', after: pod }));
        expect(done).toMatchObject({ status: 'Complete', finishedAt: DAY });
        expect(done.deletedAt).toBeUndefined(); // the finished Job stays: the record that its work is done
      }
      expect(m.reconcile(r.objects)).toBe('Ready'); // the next reconcile, the Job still running: nothing to do
    });
  }

  if (bounded.length > 0) {
    test(`its Jobs with a deadline (${bounded.map((j) => j.metadata.name).join(', ')}) are awaited, and end — done or failed — within the release timeout, however many pods fail`, () => {
      // job.md: activeDeadlineSeconds "applies to the duration of the job, no matter how many Pods are created"; kstatus fails the wait fast on a Failed Job.
      expect(spec.install?.disableWaitForJobs).not.toBe(true);
      for (const j of bounded) {
        const failing = runJob(j, () => ({ outcome: 'Failed', after: 60 }));
        expect(failing.finishedAt).toBeLessThanOrEqual(j.spec.activeDeadlineSeconds);
        expect(j.spec.activeDeadlineSeconds).toBeLessThanOrEqual(timeout());
      }
    });
  }

  test('an object that never becomes ready on install: a release holding claims or running Jobs is never uninstalled (no claim deleted, no Job re-run)', () => {
    // RetryOnFailure: "retry a failed install with an upgrade" (helmreleases.md#L624-L626); RemediateOnFailure: uninstall between attempts (#L628-L643).
    const v = victim(r.objects);
    const m = model();
    const state = m.reconcile(r.objects, neverReady(keyOf(v)), { maxActions: spec.install?.strategy?.name === 'RetryOnFailure' ? 4 : 16 });
    const deleted = m.cluster.deleted.map((d) => d.key);
    expect(deleted.filter(isData)).toEqual([]);
    for (const j of jobsOf(r.objects)) expect([keyOf(j), m.cluster.creations(keyOf(j))]).toEqual([keyOf(j), 1]);
    // Releases holding data or running Jobs, and the tier releases (their NodePools' nodes would be drained), retry in place.
    if (holdsDataOrRunsJobs(r.objects)) expect(spec.install?.strategy?.name).toBe('RetryOnFailure');
    if (spec.install?.strategy?.name === 'RetryOnFailure') {
      expect(m.steps.map((s) => s.action)).toEqual(['install', 'upgrade', 'upgrade', 'upgrade']);
      expect(state).toBe('Retrying');
      expect(deleted).toEqual([]);
    } else {
      // A tier release holds neither: it is uninstalled between attempts (its classes, node pools), then Stalled.
      expect(state).toBe('Stalled');
      const uninstalls = m.steps.filter((s) => s.action === 'uninstall');
      expect(uninstalls).toHaveLength(spec.install?.remediation?.retries ?? 0);
      expect(uninstalls.flatMap((s) => s.deleted).filter((key) => !/^(StorageClass|NodePool|EC2NodeClass) /.test(key))).toEqual([]);
    }
  });

  test('an object that never becomes ready on upgrade: a release holding claims or running Jobs is never rolled back or uninstalled (no claim deleted, no finished Job re-run)', () => {
    // RetryOnFailure retries upgrades "without applying any remediation" (helmreleases.md#L711-L713); rollback would re-create the old Job (helm pkg/action/rollback.go#L197-L235).
    const change = JOB_CHANGES[r.release.chart];
    const v2 = jobs.length > 0 ? renderWithNext(r, change) : relabelled(r.objects);
    const v = victim(v2);
    const m = model();
    expect(m.reconcile(r.objects)).toBe('Ready');
    const state = m.reconcile(v2, neverReady(keyOf(v)), { maxActions: spec.upgrade?.strategy?.name === 'RetryOnFailure' ? 4 : 16 });
    expect(m.cluster.deleted.map((d) => d.key).filter(isData)).toEqual([]);
    for (const j of [...jobsOf(r.objects), ...jobsOf(v2)]) expect([keyOf(j), m.cluster.creations(keyOf(j))]).toEqual([keyOf(j), 1]);
    if (holdsDataOrRunsJobs(r.objects)) expect(spec.upgrade?.strategy?.name).toBe('RetryOnFailure');
    if (spec.upgrade?.strategy?.name === 'RetryOnFailure') {
      expect(m.steps.map((s) => `${s.action} ${s.result}`)).toEqual(['install succeeded', 'upgrade failed', 'upgrade failed', 'upgrade failed', 'upgrade failed']);
      expect(state).toBe('Retrying');
    } else {
      // A tier release holds neither: it is rolled back after each failed upgrade, the last one too, then Stalled.
      expect(state).toBe('Stalled');
      expect(m.steps.filter((s) => s.action === 'rollback')).toHaveLength((spec.upgrade?.remediation?.retries ?? 0) + 1);
      expect(m.steps.flatMap((s) => s.deleted).filter((key) => !/^(StorageClass|NodePool|EC2NodeClass) /.test(key))).toEqual([]);
    }
  });

  if (jobs.length > 0) {
    test(`an upgrade whose values change a Job (${JOB_CHANGES[r.release.chart] ?? '?'} → next), what it changes at its honest worst case: a new Job under a new name, the old one deleted by Helm, none patched`, () => {
      // kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate (spec.template immutable); helm@v4.2.4 pkg/kube/client.go#L573-L700.
      expect(JOB_CHANGES[r.release.chart]).toBeDefined();
      const v2 = renderWithNext(r, JOB_CHANGES[r.release.chart]);
      const m = model();
      m.reconcile(r.objects);
      const worst = worstCase(r, v2, 'upgrade');
      expect(m.reconcile(v2, (o, c) => (c.change === 'unchanged' ? undefined : worst.behaviour(o, c)))).toBe('Ready');
      expect(m.steps[1].took).toBeLessThanOrEqual(timeout());
      const upgrade = m.steps[1];
      expect(upgrade).toMatchObject({ action: 'upgrade', result: 'succeeded' });
      const oldJobs = jobsOf(r.objects).map(keyOf);
      const newJobs = jobsOf(v2).map(keyOf);
      expect(newJobs.filter((k) => oldJobs.includes(k))).toEqual([]); // every changed Job has a new name
      expect(upgrade.created.filter((k) => k.startsWith('Job '))).toEqual(newJobs);
      expect(upgrade.deleted.filter((k) => k.startsWith('Job '))).toEqual(oldJobs);
      expect(upgrade.updated.filter((k) => k.startsWith('Job '))).toEqual([]);
    });

    test('an upgrade that changes nothing — even forced, or with only the chart label moved — leaves the Jobs alone', () => {
      // helm pkg/kube/client.go#L573-L700: an unchanged object is patched to itself, never re-created.
      const m = model();
      m.reconcile(r.objects);
      expect(m.reconcile(r.objects)).toBe('Ready');
      expect(m.reconcile(r.objects, undefined, { force: true })).toBe('Ready');
      expect(m.reconcile(relabelled(r.objects))).toBe('Ready');
      expect(m.steps.map((s) => `${s.action} ${s.result}`)).toEqual(['install succeeded', 'upgrade succeeded', 'upgrade succeeded']);
      for (const j of jobs) expect(m.cluster.creations(keyOf(j))).toBe(1);
      expect(m.cluster.deleted).toEqual([]);
    });
  }

  const sourceChange = SOURCE_CHANGES[r.release.chart];
  if (sourceChange) {
    test(`a new source (${sourceChange} → next): a new Mountpoint volume and claim named by it, the pods on it, the old pair deleted by Helm — it held no data (the objects stay in the bucket) — and nothing refused`, () => {
      // kubernetes ValidatePersistentVolumeUpdate: spec.persistentvolumesource is immutable, so the new prefix must be a new volume (and claim: volumeName is immutable too).
      const v2 = renderWithNext(r, sourceChange);
      expect(upgradeChanges(own(r.objects), own(v2))).toEqual([]);
      const before = [...s3PointerObjects(own(r.objects))].map(keyOf);
      const after = [...s3PointerObjects(own(v2))].map(keyOf);
      const gone = before.filter((k) => !after.includes(k));
      const made = after.filter((k) => !before.includes(k));
      expect(gone.map((k) => k.split(' ')[0]).sort()).toEqual(['PersistentVolume', 'PersistentVolumeClaim']);
      expect(made.map((k) => k.split(' ')[0]).sort()).toEqual(['PersistentVolume', 'PersistentVolumeClaim']);
      // The claim the pods mount is the new one.
      const newClaim = made.find((k) => k.startsWith('PersistentVolumeClaim '))!.split('/').pop()!;
      const claimsOf = (objects: readonly Manifest[]) => own(objects).flatMap((o) => podTemplatesOf(o).flatMap((t) => (t.spec.volumes ?? []).map((v: any) => v.persistentVolumeClaim?.claimName).filter(Boolean)));
      expect(claimsOf(v2)).toContain(newClaim);
      expect(claimsOf(v2)).not.toContain(gone.find((k) => k.startsWith('PersistentVolumeClaim '))!.split('/').pop());
      // As helm-controller runs it (helm@v4.2.4 pkg/kube/client.go#L573-L700): the new pair created, the old one deleted (not kept), Ready.
      const m = model();
      m.reconcile(r.objects);
      expect(m.reconcile(v2)).toBe('Ready');
      expect(m.steps[1]).toMatchObject({ action: 'upgrade', result: 'succeeded' });
      expect(m.steps[1].created.filter((k) => made.includes(k)).sort()).toEqual([...made].sort());
      expect(m.steps[1].deleted.filter((k) => isData(k)).sort()).toEqual([...gone].sort());
      for (const k of gone) expect(m.cluster.has(k)).toBe(false);
      // A new run is a new Job (its claim changed); a RayService is updated in place (KubeRay rolls a new cluster onto the new claim).
      if (jobs.length > 0) expect(jobsOf(v2).map(keyOf).filter((k) => jobsOf(r.objects).map(keyOf).includes(k))).toEqual([]);
      if (r.release.chart === 'ray-serve-vllm') expect(m.steps[1].updated.filter((k) => k.startsWith('RayService '))).toHaveLength(1);
    });
  }
});

/**
 * The Job that holds a pod template: the object itself, or the Job template a JobSet or a training
 * runtime keeps it in (pod spec at `…replicatedJobs[i].template.spec.template.spec`, the Job's spec
 * one `template.spec` up); for the pods of a TrainJob (`jobSet.spec.replicatedJobs[<name>]…`), the
 * Job template of its runtime's replicated Job of that name.
 */
function jobOf(o: Manifest, podSpecPath: string, objects: readonly Manifest[]): Manifest {
  const named = /^jobSet\.spec\.replicatedJobs\[([^\]]+)\]\./.exec(podSpecPath);
  if (named) {
    const runtime = trainJobRuntime(o, objects)!;
    return { ...runtime, spec: runtime.spec.template.spec.replicatedJobs.find((j: any) => j.name === named[1]).template.spec };
  }
  const spec = podSpecPath
    .replace(/\.template\.spec$/, '')
    .split('.')
    .reduce((cur: any, part) => {
      const m = /^(\w+)\[(\d+)\]$/.exec(part);
      return m ? cur?.[m[1]]?.[Number(m[2])] : cur?.[part];
    }, o);
  return { ...o, spec };
}

/**
 * Every pod that runs in the apps and declares a node-local flush, with the NodePools of its
 * environment it can run on (and the Job that holds it): the pods as the checks see them, with the
 * environment's objects (a TrainJob's pods are its runtime's template with the TrainJob merged in;
 * the runtime's own template runs none).
 */
const FLUSHING = RENDERED.filter((r) => r.release.layer === 'app').flatMap((r) => {
  const environment = RENDERED.filter((x) => x.release.environment === r.release.environment).flatMap((x) => x.objects);
  return own(r.objects).flatMap((o) =>
    podTemplatesOf(o, undefined, { objects: environment })
      .filter((t) => t.replicas > 0 && t.metadata.annotations?.['strata.dev/flush'])
      .map((t) => {
        const infra = RENDERED.filter((x) => x.release.environment === r.release.environment && x.release.layer === 'infrastructure').flatMap((x) => x.objects);
        const classes = new Map(infra.filter((x) => x.kind === 'EC2NodeClass').map((x) => [x.metadata.name, x]));
        const pools = infra.filter((x) => x.kind === 'NodePool' && whyNot(podNeeds(t), offerFromNodePool(x, classes)) === undefined);
        return [`${r.release.environment}: ${t.owner}`, { owner: jobOf(o, t.path, environment), template: t, pools }] as const;
      }),
  );
});

describe('Karpenter and the pods that flush node-local data', () => {
  test('there are such pods in every environment', () => {
    expect(new Set(FLUSHING.map(([name]) => name.split(':')[0]))).toEqual(new Set(['dev', 'prod', 'staging']));
  });

  describe.each(FLUSHING)('%s', (_name, { owner, template, pools }) => {
    const flush = JSON.parse(template.metadata.annotations!['strata.dev/flush']) as { checkpointMiB: number; uploadMiBps: number; localWriteMiBps: number };
    /** The flush itself: write the newest checkpoint locally, then upload it. */
    const flushing = flush.checkpointMiB / flush.localWriteMiBps + flush.checkpointMiB / flush.uploadMiBps;
    const pod = { name: template.owner, annotations: template.metadata.annotations ?? {}, terminationGracePeriodSeconds: template.spec.terminationGracePeriodSeconds ?? 30 };
    const capacity = (np: Manifest): string[] => np.spec.template.spec.requirements.find((q: any) => q.key === 'karpenter.sh/capacity-type' && q.operator === 'In')?.values ?? ['on-demand', 'spot'];

    test('it can run on a NodePool of its environment, on-demand only', () => {
      expect(pools.length).toBeGreaterThan(0);
      for (const np of pools) expect([np.metadata.name, capacity(np)]).toEqual([np.metadata.name, ['on-demand']]);
    });

    test('consolidation and drift of its node are blocked', () => {
      // kubernetes-sigs/karpenter@v1.14.1 pkg/controllers/disruption/types.go#L48-L51, #L189-L196: consolidation respects do-not-disrupt; drift only without a terminationGracePeriod;
      // budgets (pkg/apis/v1/nodepool.go#L364-L399) bound both.
      for (const np of pools) {
        const node = { nodePool: np, capacityType: 'on-demand' as const };
        const consolidation = disrupt(node, [pod], 'Underutilized');
        expect(consolidation).toMatchObject({ blocked: true, why: expect.arrayContaining([`pod ${pod.name} has karpenter.sh/do-not-disrupt: "true"`]) });
        expect(disrupt(node, [pod], 'Empty').blocked).toBe(true);
        const drift = disrupt(node, [pod], 'Drifted');
        // With a terminationGracePeriod the annotation does not hold drift back: the pool's budget must (disruption.md#L277-L278).
        expect(drift).toEqual({ blocked: true, why: ['a budget allows 0 Drifted disruptions'] });
      }
    });

    test(`when its node expires, it gets its whole grace (at least its flush: ${flushing.toFixed(1)} s) before the NodePool's terminationGracePeriod ends`, () => {
      // terminator.go#L140-L183: deleted at terminationGracePeriod − terminationGracePeriodSeconds, with the time left as its grace; disruption.md#L422-L425: expiration is not blocked.
      for (const np of pools) {
        const [stop] = stopsOf(disrupt({ nodePool: np, capacityType: 'on-demand' }, [pod], 'Expired'));
        expect(stop.how).toBe('deleted');
        expect(stop.graceSeconds).toBe(pod.terminationGracePeriodSeconds);
        expect(stop.graceSeconds).toBeGreaterThanOrEqual(flushing);
      }
    });

    test('an expiry is a plain delete, not an eviction: the Job counts it against the index\'s backoffLimitPerIndex, so a run survives that many expiries of one index\'s nodes', () => {
      // A deleted pod carries no DisruptionTarget (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions), so podFailurePolicy's Ignore rule does not match (job.md "Pod failure policy").
      const limit: number = owner.spec.backoffLimitPerIndex;
      expect(owner.spec.podFailurePolicy.rules).toContainEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
      const expiries = (n: number) => runJob(owner, (i, a) => (i === 0 && a < n ? { outcome: 'Failed', after: 3600 } : { outcome: 'Succeeded', after: 3600 }));
      expect(expiries(limit).status).toBe('Complete');
      expect(expiries(limit + 1)).toMatchObject({ status: 'Failed', failedIndexes: [0] });
      // Evicted instead (a pod without do-not-disrupt, or one stopped with its instance), it would not count at all.
      expect(runJob(owner, (i, a) => (i === 0 && a < 10 ? { outcome: 'Failed', after: 3600, disruptionTarget: 'EvictionByEvictionAPI' } : { outcome: 'Succeeded', after: 3600 })).status).toBe('Complete');
    });

    test(`a Spot interruption (${SPOT_NOTICE} s): reported — none of its NodePools buys Spot`, () => {
      // aws/karpenter-provider-aws@v1.14.1 disruption.md#L207; a do-not-disrupt pod is not evicted (pkg/utils/pod/scheduling.go#L58-L63) and goes with the instance.
      for (const np of pools) {
        const [stop] = stopsOf(disrupt({ nodePool: np, capacityType: 'spot' }, [pod], 'Interrupted'));
        const fits = stop.graceSeconds >= flushing;
        console.log(`${_name} on Spot nodes of NodePool ${np.metadata.name} (hypothetical): ${stop.how}, ${stop.graceSeconds} s of grace for a ${flushing.toFixed(1)} s flush: ${fits ? 'fits' : 'does not fit'} in the ${SPOT_NOTICE} s notice`);
        expect(capacity(np)).not.toContain('spot');
      }
    });
  });
});

