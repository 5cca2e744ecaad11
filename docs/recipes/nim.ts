// Recipe: NVIDIA NIM — a NIMCache whose Job downloads the model profiles from NGC once into an EFS
// claim, and a NIMService serving them on GPUs. The NIM operator's pods cannot meet Pod Security
// "restricted": both kinds must be told the level their namespace enforces (baseline), which the
// chart records so that environments label that namespace so — give such a workload its own namespace.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { NIMCache, NimModelStore, NIMService } from '@strata/kinds';
import { Efs, PodSecurityLevel } from '@strata/storage';

export default class NimChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'nim', description: 'An NVIDIA NIM: profiles cached from NGC into EFS, served on GPUs.' }, props);
    const image = { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.8.4', pullSecrets: ['ngc-secret'] };

    const cache = new NIMCache(this, 'cache', {
      // The Secrets (the NGC API key, the nvcr.io pull secret) are made outside the chart: declare
      // them in the environment's `external` so generate's reference check knows them.
      source: { ngc: { authSecret: 'ngc-api-secret', pullSecret: 'ngc-secret', modelPuller: `${image.repository}:${image.tag}`, model: { engine: 'tensorrt_llm', tensorParallelism: '1', gpus: [{ product: 'a10g' }] } } },
      storage: Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: 'strata-efs' } }),
      resources: { cpu: plus.Cpu.units(4), memory: Size.gibibytes(16) },
      nodeSelector: {}, // the download needs no GPU: any node (the operator's default wants Node Feature Discovery's label)
      namespacePodSecurity: PodSecurityLevel.BASELINE,
    });
    new NIMService(this, 'nim', {
      image,
      authSecret: 'ngc-api-secret',
      storage: NimModelStore.fromCache(cache),
      gpus: 1,
      replicas: 2,
      sharedMemory: Size.gibibytes(16),
      resources: { cpu: { request: plus.Cpu.units(8) }, memory: { request: Size.gibibytes(48), limit: Size.gibibytes(48) } },
      namespacePodSecurity: PodSecurityLevel.BASELINE,
    });
  }
}
