import { READY_MARKER, S3_LIST } from './scripts';

/**
 * The hydration Job's scripts, one per model source, around one wrapper that is the same for every
 * source: the versioned layout (`<cache>/<version>/`), idempotence (a version already marked ready
 * is left alone), the record of where a version came from (`.strata-source`), the check that the
 * source wrote files, and the ready marker written last, atomically. Each source only fills
 * `$target`. Like every script of the patterns (scripts.ts), they fail loudly: a command that fails
 * stops the step with its error and writes no marker. POSIX sh; tested in /bin/sh, bash --posix and
 * busybox sh (test/scripts.test.ts, test/hydration-scripts.test.ts).
 *
 * Env of every source: CACHE_DIR (the cache's mount), MODEL_VERSION, MODEL_SOURCE (what names the
 * model: the same text is the same model).
 */

/** The file that records, in a version's directory, the source it was hydrated from. */
export const SOURCE_RECORD = '.strata-source';

/** Where the tools init container puts a static busybox and its applets, for images without a shell. */
export const TOOLS_DIR = '/strata-tools';

/**
 * The tools init container (in the static busybox image, SHELL_TOOLS_IMAGE): copies busybox into
 * $STRATA_TOOLS with a link per applet, so that the hydration runs in images that have no shell
 * (an image holding only model files) the very script tested under busybox sh.
 */
export const TOOLS_SCRIPT = `set -eu
bb=$(command -v busybox)
cp "$bb" "$STRATA_TOOLS/busybox"
for applet in $("$STRATA_TOOLS/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$STRATA_TOOLS/$applet"
done
echo "busybox and its applets are in $STRATA_TOOLS"
`;

/**
 * Run under the tools: the wrapper finds busybox's applets first, whatever the image holds; a
 * user's command gets the image's own PATH back (\`image_path\`).
 */
const TOOLS_PROLOGUE = `image_path=\${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
PATH="$STRATA_TOOLS:$image_path"
export PATH
`;

/** The wrapper's start: the layout, and the answer for a version already there. */
const PROLOGUE = `target="$CACHE_DIR/$MODEL_VERSION"
marker="$target/${READY_MARKER}"
record="$target/${SOURCE_RECORD}"
if [ -f "$marker" ]; then
  if [ -f "$record" ] && [ "$(cat "$record")" != "$MODEL_SOURCE" ]; then
    echo "model version $MODEL_VERSION in the cache holds $(cat "$record"), not $MODEL_SOURCE: a version names one model; give the new one another version, or delete $target to hydrate it again" >&2
    exit 1
  fi
  echo "model version $MODEL_VERSION is already in the cache (ready since $(cat "$marker"))"
  exit 0
fi
make_target() {
  if ! mkdir -p "$target"; then
    echo "cannot create $target (uid $(id -u), gid $(id -g); the error is above): the cache's root must be writable by this uid; hand it over once (chown from an admin pod), or mount the cache through an EFS access point" >&2
    exit 1
  fi
}
`;

/** The wrapper's end: files there, then the record and the marker (never one the source brought along). */
const EPILOGUE = `rm -f "$marker" "$record"
found=""
for f in "$target"/* "$target"/.[!.]* "$target"/..?*; do
  [ -e "$f" ] || continue
  case \${f##*/} in .strata-* | .cache) continue ;; esac
  found=1
  break
done
if [ -z "$found" ]; then
  echo "$MODEL_SOURCE left no files in $target: model version $MODEL_VERSION is not marked ready" >&2
  exit 1
fi
printf '%s\\n' "$MODEL_SOURCE" >"$record.tmp"
mv "$record.tmp" "$record"
date -u +%Y-%m-%dT%H:%M:%SZ >"$marker.tmp"
mv "$marker.tmp" "$marker"
echo "model version $MODEL_VERSION is ready"
`;

/** A hydration script: the wrapper around one source's step (`tools`: run under the copied busybox). */
export function hydrationScript(fetch: string, tools = false): string {
  return `set -eu\n${tools ? TOOLS_PROLOGUE : ''}${PROLOGUE}${fetch}${EPILOGUE}`;
}

