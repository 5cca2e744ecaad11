export * from './generate';
export * from './workspace';
