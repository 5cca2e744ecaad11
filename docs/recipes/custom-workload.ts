// Recipe: any other CRD — a CustomWorkload declares where its pod templates are (and which fields
// count its pods); tiers, patterns and every check of generate then reach those pods. The
// declaration is recorded in Chart.yaml (strata.dev/pod-templates) for generate's checks.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { CustomWorkload } from '@strata/kinds';
import { containerProps, DEFAULT_USER } from '@strata/patterns';
import { Efs } from '@strata/storage';

export default class CustomTrainingChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'custom-training', description: 'A TrainingWorkload of example.com with an EFS volume.' }, props);

    const w = new CustomWorkload(this, 'train', {
      apiVersion: 'example.com/v1',
      kind: 'TrainingWorkload',
      operator: 'example-operator', // recorded as operator:example-operator in Chart.yaml's strata.dev/uses
      // `[]`: each item of the list; the count of pods is read from the same item.
      podTemplates: [{ path: 'spec.roles[].template', replicas: ['spec.roles[].replicas'] }],
      spec: { roles: [{ name: 'trainer', replicas: 4 }] },
    });
    const trainer = w.addPodTemplate('spec.roles[0].template', {
      name: 'trainer',
      securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER },
    });
    const c = trainer.addContainer(containerProps('trainer', { image: 'registry.example.com/trainer:1.0', cpu: plus.Cpu.units(8), memory: Size.gibibytes(64) }));
    Efs.fromStorageClass(this, 'shared', { storageClass: { name: 'strata-efs' } }).mount(c, '/shared');
  }
}
