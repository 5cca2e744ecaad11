export * from './access-mode';
export * from './claim';
export * from './claimed-storage';
export * from './cluster-scoped';
export * from './persistent-volume';
export * from './rules';
export * from './storage-class';
export * from './tier';