/**
 * S3: `aws s3 sync` of `$SOURCE_URI$MODEL_VERSION/` (the AWS CLI image). Resumable: a retried Job
 * copies only what is missing or changed. A version with no objects fails (a sync of an empty
 * prefix succeeds: https://github.com/aws/aws-cli/issues/9841), and so does a listing or a copy
 * that fails, with the aws error, never as "not published". Env: SOURCE_URI (s3://bucket/prefix/).
 */
export const S3_FETCH = `source="$SOURCE_URI$MODEL_VERSION/"
${S3_LIST}s3_list "$source" 'Contents[].[Key]' --max-items 1 || exit 1
if [ ! -s "$tmp/list" ]; then
  echo "no objects under $source: is the model version published? (the listing succeeded and found nothing)" >&2
  exit 1
fi
make_target
echo "copying $source into $target"
code=0
aws s3 sync "$source" "$target/" --no-progress --only-show-errors --exclude ".strata-*" || code=$?
if [ "$code" -ne 0 ]; then
  echo "copying $source into $target failed (aws s3 sync exited $code; its errors are above): model version $MODEL_VERSION is not marked ready" >&2
  echo "check the IAM role (s3:GetObject under the prefix, kms:Decrypt for SSE-KMS), the network path to S3 and the free space of the cache; a retry copies only what is missing" >&2
  exit 1
fi
`;

/**
 * S3, pinned to object versions: reads the manifest `$PIN_MANIFEST_KEY` at its version
 * `$PIN_MANIFEST_VERSION` (so the manifest cannot change either), whose lines are `<key>\t<version id>`
 * as `aws s3api list-object-versions --query 'Versions[?IsLatest].[Key,VersionId]' --output text`
 * prints them (text output separates fields with tabs: aws/aws-cli@2.36.7:awscli/text.py#L70), and
 * gets each object under `$SOURCE_PREFIX$MODEL_VERSION/` at its version with
 * `aws s3api get-object --version-id` (GetObject of a version ID needs s3:GetObjectVersion:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). `aws s3 sync` cannot do this:
 * the s3 commands take no version (aws/aws-cli@2.36.7:awscli/customizations/s3/subcommands.py#L107-L118).
 * Resumable: each object is written to a `.strata-part` file and renamed once complete, and a retry
 * skips the objects already there. A key outside the version's prefix, a key that climbs out of the
 * directory, an empty manifest or a failed get fails the step without a marker.
 * Env: SOURCE_BUCKET, SOURCE_PREFIX, PIN_MANIFEST_KEY, PIN_MANIFEST_VERSION.
 */
export const S3_PINNED_FETCH = `manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
prefix="$SOURCE_PREFIX$MODEL_VERSION/"
code=0
aws s3api get-object --bucket "$SOURCE_BUCKET" --key "$PIN_MANIFEST_KEY" --version-id "$PIN_MANIFEST_VERSION" "$manifest" >/dev/null || code=$?
if [ "$code" -ne 0 ]; then
  echo "cannot read the manifest s3://$SOURCE_BUCKET/$PIN_MANIFEST_KEY at version $PIN_MANIFEST_VERSION (aws s3api get-object exited $code; its error is above): model version $MODEL_VERSION is not marked ready" >&2
  echo "check the manifest's key and version ID (aws s3api list-object-versions --bucket $SOURCE_BUCKET --prefix $PIN_MANIFEST_KEY) and s3:GetObjectVersion on it" >&2
  exit 1
fi
make_target
tab=$(printf '\\t')
n=0
while IFS="$tab" read -r key version rest; do
  [ -n "$key" ] || continue
  case $key in
    "$prefix"*) ;;
    *) echo "the manifest lists $key, outside $prefix: a pinned version reads only its own prefix" >&2; exit 1 ;;
  esac
  rel=\${key#"$prefix"}
  case $rel in '' | */) continue ;; esac
  case /$rel/ in */../* | */./*) echo "the manifest lists $key, which leaves $target: refused" >&2; exit 1 ;; esac
  if [ -z "$version" ] || [ -n "$rest" ]; then
    echo "the manifest's line for $key is not <key><tab><version id>" >&2
    exit 1
  fi
  n=$((n + 1))
  dest="$target/$rel"
  [ -f "$dest" ] && continue
  mkdir -p "\${dest%/*}"
  code=0
  aws s3api get-object --bucket "$SOURCE_BUCKET" --key "$key" --version-id "$version" "$dest.strata-part" >/dev/null || code=$?
  if [ "$code" -ne 0 ]; then
    echo "getting s3://$SOURCE_BUCKET/$key at version $version failed (aws s3api get-object exited $code; its error is above): model version $MODEL_VERSION is not marked ready; a retry gets only what is missing" >&2
    exit 1
  fi
  mv "$dest.strata-part" "$dest"
done <"$manifest"
if [ "$n" -eq 0 ]; then
  echo "the manifest s3://$SOURCE_BUCKET/$PIN_MANIFEST_KEY lists no object under $prefix" >&2
  exit 1
fi
echo "got $n object version(s) under s3://$SOURCE_BUCKET/$prefix as the manifest pins them"
`;

