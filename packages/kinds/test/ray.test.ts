import { Duration, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { WorkloadChart } from '@strata/helm';
import { RayClusterSpecHeadGroupSpecIngressOptionsPathType } from '@strata/crd-types/ray-cluster';
import { Manifest } from '@strata/tokens';
import { PodTemplate, RayCluster, RayJob, RayService, RayWorkload } from '../src';
import { demoChart, errorsOf, podsOf, render } from './testing';

const IMAGE = 'rayproject/ray:2.49.0';
const SECURITY: plus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: 1000,
  group: 100,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [plus.Capability.ALL] },
  seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** A restricted Ray container with requests and the /tmp Ray writes its session under. */
function rayContainer(t: PodTemplate, name: string, image = IMAGE): plus.Container {
  const c = t.addContainer({ name, image, imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: SECURITY, resources: { cpu: { request: plus.Cpu.units(2) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } } });
  c.mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
  return c;
}

function rayPods<T extends RayWorkload>(ray: T): T {
  rayContainer(ray.head, 'ray-head');
  rayContainer(ray.addWorkerGroup('cpu', { replicas: 2 }).template, 'ray-worker');
  return ray;
}

const SERVE = 'applications: []\n';
const headGroupOf = (o: Manifest) => ({ ...(o.spec.rayClusterConfig ?? o.spec.rayClusterSpec ?? o.spec).headGroupSpec, template: undefined });

describe('Ray head: every field of headGroupSpec but its template, typed from the CRD', () => {
  test('rayStartParams, the head Service, its type, an ingress, Ray resources and labels are written as the CRD has them', () => {
    const chart = demoChart();
    rayPods(
      new RayCluster(chart, 'ray', {
        rayVersion: '2.49.0',
        head: {
          rayStartParams: { 'dashboard-host': '0.0.0.0', 'num-cpus': '0' },
          headService: { metadata: { name: 'vllm', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } } },
          serviceType: 'LoadBalancer',
          enableIngress: true,
          ingressOptions: { host: 'ray.example.com', path: '/', pathType: RayClusterSpecHeadGroupSpecIngressOptionsPathType.PREFIX },
          resources: { CPU: '0' },
          labels: { 'ray.io/market-type': 'on-demand' },
        },
      }),
    );
    const [o] = render(chart);
    expect(headGroupOf(o)).toEqual({
      rayStartParams: { 'dashboard-host': '0.0.0.0', 'num-cpus': '0' },
      headService: { metadata: { name: 'vllm', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } } },
      serviceType: 'LoadBalancer',
      enableIngress: true,
      ingressOptions: { host: 'ray.example.com', path: '/', pathType: 'Prefix' },
      resources: { CPU: '0' },
      labels: { 'ray.io/market-type': 'on-demand' },
      template: undefined,
    });
    podsOf([o]);
  });

  test('headGroupSpec given in cluster is refused, naming the prop that takes its fields; a head Service type without pods is refused', () => {
    const chart = demoChart();
    rayPods(new RayCluster(chart, 'ray', { rayVersion: '2.49.0', head: { serviceType: 'ExternalName' }, cluster: { headGroupSpec: { serviceType: 'NodePort' } } as never }));
    expect(errorsOf(chart)).toEqual([
      `[demo/ray] 'cluster.headGroupSpec' ("given") must be unset here; use head: it takes headGroupSpec's fields (rayStartParams, headService, serviceType, enableIngress, ingressOptions, resources, labels), and its pod as head.pod`,
      `[demo/ray] 'head.serviceType' ("ExternalName") must be one of ClusterIP, NodePort, LoadBalancer; workers reach the head through it`,
    ]);
  });
});

