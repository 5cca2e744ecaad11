export * from './pod-template';
export * from './kubernetes';
export * from './workload-kind';
export * from './jobset';
export * from './leader-worker-set';
export * from './pytorch-job';
export * from './ray';
export * from './custom-workload';