/**
 * The Hugging Face Hub: `hf download <repo> --revision <commit> --local-dir <target>` with the
 * image's huggingface_hub — `hf` (huggingface_hub 0.34 and later: its setup.py console_scripts,
 * huggingface/huggingface_hub@v0.34.0), else `huggingface-cli` (before; from 1.0 it only prints that
 * it no longer works and exits 1: huggingface/huggingface_hub@v1.28.0:src/huggingface_hub/cli/deprecated_cli.py).
 * Both take the repo, `--revision` and `--local-dir` (v0.30.2:src/huggingface_hub/commands/download.py,
 * v1.28.0:src/huggingface_hub/cli/download.py) and read the token from HF_TOKEN
 * (docs/source/en/package_reference/environment_variables.md). Downloads into a local directory
 * resume (v0.30.2 download.py, `--resume-download`: "always attempts to resume"); huggingface_hub
 * keeps its metadata in `<target>/.cache/huggingface/`, which the wrapper does not count as model files.
 * Env: HF_REPO, HF_REVISION, HF_TOKEN (optional, from a Secret).
 */
export const HF_FETCH = `if command -v hf >/dev/null 2>&1; then
  cli=hf
elif command -v huggingface-cli >/dev/null 2>&1; then
  cli=huggingface-cli
else
  echo "this image has neither hf (huggingface_hub 0.34 or later) nor huggingface-cli: give the Hugging Face source an image with huggingface_hub installed" >&2
  exit 1
fi
make_target
echo "downloading $HF_REPO at revision $HF_REVISION into $target ($cli)"
code=0
"$cli" download "$HF_REPO" --revision "$HF_REVISION" --local-dir "$target" || code=$?
if [ "$code" -ne 0 ]; then
  echo "downloading $HF_REPO at revision $HF_REVISION into $target failed ($cli download exited $code; its errors are above): model version $MODEL_VERSION is not marked ready" >&2
  echo "check the token (HF_TOKEN, from its Secret) and that its account accepted the model's terms (gated models), the revision, the network path to huggingface.co (NAT, proxy) and the free space of the cache; a retry resumes" >&2
  exit 1
fi
`;

/**
 * NVIDIA NGC: \`ngc registry model download-version <org>/[<team>/]<model>:<version> --dest <dir>\`
 * with the image's NGC CLI, the API key in NGC_CLI_API_KEY. The CLI writes the version into a
 * directory of its own under --dest (named after the model and version; the exact name is
 * **unverified**), so it downloads into a staging directory beside the versions, and a staging
 * directory holding exactly one directory is that directory's content. Not resumable: a retry
 * downloads again. Env: NGC_MODEL, NGC_CLI_API_KEY (optional, from a Secret).
 */
