export * from './generate';
export * from './workspace';
export * from './publish';
export * from './chart-cache';
export * from './synthesize';
export * from './explain';
export * from './strata-args';
