export * from './lifecycle';
export * from './pod-security';
export * from './quantity';
export * from './references';
export * from './scheduling';
export * from './upgrade';
// The pod-template table lives in @strata/tokens (constructs and writers share it); checks name it too.
export type { Manifest, PodTemplate, PodTemplateKind } from '@strata/tokens';
export { ownerOf, podTemplatesOf, POD_TEMPLATE_KINDS } from '@strata/tokens';
export * from './crd-immutable';
export * from './cloud-values';
