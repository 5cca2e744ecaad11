/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/training/raytrain-llama2-pretrain-trn1/3-llama2-pretrain-trn1-rayjob.yaml
 * The pre-training step of the Trainium Ray Train blueprint: a RayJob (K8sJobMode) that runs
 * `NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py` in /llama2_pretrain on the RayCluster
 * `kuberay-trn1` (see raytrain-llama2-trn1.test.ts), found by `clusterSelector`.
 *
 * What differs from the original, and why:
 * - GAP: no `clusterSelector`. strata's `RayJob` always brings its own cluster (`rayClusterSpec`,
 *   deleted when the job finishes) and has no way to submit to an existing RayCluster; the
 *   blueprint's three jobs (test data, precompilation, training) share one long-lived cluster. Here
 *   the job gets the same trn1 cluster of its own (trn1-ray-cluster.ts): the compile cache survives on
 *   FSx (/shared), but each job waits for 2 trn1.32xlarge nodes and the cluster is not shared.
 * - `ttlSecondsAfterFinished: 60` is not written: strata gives runs no time to live (a finished run is
 *   the record that its work is done; see docs/lifecycle.md). The RayJob is named by its content.
 * - GAP (checks): the submitter pod is not reached. In K8sJobMode KubeRay starts a Job whose pod,
 *   without `submitterPodTemplate`, is its default (ray-project/kuberay@v1.7.0
 *   ray-operator/controllers/ray/common/job.go `GetSubmitterTemplate`/`GetDefaultSubmitterContainer`:
 *   the head's image, requests 500m/200Mi, no securityContext). strata writes no
 *   `submitterPodTemplate` and `RayJobProps` has none, so no check sees that pod — and it fails Pod
 *   Security restricted: in a restricted namespace the submitter is refused and the job never starts.
 *   The test rebuilds KubeRay's default submitter pod and shows what restricted reports on it.
 * - The cluster's differences are those of raytrain-llama2-trn1.test.ts.
 */
import { checkRestricted } from '@strata/checks';
import { RayJob } from '@strata/kinds';
import { chartFor, one, podCounts, referenceProblems, render, restrictedProblems } from './support';
import { sharedFileSystem, TRN1_CLUSTER, TRN1_IMAGE, trn1Cluster } from './trn1-ray-cluster';

const RUNTIME_ENV = `working_dir: /llama2_pretrain
env_vars:
  PYTHONUNBUFFERED: '0'
`;

function build() {
  const chart = chartFor('raytrain-llama2-job', 'ai-on-eks Llama 2 pre-training job on trn1');
  const job = new RayJob(chart, 'llama2-pretraining-job', { ...TRN1_CLUSTER, entrypoint: 'NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py', runtimeEnvYAML: RUNTIME_ENV });
  trn1Cluster(job, sharedFileSystem(chart));
  return chart;
}

describe('ai-on-eks raytrain-llama2-pretrain-trn1 RayJob', () => {
  test('entrypoint, runtime env and submission mode of the original; a cluster of its own', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    const job = one(objects, 'RayJob');
    expect(job.metadata.name).toMatch(/^rw-raytrain-llama2-job-llama2-pretraining-job-[0-9a-f]{8}$/);
    expect(job.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    expect({ ...job.spec, rayClusterSpec: undefined }).toEqual({
      entrypoint: 'NEURON_NUM_DEVICES=32 python3 ray_train_llama2.py',
      runtimeEnvYAML: RUNTIME_ENV,
      backoffLimit: 0,
      shutdownAfterJobFinishes: true,
      submissionMode: 'K8sJobMode',
      rayClusterSpec: undefined,
    });
    expect(job.spec.clusterSelector).toBeUndefined();
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.submitterPodTemplate).toBeUndefined();
    expect(job.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].resources.limits).toEqual({ 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8, memory: '450560Mi' });
  });

  test("strata's checks: head and workers reached and restricted; KubeRay's submitter pod is not reached, and would fail restricted", () => {
    const { objects } = render(build());
    const reached = { 'RayJob spec.rayClusterSpec.headGroupSpec.template.spec': 1, 'RayJob spec.rayClusterSpec.workerGroupSpecs[0].template.spec': 2 };
    expect(podCounts(objects)).toEqual(reached);
    expect(restrictedProblems(objects)).toEqual(Object.fromEntries(Object.keys(reached).map((k) => [k, []])));
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
    // The submitter pod KubeRay v1.7.0 runs for this RayJob (job.go GetSubmitterTemplate), which no check sees.
    const submitter = {
      containers: [{ name: 'ray-job-submitter', image: TRN1_IMAGE, resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } } }],
      restartPolicy: 'Never',
    };
    expect(checkRestricted(submitter)).toEqual([
      'container "ray-job-submitter": securityContext.allowPrivilegeEscalation must be false',
      'container "ray-job-submitter": securityContext.capabilities.drop must include ALL',
      'container "ray-job-submitter": securityContext.runAsNonRoot must be true (on the container or the pod)',
      'container "ray-job-submitter": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
    ]);
  });
});
