import { Rules, S3Mountpoint, isAvailabilityZoneId } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { FINAL_MARKER, RANK_SCRIPT, RUN_FINISHED_MARKER } from './scripts';

/**
 * Checkpoints written straight to S3 through Mountpoint — safe only on an S3 Express One Zone
 * directory bucket in an Availability Zone, which is where Mountpoint 1.22.3 (the one the driver
 * v2.7.0 bundles) supports what checkpoint savers do besides writing new files:
 * - renaming a file (a saver's "write a temporary name, then rename"): supported on directory
 *   buckets, atomically and at once; a replacing rename needs `--allow-overwrite`; never on
 *   general purpose buckets (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L20-L26, #L294-L316);
 * - appending (`--incremental-upload`): directory buckets only (#L18, #L211-L217);
 * - neither in a Local Zone (#L28-L29); a directory is never renamed (#L64, #L318).
 * Every file is still written sequentially, once (#L16), so a saver that seeks back into a file
 * it writes, or renames a whole checkpoint directory, fails there too.
 *
 * The layout is the NVMe pattern's, in one place shared by every rank: the run's prefix
 * (CHECKPOINT_DIR) holds `<name>/`, each rank writes its files there and, once they are all
 * closed, the empty marker `<name>/.strata-complete-<rank>`; rank 0 writes `<name>/.strata-final`
 * before its marker when training is finished. Nothing is uploaded later: the writes are the
 * upload (closing or fsync-ing a file completes it in S3, #L16).
 */

/** The pod-local directory of the restore step's answers (the checkpoint to resume, the run finished, the pod's rank). */
export const CHECKPOINT_STATE_DIR = '/var/run/strata-checkpoint';

/** The file in CHECKPOINT_STATE_DIR naming the checkpoint to resume from (absent: start from scratch). */
export const RESTORED_MARKER = '.strata-restored';

/** The file in CHECKPOINT_STATE_DIR holding the pod's rank, for the name of its markers. */
export const RANK_FILE = 'rank';

/**
 * Why checkpoints cannot go straight to this Mountpoint volume, or undefined when they can: a
 * writable directory bucket in an Availability Zone, mounted at the run's prefix of the destination.
 */
export function checkDirectStorage(rules: Rules, mount: S3Mountpoint, destination: { readonly bucket: string; readonly prefix: string }, run: string): boolean {
  const before = rules.failed;
  const semantics = 'awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md';
  if (mount.directoryBucket !== true) {
    rules.fail('storage', mount.bucketName, 'an S3 Express One Zone directory bucket (named …--<zone id>--x-s3) when checkpoints are written through Mountpoint',
      mount.directoryBucket === undefined
        ? 'the bucket name is a value: give the volume bucketType: \'directory\' and its zoneId, or write checkpoints to InstanceStore'
        : `on a general purpose bucket Mountpoint renames nothing (${semantics}#L8, #L316), so savers that write a temporary file and rename it fail: write checkpoints to InstanceStore and let the sync sidecar upload them, or use a directory bucket`);
  } else if (mount.zoneId === undefined || (!Tokens.isToken(mount.zoneId) && !isAvailabilityZoneId(mount.zoneId))) {
    rules.fail('storage', mount.bucketName, 'a directory bucket in an Availability Zone when checkpoints are written through Mountpoint',
      mount.zoneId === undefined
        ? 'give the volume its zoneId (the Availability Zone id in the bucket\'s name)'
        : `Mountpoint renames and appends in Availability Zones only, not in a Local Zone (${semantics}#L28-L29): write checkpoints to InstanceStore and let the sync sidecar upload them`);
  }
  if (!mount.writable) rules.fail('storage', mount.accessMode, 'a ReadWriteMany volume for checkpoints', 'the trainers write checkpoints there: mount it read-write');
  const prefix = `${destination.prefix}${run}/`;
  if (mount.bucketName !== destination.bucket || (mount.prefix ?? '') !== prefix) {
    rules.fail('storage', `s3://${mount.bucketName}/${mount.prefix ?? ''}`, `the run's place in the destination, s3://${destination.bucket}/${prefix}`,
      'mount the destination\'s bucket at prefix <destination.prefix><run>/: the checkpoints of a run live there, where the restore step looks for them');
  }
  return rules.failed === before;
}

/**
 * The restore step of checkpoints written through Mountpoint: it reads the run's prefix through
 * the mount (no AWS call of its own), finds the newest checkpoint every rank 0…CHECKPOINT_RANKS-1
 * marked complete (`.strata-complete-<rank>`; names sort by recency, zero-padded), and writes its
 * name to CHECKPOINT_STATE_DIR/.strata-restored, the pod's rank to CHECKPOINT_STATE_DIR/rank, and,
 * when that checkpoint holds `.strata-final`, CHECKPOINT_STATE_DIR/.strata-run-finished. Nothing
 * is copied: the trainer reads the checkpoint where it is. A directory that cannot be listed stops
 * the step (exit 1) — never "no checkpoint". Env: CHECKPOINT_DIR, CHECKPOINT_STATE_DIR,
 * CHECKPOINT_RANKS; the rank as the sync sidecar reads it (CHECKPOINT_RANK_EXPR, else JOB_COMPLETION_INDEX).
 */
export const DIRECT_RESTORE_SCRIPT = `set -eu
${RANK_SCRIPT}case $CHECKPOINT_RANKS in
  '' | *[!0-9]*)
    echo "CHECKPOINT_RANKS ($CHECKPOINT_RANKS) must be a whole number: the number of ranks" >&2
    exit 1
    ;;
esac
state=$CHECKPOINT_STATE_DIR
rm -f "$state/${RESTORED_MARKER}" "$state/${RUN_FINISHED_MARKER}"
echo "$rank" >"$state/${RANK_FILE}"
if ! names=$(ls -1 "$CHECKPOINT_DIR"); then
  echo "cannot list $CHECKPOINT_DIR (uid $(id -u)): check the Mountpoint volume's mount options and IAM role (s3express:CreateSession on the bucket)" >&2
  exit 1
fi
echo "looking for the newest checkpoint in $CHECKPOINT_DIR completed by all $CHECKPOINT_RANKS rank(s)"
for name in $(printf '%s\\n' "$names" | sort -r); do
  [ -d "$CHECKPOINT_DIR/$name" ] || continue
  if ! entries=$(ls -1A "$CHECKPOINT_DIR/$name"); then
    echo "cannot list $CHECKPOINT_DIR/$name: a restore from an older checkpoint would hide it; check the volume and try again" >&2
    exit 1
  fi
  completed=0
  r=0
  while [ "$r" -lt "$CHECKPOINT_RANKS" ]; do
    if printf '%s\\n' "$entries" | grep -qx ".strata-complete-$r"; then completed=$((completed + 1)); fi
    r=$((r + 1))
  done
  if [ "$completed" -lt "$CHECKPOINT_RANKS" ]; then
    echo "skipping checkpoint $name: completed by $completed of $CHECKPOINT_RANKS rank(s)"
    continue
  fi
  if printf '%s\\n' "$entries" | grep -qx "${FINAL_MARKER}"; then
    echo "$name" >"$state/${RUN_FINISHED_MARKER}"
    echo "checkpoint $name is the final one: training was finished"
  fi
  echo "$name" >"$state/${RESTORED_MARKER}"
  echo "resuming from checkpoint $name"
  exit 0
done
echo "no complete checkpoint: training starts from scratch"
`;
