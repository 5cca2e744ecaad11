/**
 * The shell scripts of the patterns' helper containers. Values reach them through environment
 * variables (never spliced into the text), so a script reads the same whatever the release sets.
 * POSIX sh with coreutils and sed only: they run in the AWS CLI image and in busybox.
 */

/** The file that says a model version is complete in the cache. */
export const READY_MARKER = '.strata-ready';

/**
 * Copies one model version from S3 into the cache. Idempotent (a version already marked ready is
 * left alone) and resumable (`aws s3 sync` copies only what is missing or changed, so a retried
 * Job continues where the last one stopped). The ready marker is written last, atomically, and
 * only when the copy succeeded. Env: SOURCE_URI (s3://bucket/prefix/), MODEL_VERSION, CACHE_DIR.
 */
export const HYDRATE_SCRIPT = `set -eu
target="$CACHE_DIR/$MODEL_VERSION"
marker="$target/${READY_MARKER}"
if [ -f "$marker" ]; then
  echo "model version $MODEL_VERSION is already in the cache (ready since $(cat "$marker"))"
  exit 0
fi
source="$SOURCE_URI$MODEL_VERSION/"
if ! aws s3 ls "$source" >/dev/null; then
  echo "no objects under $source: is the model version published?" >&2
  exit 1
fi
mkdir -p "$target"
echo "copying $source into $target"
aws s3 sync "$source" "$target/" --no-progress --only-show-errors --exclude "${READY_MARKER}*"
date -u +%Y-%m-%dT%H:%M:%SZ > "$marker.tmp"
mv "$marker.tmp" "$marker"
echo "model version $MODEL_VERSION is ready"
`;

/**
 * Waits until a file exists, then exits 0; fails after READY_TIMEOUT_SECONDS (the pod's init
 * container then restarts with back-off, and the reason is in its log). Env: READY_FILE,
 * READY_TIMEOUT_SECONDS, WAITING_FOR (words for the log).
 */
export const WAIT_FOR_FILE_SCRIPT = `set -eu
waited=0
until [ -f "$READY_FILE" ]; do
  if [ "$waited" -ge "$READY_TIMEOUT_SECONDS" ]; then
    echo "$WAITING_FOR is not ready after \${waited}s ($READY_FILE is missing): check the hydration Job of this release" >&2
    exit 1
  fi
  echo "waiting for $WAITING_FOR (\${waited}s): $READY_FILE"
  sleep 5
  waited=$((waited + 5))
done
echo "$WAITING_FOR is ready (since $(cat "$READY_FILE"))"
`;

/**
 * Waits until a directory has content (a model version read straight from S3, where no hydration
 * writes a marker). Env: READY_DIR, READY_TIMEOUT_SECONDS, WAITING_FOR.
 */
export const WAIT_FOR_CONTENT_SCRIPT = `set -eu
waited=0
until [ -n "$(ls -A "$READY_DIR" 2>/dev/null)" ]; do
  if [ "$waited" -ge "$READY_TIMEOUT_SECONDS" ]; then
    echo "$WAITING_FOR has no files after \${waited}s ($READY_DIR is empty or missing): is it published under this prefix?" >&2
    exit 1
  fi
  echo "waiting for $WAITING_FOR (\${waited}s): $READY_DIR"
  sleep 5
  waited=$((waited + 5))
done
echo "$WAITING_FOR is present"
`;

/**
 * The checkpoint sync sidecar: every SYNC_INTERVAL_SECONDS it uploads each finished checkpoint
 * (a directory of CHECKPOINT_DIR holding the trainer's \`.complete\`) to CHECKPOINT_URI<name>/, then
 * writes \`.strata-complete-<rank>\` beside it, so a checkpoint counts as durable only once every
 * file of it is in S3. On SIGTERM — which the kubelet sends to a native sidecar only after the
 * trainer has exited — it uploads what is left and exits. Env: CHECKPOINT_DIR, CHECKPOINT_URI,
 * SYNC_INTERVAL_SECONDS; JOB_COMPLETION_INDEX (indexed Jobs) is the rank.
 */
export const SYNC_SCRIPT = `set -u
rank="\${JOB_COMPLETION_INDEX:-0}"
upload() {
  status=0
  for dir in "$CHECKPOINT_DIR"/*/; do
    [ -d "$dir" ] || continue
    [ -f "$dir.complete" ] || continue
    [ -f "$dir.strata-uploaded-$rank" ] && continue
    name=$(basename "$dir")
    if aws s3 sync "$dir" "$CHECKPOINT_URI$name/" --no-progress --only-show-errors --exclude ".complete" --exclude ".strata-*" \\
      && date -u +%Y-%m-%dT%H:%M:%SZ | aws s3 cp - "$CHECKPOINT_URI$name/.strata-complete-$rank" --only-show-errors; then
      touch "$dir.strata-uploaded-$rank"
      echo "checkpoint $name is in S3 (rank $rank)"
    else
      echo "upload of checkpoint $name failed; trying again in the next round" >&2
      status=1
    fi
  done
  return $status
}
final() {
  echo "stopping: uploading every finished checkpoint before exit"
  upload
  exit $?
}
trap final TERM INT
echo "uploading finished checkpoints of $CHECKPOINT_DIR to $CHECKPOINT_URI every \${SYNC_INTERVAL_SECONDS}s"
while true; do
  upload || true
  sleep "$SYNC_INTERVAL_SECONDS" &
  wait $!
done
`;

/**
 * The restore step before training: finds the newest checkpoint under CHECKPOINT_URI that every
 * rank completed (CHECKPOINT_RANKS markers), copies it to CHECKPOINT_DIR/<name>/ and writes its
 * name to CHECKPOINT_DIR/.strata-restored for the trainer. Names sort by recency (zero-padded
 * steps: step-000100). No complete checkpoint: training starts from scratch.
 */
export const RESTORE_SCRIPT = `set -eu
rank="\${JOB_COMPLETION_INDEX:-0}"
echo "looking for the newest checkpoint under $CHECKPOINT_URI completed by all $CHECKPOINT_RANKS rank(s)"
names=$(aws s3 ls "$CHECKPOINT_URI" 2>/dev/null | sed -n 's#^ *PRE \\(.*\\)/$#\\1#p' | sort -r) || names=""
for name in $names; do
  completed=$(aws s3 ls "$CHECKPOINT_URI$name/.strata-complete-" 2>/dev/null | wc -l) || completed=0
  if [ "$completed" -ge "$CHECKPOINT_RANKS" ]; then
    echo "restoring checkpoint $name"
    mkdir -p "$CHECKPOINT_DIR/$name"
    aws s3 sync "$CHECKPOINT_URI$name/" "$CHECKPOINT_DIR/$name/" --no-progress --only-show-errors --exclude ".strata-*"
    touch "$CHECKPOINT_DIR/$name/.complete" "$CHECKPOINT_DIR/$name/.strata-uploaded-$rank"
    echo "$name" > "$CHECKPOINT_DIR/.strata-restored"
    exit 0
  fi
  echo "skipping checkpoint $name: completed by $completed of $CHECKPOINT_RANKS rank(s)"
done
echo "no complete checkpoint: training starts from scratch"
`;