describe('RayService spec: the CRD\'s fields, the deprecated thresholds refused', () => {
  test('fields strata has no prop for are written as the CRD has them', () => {
    const chart = demoChart();
    rayPods(new RayService(chart, 'serve', { rayVersion: '2.49.0', serveConfig: SERVE, spec: { excludeHeadPodFromServeSvc: true, rayClusterDeletionDelaySeconds: 120 } }));
    const [o] = render(chart);
    expect({ ...o.spec, rayClusterConfig: undefined }).toEqual({
      excludeHeadPodFromServeSvc: true,
      rayClusterDeletionDelaySeconds: 120,
      serveConfigV2: SERVE,
      upgradeStrategy: { type: 'NewCluster' },
      rayClusterConfig: undefined,
    });
  });

  test('the thresholds KubeRay v1.7.0 no longer reads, what strata writes, and a head Service name KubeRay refuses are errors saying why', () => {
    const chart = demoChart();
    rayPods(
      new RayService(chart, 'serve', {
        rayVersion: '2.49.0',
        serveConfig: SERVE,
        head: { headService: { metadata: { name: 'vllm' } } },
        spec: { serviceUnhealthySecondThreshold: 1800, deploymentUnhealthySecondThreshold: 1800, upgradeStrategy: {} },
      }),
    );
    const deprecated =
      'deprecated upstream: KubeRay v1.7.0 does not read it (ray-operator/apis/ray/v1/rayservice_types.go, ray-project/kuberay#1685) and no longer replaces a cluster whose Serve applications are unhealthy; ' +
      'a model that loads for long needs nothing, and to fail a RayService whose cluster is not ready in time give the annotation ray.io/initializing-timeout in metadata';
    expect(errorsOf(chart)).toEqual([
      `[demo/serve] 'spec.serviceUnhealthySecondThreshold' (1800) must be unset here; ${deprecated}`,
      `[demo/serve] 'spec.deploymentUnhealthySecondThreshold' (1800) must be unset here; ${deprecated}`,
      `[demo/serve] 'spec.upgradeStrategy' ("given") must be unset here; strata writes { type: NewCluster }: a changed cluster starts a new one and takes the traffic once its Serve applications are healthy`,
      `[demo/serve] 'head.headService.metadata.name' ("vllm") must be unset for a RayService; KubeRay v1.7.0 refuses it (utils/validation.go ValidateRayServiceSpec): it names the head Services after the RayService; point clients at the serve Service <name>-serve-svc`,
    ]);
  });

  test('ray.io/initializing-timeout, the deadline KubeRay v1.7.0 has instead, is checked as KubeRay reads it', () => {
    const ok = demoChart();
    rayPods(new RayService(ok, 'serve', { rayVersion: '2.49.0', serveConfig: SERVE, metadata: { annotations: { 'ray.io/initializing-timeout': '45m' } } }));
    expect(render(ok)[0].metadata.annotations).toEqual({ 'ray.io/initializing-timeout': '45m' });
    const bad = demoChart();
    rayPods(new RayService(bad, 'serve', { rayVersion: '2.49.0', serveConfig: SERVE, metadata: { annotations: { 'ray.io/initializing-timeout': 'soon' } } }));
    expect(errorsOf(bad)).toEqual([
      `[demo/serve] 'metadata.annotations.ray.io/initializing-timeout' ("soon") must be a duration such as "30m" or "1h30m", or a whole number of seconds; KubeRay refuses the RayService otherwise (utils/validation.go validateInitializingTimeout)`,
    ]);
  });
});

