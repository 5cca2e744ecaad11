export * from './cloudwatch-alarms';
export * from './dashboard';
export * from './files';
export * from './prometheus-rules';
export * from './settings';
export * from './sources';
export * from './targets';
