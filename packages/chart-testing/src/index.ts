export * from './chart-suite';
export * from './chart-under-test';
export * from './policies';
