import { PodSurface, restrictPodSpec } from '../src';

const surface: PodSurface = { name: "a TrainJob's runtimePatches", podFields: ['containers', 'volumes', 'tolerations'], containerFields: ['name', 'env', 'volumeMounts'], elsewhere: 'on the TrainingRuntime' };

describe('restrictPodSpec', () => {
  test('keeps what the surface takes, drops cdk8s-plus defaults and what the kind sets itself, refuses the rest with where to set it', () => {
    const { spec, refused } = restrictPodSpec(
      {
        restartPolicy: 'Never',
        dnsPolicy: 'ClusterFirst',
        hostNetwork: false,
        hostIPC: true,
        volumes: [{ name: 'data' }],
        containers: [{ name: 'node', imagePullPolicy: 'Always', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] }],
      },
      surface,
      ['restartPolicy'],
    );
    expect(spec).toEqual({ volumes: [{ name: 'data' }], containers: [{ name: 'node', env: [{ name: 'A', value: '1' }] }] });
    expect(refused).toEqual([
      `a TrainJob's runtimePatches takes only containers, volumes, tolerations: 'hostIPC' (true) cannot be set there; set it on the TrainingRuntime`,
      `a TrainJob's runtimePatches takes only name, env, volumeMounts of a container: 'containers[node].ports' ([{"containerPort":8080}]) cannot be set there; set it on the TrainingRuntime`,
    ]);
  });

  test('a default of cdk8s-plus set to another value is the user\'s: refused', () => {
    expect(restrictPodSpec({ dnsPolicy: 'None' }, surface).refused).toEqual([
      `a TrainJob's runtimePatches takes only containers, volumes, tolerations: 'dnsPolicy' ("None") cannot be set there; set it on the TrainingRuntime`,
    ]);
  });
});
