import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { describeStorage, markReadOnlyProbe } from '@strata/tokens';
import { Claim } from './claim';
import { Rules } from './rules';
import { IStorageTier, StorageMountOptions, StorageTier, volumeNameFor } from './tier';

/**
 * The shared part of the claim-backed tiers (FSx for Lustre, EFS, Mountpoint S3): one claim,
 * one cdk8s-plus volume made from it (created once), and a mount that checks read-only and
 * subPath use. Tier constructs create `this.claim` in their constructor.
 */
export abstract class ClaimedStorage extends Construct implements IStorageTier {
  public abstract readonly tier: StorageTier;
  public abstract readonly claim: Claim;
  /** The pod-local volume name. */
  public readonly volumeName: string;
  protected readonly rules: Rules;
  private volume?: plus.Volume;

  protected constructor(scope: Construct, id: string, volumeName?: string) {
    super(scope, id);
    this.rules = new Rules(this);
    this.volumeName = volumeName ?? volumeNameFor(id);
  }

  /** The claim's root cannot be written by an arbitrary user: checks only read it. */
  protected probeReadOnly(): void {
    markReadOnlyProbe(this.claim.apiObject);
  }

  /** Records the tier and its facts (capacity, type, throughput; values may be tokens) for charts and reports. */
  protected describe(facts: { readonly [key: string]: unknown }): void {
    describeStorage(this, { tier: this.tier, facts });
  }

  public get writable(): boolean {
    return true;
  }

  public asVolume(): plus.Volume {
    if (!this.volume) {
      const ref = plus.PersistentVolumeClaim.fromClaimName(this, 'ClaimRef', this.claim.name);
      this.volume = plus.Volume.fromPersistentVolumeClaim(this, 'Volume', ref, { name: this.volumeName });
    }
    return this.volume;
  }

  public mount(container: plus.Container, path: string, options: StorageMountOptions = {}): void {
    checkMount(this.rules, path, options);
    if (!this.writable && options.readOnly !== true) {
      this.rules.fail('readOnly', options.readOnly ?? false, `true when mounting ${path} from a read-only volume`, 'pass { readOnly: true } or use a ReadWriteMany volume');
    }
    container.mount(path, this, { readOnly: options.readOnly, subPath: options.subPath });
  }
}

/** Checks a mount path and subPath (shared by every tier). */
export function checkMount(rules: Rules, path: string, options: StorageMountOptions): void {
  if (!path.startsWith('/')) rules.fail('mount path', path, 'an absolute path', `write "/${path}"`);
  if (options.subPath !== undefined) {
    const s = options.subPath;
    if (s.startsWith('/') || s.split('/').includes('..')) {
      rules.fail('subPath', s, 'a relative path without ".."', 'name a directory inside the volume, e.g. "v1/data"');
    }
  }
}
