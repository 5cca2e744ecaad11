export * from './cluster';
export * from './helm-controller';
export * from './job-controller';
export * from './karpenter';
