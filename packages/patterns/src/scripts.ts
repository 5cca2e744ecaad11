/**
 * The shell scripts of the patterns' helper containers. Values reach them through environment
 * variables (never spliced into the text), so a script reads the same whatever the release sets.
 * POSIX sh with coreutils and sed only: the AWS CLI image's /bin/sh is bash (in POSIX mode), the
 * gates run in busybox.
 *
 * Every script fails loudly: "nothing there" is only ever concluded from a command that succeeded
 * with an empty answer, never from a failing one. An S3 listing is `aws s3api list-objects-v2`
 * (exit 0 with no key means nothing there; any other exit is an error), not `aws s3 ls`, which
 * exits 1 for "no objects" and fails with other codes for errors
 * (https://github.com/aws/aws-cli/issues/5544, https://docs.aws.amazon.com/cli/latest/topic/return-codes.html).
 * sh has no pipefail, so the output of `aws` is captured first, its status checked, and only
 * then parsed.
 */

/** The file that says a model version is complete in the cache. */
export const READY_MARKER = '.strata-ready';

/** The file a trainer writes into its last checkpoint (before `.complete`) when training is finished. */
export const FINAL_MARKER = '.strata-final';

/** The file the restore step writes into CHECKPOINT_DIR when the checkpoint it restored is the final one. */
export const RUN_FINISHED_MARKER = '.strata-run-finished';

/**
 * `s3_list URI QUERY [OPTION…]`: lists s3://bucket/prefix with ListObjectsV2 (every page), writing
 * the query's values, less the prefix, one a line, to $tmp/list. Returns non-zero, with a message
 * naming the URI, the aws exit code and error and what to check, when the listing fails. The text
 * output runs the query once per page and prints `None` for a page without a match
 * (aws/aws-cli: awscli/formatter.py TextFormatter, awscli/text.py): only lines under the prefix count,
 * so the prefix must not be empty. Also makes $tmp, a temporary directory removed on exit.
 */
export const S3_LIST = `s3_list() {
  uri=$1
  query=$2
  shift 2
  path=\${uri#s3://}
  bucket=\${path%%/*}
  prefix=\${path#"$bucket"}
  prefix=\${prefix#/}
  code=0
  err=$(aws s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix" \${1+"$@"} --query "$query" --output text 2>&1 >"$tmp/out") || code=$?
  if [ "$code" -ne 0 ]; then
    echo "cannot list $uri (aws s3api list-objects-v2 exited $code): $err" >&2
    echo "check the service account's IAM role (s3:ListBucket on bucket $bucket for prefix $prefix), the network path to S3 (VPC endpoint, NAT, DNS), and the bucket name" >&2
    return 1
  fi
  : >"$tmp/list"
  while IFS= read -r line; do
    case $line in
      "$prefix"?*) printf '%s\\n' "\${line#"$prefix"}" >>"$tmp/list" ;;
    esac
  done <"$tmp/out"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
`;

/**
 * The pod's rank: CHECKPOINT_RANK_EXPR, shell arithmetic over variables the pod gets from its
 * kind's labels or annotations (e.g. `JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX`), else an
 * Indexed Job's JOB_COMPLETION_INDEX. A variable it names that is not set stops the script: shells
 * read an unset name as 0 in arithmetic, and a wrong rank would mark another rank's checkpoints.
 */
export const RANK_SCRIPT = `rank_expr="\${CHECKPOINT_RANK_EXPR:-\${JOB_COMPLETION_INDEX:-0}}"
for name in $(printf '%s' "$rank_expr" | tr -c 'A-Za-z0-9_' ' '); do
  case $name in
    [A-Za-z_]*)
      eval "given=\\\${$name+x}"
      if [ -z "$given" ]; then
        echo "the rank ($rank_expr) reads $name, which is not set in this container" >&2
        exit 1
      fi
      ;;
  esac
done
rank=$(( $rank_expr ))
`;

/**
 * \`look_into DIR\`: DIR, or else its nearest ancestor that exists, must be a directory that can
 * be listed. A permission or I/O error there hides a file just as its absence would, so it stops
 * the gate at once instead of being waited out as "not there yet".
 */