describe('Ray autoscaling as a chart value', () => {
  test('written as the value holds it, with the autoscaler made restricted and the head mounting its token whatever it holds', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' });
    const autoscaling = chart.values.boolean('autoscaling', { default: false, description: 'Let Ray scale the workers.' });
    rayPods(new RayService(chart, 'serve', { rayVersion: '2.49.0', serveConfig: SERVE, autoscaling }));
    for (const on of [true, false]) {
      const cluster = render(chart, { autoscaling: on })[0].spec.rayClusterConfig;
      expect(cluster.enableInTreeAutoscaling).toBe(on);
      expect(cluster.autoscalerOptions).toEqual({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
      expect(cluster.headGroupSpec.template.spec.automountServiceAccountToken).toBe(true);
    }
  });
});

/** strata's default submitter pod for a head running IMAGE as uid 1000, gid 100 (the Ray images' user). */
function defaultSubmitter(component: RegExp, image = IMAGE, user: { runAsUser?: number; runAsGroup?: number } = { runAsUser: 1000, runAsGroup: 100 }, pullPolicy: string | undefined = 'IfNotPresent') {
  return {
    metadata: { labels: { 'app.kubernetes.io/component': expect.stringMatching(component), 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo' } },
    spec: {
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'ray-job-submitter',
          image,
          ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}),
          resources: { limits: { cpu: '1', memory: '1024Mi' }, requests: { cpu: '500m', 'ephemeral-storage': '1Gi', memory: '200Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            ...user,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [{ mountPath: '/tmp', name: 'ray-job-submitter-tmp' }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      hostNetwork: false,
      restartPolicy: 'Never',
      securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
      setHostnameAsFQDN: false,
      terminationGracePeriodSeconds: 30,
      volumes: [{ name: 'ray-job-submitter-tmp', emptyDir: { sizeLimit: '1024Mi' } }],
    },
  };
}

describe('RayJob submitter: a restricted submitterPodTemplate by default, which the checks reach', () => {
  test("KubeRay's default submitter (ray-job-submitter, the head's image, its requests and limits) made restricted, as the head's user, with a /tmp for ray job submit", () => {
    const chart = demoChart();
    const job = rayPods(new RayJob(chart, 'prep', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py' }));
    const [o] = render(chart);
    expect(o.spec.submissionMode).toBe('K8sJobMode');
    expect(o.spec.submitterPodTemplate).toEqual(defaultSubmitter(/^demo-prep-submitter-[0-9a-f]{8}$/));
    // Every check reaches it (Pod Security restricted and requests are held by podsOf), one pod.
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([
      ['spec.rayClusterSpec.headGroupSpec.template.spec', 1],
      ['spec.rayClusterSpec.workerGroupSpecs[0].template.spec', 2],
      ['spec.submitterPodTemplate.spec', 1],
    ]);
    // It runs `ray job submit` only: patterns act on the Ray pods.
    expect(job.podSets.map((s) => s.name)).toEqual(['head', 'cpu']);
  });

  test('a PodTemplate to add to: pod props reach it, and a container of yours replaces the default', () => {
    const chart = demoChart();
    const account = plus.ServiceAccount.fromServiceAccountName(chart, 'submitter-account', 'ray-submitter');
    const job = rayPods(new RayJob(chart, 'prep', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py', submitter: { serviceAccount: account, metadata: { labels: { team: 'data' } } } }));
    job.submitter.addContainer({
      name: 'submit',
      image: 'registry.example.com/ray-cli:2.49.0',
      command: ['/bin/sh', '-c', 'ray job submit --address http://$RAY_DASHBOARD_ADDRESS --submission-id $RAY_JOB_SUBMISSION_ID -- python /app/prep.py'],
      securityContext: SECURITY,
      resources: { cpu: { request: plus.Cpu.millis(200) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
    });
    const t = render(chart)[0].spec.submitterPodTemplate;
    expect(t.metadata.labels.team).toBe('data');
    expect(t.spec.serviceAccountName).toBe('ray-submitter');
    expect(t.spec.containers.map((c: any) => [c.name, c.image])).toEqual([['submit', 'registry.example.com/ray-cli:2.49.0']]);
    expect(t.spec.volumes).toBeUndefined();
  });

  test('throws: what KubeRay sets in the submitter given by hand, a restart policy a Job refuses, a head without the image to take', () => {
    const chart = demoChart();
    const job = rayPods(new RayJob(chart, 'prep', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py', submitter: { restartPolicy: plus.RestartPolicy.ALWAYS } }));
    job.submitter.addContainer({ name: 'submit', image: IMAGE, envVariables: { RAY_DASHBOARD_ADDRESS: plus.EnvValue.fromValue('ray-head:8265'), PYTHONUNBUFFERED: plus.EnvValue.fromValue('0') }, securityContext: SECURITY });
    expect(errorsOf(chart)).toEqual([
      "[demo/prep] submitter's restartPolicy (Always) must be Never or OnFailure: KubeRay runs the submitter as a Job",
      '[demo/prep] container submit of submitter sets RAY_DASHBOARD_ADDRESS, PYTHONUNBUFFERED: KubeRay appends its own after the template\'s (ray-operator/controllers/ray/rayjob_controller.go configureSubmitterContainer), which shadow them; remove them',
    ]);
    const chart2 = demoChart();
    new RayJob(chart2, 'prep', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py' });
    expect(errorsOf(chart2)).toEqual([
      '[demo/prep] head has no container; add the Ray container with head.addContainer(…) (KubeRay runs ray start in the first container)',
      "[demo/prep] submitter has no container, and the head has none to take the image from; add the head's Ray container first, or add a container to submitter",
    ]);
  });
});

describe('RayJob.onCluster: a job on an existing RayCluster (clusterSelector)', () => {
  test('on a RayCluster of the chart: clusterSelector by its name, no cluster of its own, only the submitter (its image the cluster head\'s)', () => {
    const chart = demoChart();
    const cluster = rayPods(new RayCluster(chart, 'ray', { rayVersion: '2.49.0' }));
    const job = RayJob.onCluster(chart, 'prep', { cluster, entrypoint: 'python /app/prep.py', runtimeEnvYAML: 'working_dir: /app\n', deadline: Duration.hours(2), metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'batch' } } });
    const objects = render(chart);
    const o = objects.find((x) => x.kind === 'RayJob')!;
    expect(o.metadata.name).toMatch(/^rel-demo-prep-[0-9a-f]{8}$/);
    expect(o.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    expect(o.spec).toEqual({
      entrypoint: 'python /app/prep.py',
      runtimeEnvYAML: 'working_dir: /app\n',
      activeDeadlineSeconds: 7200,
      submissionMode: 'K8sJobMode',
      clusterSelector: { 'ray.io/cluster': 'rel-demo-ray' },
      submitterPodTemplate: defaultSubmitter(/^demo-prep-submitter-[0-9a-f]{8}$/),
    });
    expect(objects.find((x) => x.kind === 'RayCluster')!.metadata.name).toBe('rel-demo-ray');
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([['spec.submitterPodTemplate.spec', 1]]);
    expect(job.podSets).toEqual([]);
  });

  test('on a RayCluster made elsewhere: by name, the default submitter running its head\'s image', () => {
    const chart = demoChart();
    RayJob.onCluster(chart, 'prep', { cluster: { name: 'shared-ray', image: 'rayproject/ray:2.49.0-py311' }, entrypoint: 'python /app/prep.py', submitter: { securityContext: { ensureNonRoot: true, user: 1000, group: 100 } } });
    const [o] = render(chart);
    expect(o.spec.clusterSelector).toEqual({ 'ray.io/cluster': 'shared-ray' });
    expect(o.spec.submitterPodTemplate.spec.containers[0]).toMatchObject({ name: 'ray-job-submitter', image: 'rayproject/ray:2.49.0-py311' });
    expect(o.spec.submitterPodTemplate.spec.securityContext).toEqual({ fsGroupChangePolicy: 'Always', runAsGroup: 100, runAsNonRoot: true, runAsUser: 1000 });
    podsOf([o]);
  });

  test('throws: a cluster of another chart, a name that is no RayCluster\'s, no image for the submitter', () => {
    const other = demoChart();
    const cluster = rayPods(new RayCluster(other, 'ray', { rayVersion: '2.49.0' }));
    const chart = demoChart();
    RayJob.onCluster(chart, 'a', { cluster, entrypoint: 'python a.py' });
    RayJob.onCluster(chart, 'b', { cluster: { name: 'Shared_Ray', image: '' }, entrypoint: '' });
    expect(errorsOf(chart)).toEqual([
      "[demo/a] 'cluster' is RayCluster demo/ray, of another chart: its name is its own release's; refer to it by name ({ name, image })",
      `[demo/b] 'entrypoint' ("") must be the command the job runs; e.g. "python /app/prep.py"`,
      `[demo/b] 'cluster.name' ("Shared_Ray") must be the name of a RayCluster: a lowercase DNS label; e.g. "kuberay-trn1"`,
      `[demo/b] 'cluster.image' ("") must be the image of the cluster's head; the default submitter runs ray job submit from it`,
    ]);
  });
});
