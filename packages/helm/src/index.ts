export * from './chart-files';
export * from './helm-cli';
export * from './resolve';
export * from './synth';
export * from './template';
export * from './values';
export * from './workload-chart';
export * from './write-tree';
