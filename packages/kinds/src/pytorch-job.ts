import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PyTorchJobSpec, toJson_PyTorchJobSpec } from '@strata/crd-types/pytorch-job';
import { Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * The container the training operator configures (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK,
 * PET_*): kubeflow/trainer@v1.9.4 pkg/apis/kubeflow.org/v1/pytorch_types.go
 * `PyTorchJobDefaultContainerName`; pkg/controller.v1/pytorch/envvar.go sets the variables only
 * in a container of this name.
 */
export const PYTORCH_CONTAINER = 'pytorch';

/** The label the training operator gives each pod with its index among its replica type (kubeflow/trainer@v1.9.4 pkg/apis/kubeflow.org/v1/common_types.go `ReplicaIndexLabel`). */
export const REPLICA_INDEX_LABEL = 'training.kubeflow.org/replica-index';

export interface PyTorchJobProps extends WorkloadKindProps {
  /** Worker replicas besides the master (`pytorchReplicaSpecs.Worker.replicas`). @default 1 */
  readonly workers?: number;
  /**
   * Processes per node (`nprocPerNode`): torchrun's `--nproc-per-node`, usually the GPUs per pod.
   * @default - the operator's ("auto")
   */
  readonly procsPerNode?: number;
  /**
   * Pod retries of the whole job before it fails (`runPolicy.backoffLimit`).
   * @default 3
   */
  readonly backoffLimit?: number;
  /** The master's pod (rank 0). @default - add containers to `master` */
  readonly master?: PodTemplateProps;
  /** The workers' pod (ranks 1…workers). @default - add containers to `worker` */
  readonly worker?: PodTemplateProps;
  /**
   * Other fields of the PyTorchJob spec, as the upstream CRD types them (elasticPolicy…). Fields
   * strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<PyTorchJobSpec, 'pytorchReplicaSpecs'>;
}

/** The PyTorchJob spec fields strata writes, and the prop that sets each. */
const PYTORCH_OWNED = {
  pytorchReplicaSpecs: 'use master, worker and workers',
  nprocPerNode: 'use procsPerNode',
  runPolicy: 'use backoffLimit (strata sets cleanPodPolicy None and never a TTL: a finished job deleted by it would run again)',
};

/**
 * A PyTorchJob of the Kubeflow training operator v1 (kubeflow.org/v1; kubeflow/trainer
 * release-1.9, still the most deployed): a master and workers running torchrun, told their
 * rank by the operator. The trainer container of each template must be named "pytorch".
 *
 * A PyTorchJob runs to completion: in a chart it is named by its content, like a Job, so an
 * upgrade that changes it starts a new run and one that does not leaves a finished run alone. No
 * `ttlSecondsAfterFinished`: a finished job is the record that its work is done.
 */
export class PyTorchJob extends WorkloadKind {
  public readonly master: PodTemplate;
  public readonly worker: PodTemplate;
  public readonly workers: number;
  private readonly props: PyTorchJobProps;

  public constructor(scope: Construct, id: string, props: PyTorchJobProps = {}) {
    super(scope, id, { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', operator: 'training-operator' }, { given: props.metadata });
    this.props = props;
    this.workers = props.workers ?? 1;
    this.rules.check('workers', this.workers, { minimum: 0, maximum: 10000, multipleOf: 1 }, 'run whole workers', 'a whole number between 0 and 10000');
    this.rules.check('backoffLimit', props.backoffLimit ?? 3, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry a few times at most', 'a whole number between 0 and 100');
    if (props.procsPerNode !== undefined) this.rules.check('procsPerNode', props.procsPerNode, { minimum: 1, maximum: 1024, multipleOf: 1 }, 'run at least one process per node', 'a whole number, usually the GPUs per pod');
    // OnFailure restarts a failed container in place: a pod that loses its node is recreated by the operator.
    this.checkExtra('spec', props.spec, PYTORCH_OWNED);
    this.master = this.template('master', props.master ?? {}, props.master?.restartPolicy ?? plus.RestartPolicy.ON_FAILURE);
    this.worker = this.template('worker', props.worker ?? {}, props.worker?.restartPolicy ?? plus.RestartPolicy.ON_FAILURE);
    this.node.addValidation({ validate: () => this.validateContainers() });
  }

  public get podSets(): readonly PodSet[] {
    // The operator's RANK is set only in the "pytorch" container; helpers read the replica index
    // label instead: the master is rank 0, worker i is rank i + 1 (pkg/controller.v1/pytorch/envvar.go).
    const index = { PYTORCH_REPLICA_INDEX: plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_LABEL, { key: REPLICA_INDEX_LABEL }) };
    return [
      { name: 'master', pod: this.master, count: 1, container: PYTORCH_CONTAINER, rank: { ranks: 1, expression: '0', env: {} } },
      { name: 'worker', pod: this.worker, count: this.workers, container: PYTORCH_CONTAINER, rank: { ranks: this.workers, expression: 'PYTORCH_REPLICA_INDEX + 1', env: index } },
    ];
  }

  private validateContainers(): string[] {
    const errors: string[] = [];
    for (const t of [this.master, this.worker]) {
      if (!t.containers.some((c) => c.name === PYTORCH_CONTAINER)) {
        errors.push(
          `${t.node.id} has no container named "${PYTORCH_CONTAINER}" (${t.containers.map((c) => c.name).join(', ') || 'none'}): the training operator sets MASTER_ADDR, WORLD_SIZE and RANK only there; name the trainer container "${PYTORCH_CONTAINER}"`,
        );
      }
    }
    return errors;
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      ...toJson_PyTorchJobSpec(this.props.spec as PyTorchJobSpec),
      nprocPerNode: this.props.procsPerNode === undefined ? undefined : `${this.props.procsPerNode}`,
      runPolicy: { backoffLimit: this.props.backoffLimit ?? 3, cleanPodPolicy: 'None' },
      pytorchReplicaSpecs: compact({
        Master: { replicas: 1, restartPolicy: 'OnFailure', template: this.master.toTemplate() },
        Worker: Tokens.isToken(this.workers) || this.workers > 0 ? { replicas: this.workers, restartPolicy: 'OnFailure', template: this.worker.toTemplate() } : undefined,
      }),
    });
  }
}
