import { problem, Tokens } from '@strata/tokens';
import { NO_PROXY_ENTRY, PROXY_URL } from './forms';
import { Rules } from './rules';
import { quantity } from './s3-mountpoint-options';
import type { S3MountpointProps } from './s3-mountpoint';

/**
 * The volume attributes (`spec.csi.volumeAttributes`) of a Mountpoint PersistentVolume: every key
 * the driver reads — awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/volumecontext/volume_context.go
 * (bucketName, authenticationSource, stsRegion, the cache keys, mountpointPodServiceAccountName, the
 * Mountpoint container's resources) and `mountpointEnv.<NAME>` (pkg/driver/node/envprovider/provider.go#L33,
 * #L52-L56, #L80-L92: HTTPS_PROXY and NO_PROXY only; any other name fails the mount with
 * "environment variable not allowed"). The driver parses each as it creates the Mountpoint Pod
 * (pkg/podmounter/mppod/creator.go#L104-L415).
 */
export function renderAttributes(rules: Rules, path: string, props: S3MountpointProps): Record<string, string> {
  const a: Record<string, string | undefined> = {
    bucketName: props.bucketName,
    authenticationSource: props.authenticationSource,
    stsRegion: props.stsRegion,
    mountpointPodServiceAccountName: props.mountpointPodServiceAccountName,
  };
  const cache = props.cache;
  if (cache !== undefined) {
    rules.oneOf('cache', cache.type, ['emptyDir', 'ephemeral'], 'the driver knows only these local-cache types');
    a.cache = cache.type;
    if (cache.type === 'emptyDir') {
      rules.check('cacheEmptyDirMedium', cache.medium, { enum: ['', 'Memory'] }, 'leave it unset for node disk (NVMe on RAID0 nodes) or use "Memory"', '"" (node disk) or "Memory"');
      a.cacheEmptyDirSizeLimit = cache.sizeLimit ? quantity(cache.sizeLimit) : undefined;
      a.cacheEmptyDirMedium = cache.medium || undefined;
    } else if (cache.type === 'ephemeral') {
      rules.required('cacheEphemeralStorageClassName', cache.storageClassName, 'set for an ephemeral cache', 'name a StorageClass, e.g. a local NVMe class (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CACHING.md#L88-L90)');
      rules.required('cacheEphemeralStorageResourceRequest', cache.storageRequest, 'set for an ephemeral cache', 'give the cache volume\'s size (storageRequest)');
      a.cacheEphemeralStorageClassName = cache.storageClassName;
      a.cacheEphemeralStorageResourceRequest = cache.storageRequest ? quantity(cache.storageRequest) : undefined;
    }
  }
  const res = props.mountpointContainerResources;
  const requested = res?.requests !== undefined && (res.requests.cpu !== undefined || res.requests.memory !== undefined);
  if (props.reserveHeadroom === true && !requested) {
    rules.fail('mountpointContainerResources.requests', undefined, 'set with reserveHeadroom',
      'a headroom pod requests what the Mountpoint container requests and nothing else (pkg/podmounter/mppod/headroom.go#L39-L109): give its cpu and memory requests');
  } else if (requested && props.reserveHeadroom !== true) {
    rules.warn(problem('mountpointContainerResources.requests', 'set', 'left unset, or reserved with reserveHeadroom',
      'Mountpoint Pods are placed after the workload and may not fit the node (driver issue #543); set limits only, or reserve the room with reserveHeadroom: true'));
  }
  a.mountpointContainerResourcesRequestsCpu = res?.requests?.cpu?.amount;
  a.mountpointContainerResourcesRequestsMemory = res?.requests?.memory ? quantity(res.requests.memory) : undefined;
  a.mountpointContainerResourcesLimitsCpu = res?.limits?.cpu?.amount;
  a.mountpointContainerResourcesLimitsMemory = res?.limits?.memory ? quantity(res.limits.memory) : undefined;

  const proxy = props.proxy;
  if (proxy !== undefined) {
    rules.check('proxy.httpsProxy', proxy.httpsProxy, { pattern: PROXY_URL }, 'give the proxy as a URL; Mountpoint tunnels its HTTPS requests through it');
    a['mountpointEnv.HTTPS_PROXY'] = proxy.httpsProxy;
    const hosts = proxy.noProxy;
    if (hosts !== undefined) {
      if (Tokens.infoOf(hosts)?.kind === 'list') {
        Tokens.check(hosts, { items: { pattern: NO_PROXY_ENTRY } }, `[${path}] proxy.noProxy`);
        a['mountpointEnv.NO_PROXY'] = hosts.join(',');
      } else {
        hosts.forEach((h, i) => rules.check(`proxy.noProxy[${i}]`, h, { pattern: NO_PROXY_ENTRY }, 'one host or domain per item (strata joins them with ",")'));
        if (hosts.length > 0) a['mountpointEnv.NO_PROXY'] = hosts.join(',');
      }
    }
    if (proxy.httpsProxy === undefined && hosts !== undefined) {
      rules.fail('proxy.httpsProxy', undefined, 'set with proxy.noProxy', 'NO_PROXY only lists what bypasses a proxy: give httpsProxy, or drop noProxy');
    }
  }

  const out: Record<string, string> = {};
  for (const key of Object.keys(a).sort()) if (a[key] !== undefined) out[key] = a[key]!;
  return out;
}
