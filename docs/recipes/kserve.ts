// Recipe: KServe — an InferenceService (Standard mode: a Deployment, no Knative) on a ServingRuntime
// of the chart, serving model versions that ModelRepository hydrates from S3 into an EFS cache and
// mounts read-only at /mnt/models, behind a gate that waits for the version's ready marker.
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { InferenceService, KSERVE_CONTAINER, KSERVE_MODEL_DIR, ServingRuntime } from '@strata/kinds';
import { ModelRepository, restrictedSecurityContext, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { Devices, Efs } from '@strata/storage';

export default class KserveChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'kserve-model', description: 'A KServe InferenceService reading model versions hydrated into EFS.' }, props);
    const resources = (cpu: number, gib: number): plus.ContainerResources => ({ cpu: { request: plus.Cpu.units(cpu) }, memory: { request: Size.gibibytes(gib), limit: Size.gibibytes(gib) } });

    // The runtime: KServe's Hugging Face server, its container named as KServe expects.
    const runtime = new ServingRuntime(this, 'huggingface', { supportedModelFormats: [{ name: 'huggingface', version: '1' }], protocolVersions: ['v2', 'v1'] });
    runtime.pod.addContainer({
      name: KSERVE_CONTAINER,
      image: 'docker.io/kserve/huggingfaceserver:v0.20.0-gpu',
      args: ['--model_name=llm', `--model_dir=${KSERVE_MODEL_DIR}`],
      ports: [{ number: 8080, name: 'http' }],
      securityContext: restrictedSecurityContext(),
      resources: resources(1, 2),
    });

    const isvc = new InferenceService(this, 'llm', {
      predictor: {
        minReplicas: 1,
        maxReplicas: 1,
        model: {
          format: { name: 'huggingface', version: '1' },
          runtime,
          container: { args: ['--backend=vllm'], envVariables: { HOME: plus.EnvValue.fromValue('/tmp') }, securityContext: restrictedSecurityContext(), resources: resources(4, 32) },
        },
        pod: { serviceAccount: WorkloadIdentity.serviceAccount(this, 'inference', { annotations: serviceAccountAnnotations(this.values, 'inference') }), securityContext: { ensureNonRoot: true } },
      },
    });
    const server = isvc.modelContainer!;
    server.mount('/tmp', plus.Volume.fromEmptyDir(isvc.predictor, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(20) }));
    Devices.of(isvc.predictor, server).gpus(1);

    new ModelRepository(this, 'models', {
      source: { bucket: 'ml-models', prefix: 'llama-3.1-8b/' },
      version: 'v1',
      cache: Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: 'strata-efs' } }),
      servers: isvc, // the predictor's pods get the gate and the read-only mount
      mountPath: KSERVE_MODEL_DIR,
      region: 'us-east-1',
      hydration: { timeout: Duration.hours(2) },
      serviceAccounts: { hydration: { annotations: serviceAccountAnnotations(this.values, 'hydration') } },
    });
  }
}