export const NGC_FETCH = `if ! command -v ngc >/dev/null 2>&1; then
  echo "this image has no ngc (the NGC CLI): give the NGC source an image with the NGC CLI installed" >&2
  exit 1
fi
staging="$CACHE_DIR/.strata-staging-$MODEL_VERSION"
if ! rm -rf "$staging" || ! mkdir -p "$staging"; then
  echo "cannot make $staging (uid $(id -u), gid $(id -g); the error is above): the cache's root must be writable by this uid" >&2
  exit 1
fi
echo "downloading $NGC_MODEL from NGC into $staging"
code=0
ngc registry model download-version "$NGC_MODEL" --dest "$staging" || code=$?
if [ "$code" -ne 0 ]; then
  echo "downloading $NGC_MODEL from NGC failed (ngc exited $code; its errors are above): model version $MODEL_VERSION is not marked ready" >&2
  echo "check the API key (NGC_CLI_API_KEY, from its Secret), the model's org, team, name and version, the network path to api.ngc.nvidia.com and the free space of the cache" >&2
  exit 1
fi
from="$staging"
entries=$(ls -A "$staging")
if [ -n "$entries" ] && [ "$(printf '%s\\n' "$entries" | wc -l)" -eq 1 ] && [ -d "$staging/$entries" ]; then from="$staging/$entries"; fi
rm -rf "$target"
mv "$from" "$target"
rm -rf "$staging"
`;

/**
 * An image carrying the weights: its directory IMAGE_MODEL_DIR copied into the cache (`cp -RL`:
 * symbolic links, as in a Hugging Face cache snapshot, are copied as the files they point to). Runs
 * in that image under the copied busybox (see TOOLS_SCRIPT), so the image needs no shell.
 * Env: IMAGE_MODEL_DIR.
 */
export const IMAGE_FETCH = `if [ ! -d "$IMAGE_MODEL_DIR" ]; then
  echo "$IMAGE_MODEL_DIR is not a directory in the image of $MODEL_SOURCE: give the directory the image keeps the model in" >&2
  exit 1
fi
if [ -z "$(ls -A "$IMAGE_MODEL_DIR")" ]; then
  echo "$IMAGE_MODEL_DIR is empty in the image of $MODEL_SOURCE (or cannot be read by uid $(id -u)): give the directory the image keeps the model in" >&2
  exit 1
fi
make_target
echo "copying $IMAGE_MODEL_DIR of the image into $target"
code=0
cp -RL "$IMAGE_MODEL_DIR/." "$target/" || code=$?
if [ "$code" -ne 0 ]; then
  echo "copying $IMAGE_MODEL_DIR into $target failed (cp exited $code; its errors are above): model version $MODEL_VERSION is not marked ready" >&2
  echo "check that uid $(id -u) can read the image's files and the free space of the cache; a retry copies again" >&2
  exit 1
fi
`;

/**
 * Any command: the arguments after the script (the user's command and its arguments) run with the
 * image's own PATH, MODEL_TARGET set to the version's directory to fill, and MODEL_VERSION. Its
 * exit status decides: non-zero, and the version is not marked ready. Runs under the copied busybox.
 */
export const COMMAND_FETCH = `if [ "$#" -eq 0 ]; then
  echo "no command was given to fill $target" >&2
  exit 1
fi
make_target
echo "running $1 to fill $target"
code=0
MODEL_TARGET="$target" PATH="$image_path" "$@" || code=$?
if [ "$code" -ne 0 ]; then
  echo "the command $1 exited $code (its errors are above): model version $MODEL_VERSION is not marked ready" >&2
  exit 1
fi
`;

/** Copies one model version from S3 into the cache (see S3_FETCH). */
export const HYDRATE_SCRIPT = hydrationScript(S3_FETCH);
/** The hydration of an S3 version pinned to object versions (the AWS CLI image). */
export const HYDRATE_S3_PINNED_SCRIPT = hydrationScript(S3_PINNED_FETCH);
/** Downloads one model version from the Hugging Face Hub into the cache (see HF_FETCH). */
export const HYDRATE_HF_SCRIPT = hydrationScript(HF_FETCH, true);
/** Downloads one model version from NGC into the cache (see NGC_FETCH). */
export const HYDRATE_NGC_SCRIPT = hydrationScript(NGC_FETCH, true);
/** Copies the model out of an image into the cache (see IMAGE_FETCH). */
export const HYDRATE_IMAGE_SCRIPT = hydrationScript(IMAGE_FETCH, true);
/** Fills the cache with the user's command (see COMMAND_FETCH). */
export const HYDRATE_COMMAND_SCRIPT = hydrationScript(COMMAND_FETCH, true);