const LOOK_INTO = `look_into() {
  dir=$1
  while [ ! -e "$dir" ] && [ "$dir" != / ]; do dir=$(dirname "$dir"); done
  if [ ! -d "$dir" ]; then
    echo "$dir is not a directory: check the volume mounts of this pod" >&2
    exit 1
  fi
  if ! ls -A "$dir" >/dev/null; then
    echo "cannot list $dir (uid $(id -u)): check the volume's owner and mode, the pod's fsGroup, and for Mountpoint S3 its mount options and IAM role" >&2
    exit 1
  fi
}
`;

/**
 * Waits until a file exists, then exits 0; fails after READY_TIMEOUT_SECONDS (the pod's init
 * container then restarts with back-off, and the reason is in its log), and at once when the
 * directory it is to appear in cannot be listed. Env: READY_FILE, READY_TIMEOUT_SECONDS,
 * WAITING_FOR (words for the log).
 */
export const WAIT_FOR_FILE_SCRIPT = `set -eu
${LOOK_INTO}waited=0
until [ -f "$READY_FILE" ]; do
  look_into "$(dirname "$READY_FILE")"
  if [ "$waited" -ge "$READY_TIMEOUT_SECONDS" ]; then
    echo "$WAITING_FOR is not ready after \${waited}s ($READY_FILE is missing): check the hydration Job of this release" >&2
    exit 1
  fi
  echo "waiting for $WAITING_FOR (\${waited}s): $READY_FILE"
  sleep 5
  waited=$((waited + 5))
done
if ! since=$(cat "$READY_FILE"); then
  echo "$READY_FILE exists but cannot be read (uid $(id -u)): check the volume's owner and mode" >&2
  exit 1
fi
echo "$WAITING_FOR is ready (since $since)"
`;

/**
 * Waits until a directory has content (a model version read straight from S3, where no hydration
 * writes a marker). A directory that is missing is waited for; one that cannot be listed fails at
 * once with the error. Env: READY_DIR, READY_TIMEOUT_SECONDS, WAITING_FOR.
 */
