export * from './generate';
export * from './workspace';
export * from './publish';
