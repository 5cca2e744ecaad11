export * from './annotations';
export * from './constraint';
export * from './token';
export * from './marks';
export * from './pod-templates';
export * from './problem';
export * from './mounts';
export * from './forms';
