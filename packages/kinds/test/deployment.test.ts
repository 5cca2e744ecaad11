import { Duration, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { LifecycleEnvironment, lifecycleFacts, lifecycleFindings, Manifest } from '@strata/checks';
import { WorkloadChart } from '@strata/helm';
import { INIT_SECONDS_ANNOTATION } from '@strata/tokens';
import { Deployment } from '../src';
import { demoChart, render } from './testing';

/** A Pod Security "restricted" container with requests, serving on a port (so cdk8s-plus gives it a TCP startup probe). */
function server(extra: Partial<plus.ContainerProps> = {}): plus.ContainerProps {
  return {
    name: 'server',
    image: 'registry.example.com/server:1.0',
    portNumber: 8080,
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
    resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    ...extra,
  };
}

const deploymentOf = (objects: Manifest[]) => objects.find((o) => o.kind === 'Deployment')!;

/** The release-waits findings of one release holding these objects, as generate runs them. */
function releaseWaits(objects: Manifest[]): string[] {
  const env: LifecycleEnvironment = {
    name: 'dev',
    file: 'environments/dev/environment.ts',
    releases: [
      {
        chart: 'demo',
        releaseName: 'rel',
        namespace: 'ml',
        layer: 'app',
        helmRelease: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'rel', namespace: 'ml' }, spec: { releaseName: 'rel', timeout: '2h' } },
        facts: lifecycleFacts(objects),
      },
    ],
    controllers: new Map(),
    nodeGroups: [],
  };
  return lifecycleFindings(env).filter((f) => f.rule === 'release-waits').map((f) => f.message);
}

describe('Deployment: progressDeadlineSeconds follows the pods’ start unless given', () => {
  test('a container with a port (cdk8s-plus’s 30 s TCP startup probe): 600 + 30 = 630, which the lifecycle check accepts; cdk8s-plus’s fixed 600 is refused', () => {
    const chart = demoChart();
    new Deployment(chart, 'web', { replicas: 1, securityContext: { ensureNonRoot: true } }).addContainer(server());
    const objects = render(chart);
    expect(deploymentOf(objects).spec.progressDeadlineSeconds).toBe(630);
    expect(deploymentOf(objects).spec.template.spec.containers[0].startupProbe).toEqual({ failureThreshold: 3, tcpSocket: { port: 8080 } });
    expect(releaseWaits(objects)).toEqual([]);

    const plain = demoChart();
    new plus.Deployment(plain, 'web', { replicas: 1, securityContext: { ensureNonRoot: true } }).addContainer(server());
    expect(releaseWaits(render(plain))).toEqual([
      "environments/dev/environment.ts: [release-waits] Deployment ml/rel-demo-web: progressDeadlineSeconds (600) is shorter than a new pod's start (630 s: 600 for a node and image, 0 in init containers, 30 for the startup probe): Kubernetes marks the rollout ProgressDeadlineExceeded, which helm-controller (kstatus) reads as Failed; raise progressDeadlineSeconds to at least 630",
    ]);
  });

  test('without a startup probe: 600 (a node and image)', () => {
    const chart = demoChart();
    new Deployment(chart, 'worker', { replicas: 1, securityContext: { ensureNonRoot: true } }).addContainer(server({ portNumber: undefined }));
    expect(deploymentOf(render(chart)).spec.progressDeadlineSeconds).toBe(600);
  });

  test('a gate in init containers and a long startup probe, both added after the Deployment: 600 + 1800 + (60 + 10 × 180) = 4260, the longest probe of the containers', () => {
    const chart = demoChart();
    const d = new Deployment(chart, 'server', { replicas: 1, securityContext: { ensureNonRoot: true } });
    d.addContainer(server({ startup: plus.Probe.fromTcpSocket({ port: 8080, initialDelaySeconds: Duration.seconds(60), periodSeconds: Duration.seconds(10), failureThreshold: 180 }) }));
    d.addContainer(server({ name: 'sidecar', portNumber: 9090 }));
    d.podMetadata.addAnnotation(INIT_SECONDS_ANNOTATION, '1800');
    const objects = render(chart);
    expect(deploymentOf(objects).spec.progressDeadlineSeconds).toBe(4260);
    expect(releaseWaits(objects)).toEqual([]);
  });

  test('a startup probe bound to chart values: a formula Helm computes, for any values', () => {
    for (const [threshold, expected] of [[undefined, 600 + 10 * 60], [360, 600 + 10 * 360]] as const) {
      // No values given to the chart: its values are tokens, as the chart writer sees them.
      const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' });
      const failures = chart.values.integer('server.startupFailures', { default: 60, minimum: 1, maximum: 1000, description: 'Startup probe failures allowed.' });
      new Deployment(chart, 'web', { replicas: 1, securityContext: { ensureNonRoot: true } }).addContainer(
        server({ startup: plus.Probe.fromTcpSocket({ port: 8080, periodSeconds: Duration.seconds(10), failureThreshold: failures }) }),
      );
      const objects = render(chart, threshold === undefined ? {} : { server: { startupFailures: threshold } });
      expect(deploymentOf(objects).spec.progressDeadlineSeconds).toBe(expected);
      expect(releaseWaits(objects)).toEqual([]);
    }
  });

  test('a given progressDeadline is kept (the lifecycle check holds it to the start)', () => {
    const chart = demoChart();
    const d = new Deployment(chart, 'web', { replicas: 1, securityContext: { ensureNonRoot: true }, progressDeadline: Duration.minutes(20) });
    d.addContainer(server());
    expect(d.progressDeadlineDerived).toBe(false);
    expect(deploymentOf(render(chart)).spec.progressDeadlineSeconds).toBe(1200);
  });
});
