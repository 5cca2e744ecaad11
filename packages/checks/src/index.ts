export * from './lifecycle';
export * from './pod-templates';
export * from './quantity';
export * from './references';
export * from './scheduling';
export * from './upgrade';
