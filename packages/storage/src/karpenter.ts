/**
 * Karpenter's NVMe nodes for the instance-store tier: an `EC2NodeClass` that puts the instance
 * store in a RAID0 holding kubelet (karpenter-node-class.ts), `NodePool`s that launch only instance
 * types with local NVMe (karpenter-node-pool.ts), and the settings platform teams give both, each
 * checked as the CRDs check it and written as a chart value's schema (karpenter-settings.ts,
 * karpenter-shapes.ts).
 */
export * from './karpenter-settings';
export * from './karpenter-shapes';
export * from './karpenter-node-class';
export * from './karpenter-node-pool';