export const WAIT_FOR_CONTENT_SCRIPT = `set -eu
${LOOK_INTO}waited=0
while :; do
  look_into "$READY_DIR"
  if [ -d "$READY_DIR" ] && [ -n "$(ls -A "$READY_DIR")" ]; then break; fi
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
 * file of it is in S3: a sync that fails midway (exit 1: a transfer failed; 2: a file was skipped)
 * writes no marker and is retried next round, copying only what is missing. On SIGTERM — which
 * the kubelet sends to a native sidecar only after the trainer has exited — it uploads what is
 * left and exits 0 only if every finished checkpoint is in S3; otherwise it names each one that is
 * not and exits 1. A trainer's \`${FINAL_MARKER}\` is uploaded with its checkpoint. Failures inside
 * \`upload\` are handled one by one (set -e does not apply in a condition). Env: CHECKPOINT_DIR,
 * CHECKPOINT_URI, SYNC_INTERVAL_SECONDS; the rank is CHECKPOINT_RANK_EXPR (shell arithmetic over the
 * pod's variables, e.g. `JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX`), else JOB_COMPLETION_INDEX (indexed Jobs).
 */
export const SYNC_SCRIPT = `set -eu
${RANK_SCRIPT}upload() {
  failed=""
  for dir in "$CHECKPOINT_DIR"/*/; do
    [ -d "$dir" ] || continue
    [ -f "$dir.complete" ] || continue
    if [ -f "$dir.strata-uploaded-$rank" ]; then continue; fi
    name=$(basename "$dir")
    code=0
    aws s3 sync "$dir" "$CHECKPOINT_URI$name/" --no-progress --only-show-errors --exclude ".complete" --exclude ".strata-*" --include "${FINAL_MARKER}" || code=$?
    if [ "$code" -ne 0 ]; then
      echo "checkpoint $name: aws s3 sync to $CHECKPOINT_URI$name/ exited $code (errors above); not every file is in S3, so its marker is not written" >&2
      failed="$failed $name"
      continue
    fi
    code=0
    date -u +%Y-%m-%dT%H:%M:%SZ | aws s3 cp - "$CHECKPOINT_URI$name/.strata-complete-$rank" --only-show-errors || code=$?
    if [ "$code" -ne 0 ]; then
      echo "checkpoint $name: its files are in S3 but writing $CHECKPOINT_URI$name/.strata-complete-$rank failed (aws s3 cp exited $code; errors above)" >&2
      failed="$failed $name"
      continue
    fi
    touch "$dir.strata-uploaded-$rank"
    echo "checkpoint $name is in S3 (rank $rank)"
  done
  [ -z "$failed" ]
}
final() {
  trap '' TERM INT
  echo "stopping: uploading every finished checkpoint before exit"
  if upload; then
    echo "every finished checkpoint of rank $rank is in S3"
    exit 0
  fi
  for name in $failed; do
    echo "checkpoint $name is NOT in S3 (no $CHECKPOINT_URI$name/.strata-complete-$rank): a restart restores an older checkpoint" >&2
  done
  echo "check the IAM role (s3:PutObject under the prefix, kms:GenerateDataKey for SSE-KMS) and the network path to S3; if the upload was cut off, raise the flush budget (terminationGracePeriodSeconds)" >&2
  exit 1
}
trap final TERM INT
echo "uploading finished checkpoints of $CHECKPOINT_DIR to $CHECKPOINT_URI every \${SYNC_INTERVAL_SECONDS}s"
while true; do
  if ! upload; then
    echo "upload of checkpoint(s)$failed failed; trying again in \${SYNC_INTERVAL_SECONDS}s" >&2
  fi
  sleep "$SYNC_INTERVAL_SECONDS" &
  wait $!
done
`;

/**
 * The restore step before training: finds the newest checkpoint under CHECKPOINT_URI that every
 * rank completed (a \`.strata-complete-<rank>\` for each rank 0…CHECKPOINT_RANKS-1), copies it to
 * CHECKPOINT_DIR/<name>/ and writes its name to CHECKPOINT_DIR/.strata-restored for the trainer.
 * Names sort by recency (zero-padded steps: step-000100). When that checkpoint holds the
 * trainer's \`${FINAL_MARKER}\` (training was finished), it also writes
 * CHECKPOINT_DIR/${RUN_FINISHED_MARKER}, so the trainer of a re-created, finished Job can exit at
 * once. No checkpoint, or none complete, under a listing that succeeded: training starts from
 * scratch. A listing or copy that fails stops the step (exit 1) with the aws error, and writes
 * neither file.
 */
export const RESTORE_SCRIPT = `set -eu
${RANK_SCRIPT}case $CHECKPOINT_RANKS in
  '' | *[!0-9]*)
    echo "CHECKPOINT_RANKS ($CHECKPOINT_RANKS) must be a whole number: the Job's completions" >&2
    exit 1
    ;;
esac
rm -f "$CHECKPOINT_DIR/.strata-restored" "$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}"
${S3_LIST}echo "looking for the newest checkpoint under $CHECKPOINT_URI completed by all $CHECKPOINT_RANKS rank(s)"
s3_list "$CHECKPOINT_URI" 'CommonPrefixes[].[Prefix]' --delimiter / || exit 1
sed -n 's#^\\([^/]*\\)/$#\\1#p' "$tmp/list" | sort -r >"$tmp/names"
while IFS= read -r name <&3; do
  s3_list "$CHECKPOINT_URI$name/.strata-complete-" 'Contents[].[Key]' || exit 1
  completed=0
  r=0
  while [ "$r" -lt "$CHECKPOINT_RANKS" ]; do
    if grep -qx "$r" "$tmp/list"; then completed=$((completed + 1)); fi
    r=$((r + 1))
  done
  if [ "$completed" -lt "$CHECKPOINT_RANKS" ]; then
    echo "skipping checkpoint $name: completed by $completed of $CHECKPOINT_RANKS rank(s)"
    continue
  fi
  echo "restoring checkpoint $name"
  mkdir -p "$CHECKPOINT_DIR/$name"
  code=0
  aws s3 sync "$CHECKPOINT_URI$name/" "$CHECKPOINT_DIR/$name/" --no-progress --only-show-errors --exclude ".strata-*" --include "${FINAL_MARKER}" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "restoring checkpoint $name from $CHECKPOINT_URI$name/ failed (aws s3 sync exited $code; its errors are above): training does not start from a partial checkpoint" >&2
    echo "check the IAM role (s3:GetObject under the prefix, kms:Decrypt for SSE-KMS), the network path to S3 and the free space of $CHECKPOINT_DIR" >&2
    exit 1
  fi
  touch "$CHECKPOINT_DIR/$name/.complete" "$CHECKPOINT_DIR/$name/.strata-uploaded-$rank"
  if [ -f "$CHECKPOINT_DIR/$name/${FINAL_MARKER}" ]; then
    echo "$name" >"$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}"
    echo "checkpoint $name is the final one: training was finished"
  fi
  echo "$name" >"$CHECKPOINT_DIR/.strata-restored.tmp"
  mv "$CHECKPOINT_DIR/.strata-restored.tmp" "$CHECKPOINT_DIR/.strata-restored"
  exit 0
done 3<"$tmp/names"
echo "no complete checkpoint: training starts from scratch"
`;

/**
 * The restore step of checkpoints on a file system every rank shares (FSx for Lustre, exported to
 * S3 by a data repository association): nothing to copy, the checkpoints are there. It makes the
 * run's directory (as the trainers' uid: the association's directory must be writable by it),
 * finds the newest checkpoint directory holding `.complete` (on a shared directory, rank 0 writes it
 * once every rank has written its part) and names it in CHECKPOINT_DIR/.strata-restored; when that
 * checkpoint holds `${FINAL_MARKER}`, it also writes CHECKPOINT_DIR/${RUN_FINISHED_MARKER}. Every rank's
 * restore runs this on the same directory, possibly while another rank's trainer reads it: each
 * writes under a name of its own and renames (atomic), and all of them find the same answer. A
 * directory that cannot be made or listed stops the step with the error. Env: CHECKPOINT_DIR.
 */
export const RESTORE_SHARED_SCRIPT = `set -eu
if ! mkdir -p "$CHECKPOINT_DIR"; then
  echo "cannot create $CHECKPOINT_DIR (uid $(id -u), gid $(id -g); the error is above): the checkpoints' directory on the file system must be writable by the trainers' uid; hand it over once (chown from an admin pod)" >&2
  exit 1
fi
if ! names=$(ls -A "$CHECKPOINT_DIR"); then
  echo "cannot list $CHECKPOINT_DIR (uid $(id -u); the error is above): check the directory's owner and mode" >&2
  exit 1
fi
me=$(hostname)
newest=""
while IFS= read -r name; do
  case $name in '' | .*) continue ;; esac
  [ -d "$CHECKPOINT_DIR/$name" ] || continue
  if [ -f "$CHECKPOINT_DIR/$name/.complete" ]; then
    newest=$name
    break
  fi
  echo "skipping checkpoint $name: it has no .complete (not finished)"
done <<NAMES
$(printf '%s\\n' "$names" | sort -r)
NAMES
if [ -z "$newest" ]; then
  rm -f "$CHECKPOINT_DIR/.strata-restored" "$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}"
  echo "no complete checkpoint in $CHECKPOINT_DIR: training starts from scratch"
  exit 0
fi
if [ -f "$CHECKPOINT_DIR/$newest/${FINAL_MARKER}" ]; then
  echo "$newest" >"$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}.$me"
  mv "$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}.$me" "$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}"
  echo "checkpoint $newest is the final one: training was finished"
else
  rm -f "$CHECKPOINT_DIR/${RUN_FINISHED_MARKER}"
fi
echo "$newest" >"$CHECKPOINT_DIR/.strata-restored.$me"
mv "$CHECKPOINT_DIR/.strata-restored.$me" "$CHECKPOINT_DIR/.strata-restored"
echo "resuming from checkpoint $newest"
`;
