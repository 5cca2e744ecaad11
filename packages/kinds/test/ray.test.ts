import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { WorkloadChart } from '@strata/helm';
import { RayClusterSpecHeadGroupSpecIngressOptionsPathType } from '@strata/crd-types/ray-cluster';
import { Manifest } from '@strata/tokens';
import { PodTemplate, RayCluster, RayService, RayWorkload } from '../src';
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
