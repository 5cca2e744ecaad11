/**
 * The claim a scaffold's chart makes for its storage, by pattern and tier: the name the
 * environment report's storage tables list and a `storageProfile` is keyed by. Known before the
 * chart is synthesized because the generator picks both: the pattern's construct names its claim
 * after its id and the volume it makes (DistributedDataset 'dataset' → dataset/fsx,
 * TrainingCheckpoint 'checkpoints' → checkpoints/scratch), a tier construct after its own id
 * (the templates' 'model-cache', 'data', 'scratch'). test/generators/scaffold-claims.test.ts holds it
 * to every scaffold, synthesized.
 */
import { PatternOption, StorageTierOption } from '../storage-tiers';

export function scaffoldClaim(pattern: PatternOption, storage: StorageTierOption): string {
  switch (pattern) {
    case 'model-repository':
      return 'model-cache';
    case 'training-checkpoint':
      return 'checkpoints/scratch';
    case 'distributed-dataset':
      return 'dataset/fsx';
    default:
      return storage === 'instance-store' ? 'scratch' : 'data';
  }
}
