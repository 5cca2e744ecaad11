/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/training/raytrain-llama2-pretrain-trn1/3-llama2-pretrain-trn1-rayjob.yaml
 * The pre-training step of the Trainium Ray Train blueprint: a RayJob (K8sJobMode) that runs
 * `NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py` in /llama2_pretrain on the RayCluster
 * `kuberay-trn1` (see raytrain-llama2-trn1.test.ts), found by `clusterSelector`.
 *
 * What differs from the original, and why:
 * - `clusterSelector` names the RayCluster as strata names it: the cluster is the RayCluster
 *   rewrite's, made by its own release (`rw` of chart `raytrain-llama2`), whose objects are named
 *   per release — `rw-raytrain-llama2-kuberay-trn1`, not `kuberay-trn1` (asserted against that
 *   rewrite). `RayJob.onCluster` with `{ name, image }` writes it and no `rayClusterSpec`: the
 *   blueprint's three jobs share the one long-lived cluster, and KubeRay leaves it running.
 * - `ttlSecondsAfterFinished: 60` is not written: strata gives runs no time to live (a finished run is
 *   the record that its work is done; see docs/lifecycle.md). The RayJob is named by its content.
 * - The submitter pod is written (`submitterPodTemplate`), where the original leaves KubeRay its
 *   default (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/common/job.go
 *   `GetDefaultSubmitterContainer`: the head's image, 500m/200Mi requested, no securityContext),
 *   which Pod Security restricted refuses — in a restricted namespace the submitter Job gets no pod
 *   and the job never starts. strata's is that default made restricted (no privilege escalation,
 *   capabilities dropped, RuntimeDefault seccomp, read-only root with a /tmp for `ray job submit`),
 *   running the cluster's head image (given with the name: KubeRay uses a written template as it
 *   is) as the cluster's user, uid/gid 1000 (the pod's `submitter` props). Every check reaches it
 *   (asserted), and the rebuilt default shows what restricted reports on the original's.
 */
import { checkRestricted } from '@strata/checks';
import { RayCluster, RayJob } from '@strata/kinds';
import { chartFor, one, podCounts, referenceProblems, render, restrictedProblems } from './support';
import { TRN1_CLUSTER, TRN1_IMAGE } from './trn1-ray-cluster';

const RUNTIME_ENV = `working_dir: /llama2_pretrain
env_vars:
  PYTHONUNBUFFERED: '0'
`;

/** The RayCluster of raytrain-llama2-trn1.test.ts, as its release (rw, chart raytrain-llama2) names it. */
const CLUSTER = 'rw-raytrain-llama2-kuberay-trn1';

function build() {
  const chart = chartFor('raytrain-llama2-job', 'ai-on-eks Llama 2 pre-training job on trn1');
  RayJob.onCluster(chart, 'llama2-pretraining-job', {
    cluster: { name: CLUSTER, image: TRN1_IMAGE },
    entrypoint: 'NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py',
    runtimeEnvYAML: RUNTIME_ENV,
    // The cluster's pods run as uid/gid 1000; the submitter runs its head's image as the same user.
    submitter: { securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } },
  });
  return chart;
}

describe('ai-on-eks raytrain-llama2-pretrain-trn1 RayJob', () => {
  test('entrypoint, runtime env and submission mode of the original, on the existing cluster', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['RayJob']);
    const job = one(objects, 'RayJob');
    expect(job.metadata.name).toMatch(/^rw-raytrain-llama2-job-llama2-pretraining-job-[0-9a-f]{8}$/);
    expect(job.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    expect({ ...job.spec, submitterPodTemplate: undefined }).toEqual({
      entrypoint: 'NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py',
      runtimeEnvYAML: RUNTIME_ENV,
      submissionMode: 'K8sJobMode',
      clusterSelector: { 'ray.io/cluster': CLUSTER },
      submitterPodTemplate: undefined,
    });
    expect(job.spec.rayClusterSpec).toBeUndefined();
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const submitter = job.spec.submitterPodTemplate.spec;
    expect(submitter.containers).toEqual([
      {
        name: 'ray-job-submitter',
        image: TRN1_IMAGE,
        // cdk8s-plus's default, and Kubernetes' for a :latest tag.
        imagePullPolicy: 'Always',
        resources: { limits: { cpu: '1', memory: '1024Mi' }, requests: { cpu: '500m', 'ephemeral-storage': '1Gi', memory: '200Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        volumeMounts: [{ mountPath: '/tmp', name: 'ray-job-submitter-tmp' }],
      },
    ]);
    expect(submitter.securityContext).toEqual({ fsGroupChangePolicy: 'Always', runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000 });
    expect(submitter.restartPolicy).toBe('Never');
  });

  test('the cluster it names is the one the RayCluster rewrite\'s release makes', () => {
    const chart = chartFor('raytrain-llama2', 'ai-on-eks Llama 2 pre-training on trn1 with Ray Train');
    const cluster = new RayCluster(chart, 'kuberay-trn1', TRN1_CLUSTER);
    cluster.head.addContainer({ name: 'ray-head', image: TRN1_IMAGE, securityContext: { ensureNonRoot: true, user: 1000, readOnlyRootFilesystem: false } });
    expect(one(render(chart).objects, 'RayCluster').metadata.name).toBe(CLUSTER);
  });

  test("strata's checks: the submitter is the job's only pod, reached and restricted; KubeRay's default submitter would fail restricted", () => {
    const { objects } = render(build());
    expect(podCounts(objects)).toEqual({ 'RayJob spec.submitterPodTemplate.spec': 1 });
    expect(restrictedProblems(objects)).toEqual({ 'RayJob spec.submitterPodTemplate.spec': [] });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
    // The submitter pod KubeRay v1.7.0 would run without submitterPodTemplate (job.go GetSubmitterTemplate).
    const kuberayDefault = {
      containers: [{ name: 'ray-job-submitter', image: TRN1_IMAGE, resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } } }],
      restartPolicy: 'Never',
    };
    expect(checkRestricted(kuberayDefault)).toEqual([
      'container "ray-job-submitter": securityContext.allowPrivilegeEscalation must be false',
      'container "ray-job-submitter": securityContext.capabilities.drop must include ALL',
      'container "ray-job-submitter": securityContext.runAsNonRoot must be true (on the container or the pod)',
      'container "ray-job-submitter": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
    ]);
  });
});
