import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for the AWS CLI commands the patterns' scripts use, over a local directory:
 * s3://bucket/key is $FAKE_S3/bucket/key.
 * - `aws s3api list-objects-v2 --bucket B --prefix P [--delimiter /] [--max-items N] --query Q --output text`
 *   for the two queries the scripts run, `Contents[].[Key]` and `CommonPrefixes[].[Prefix]`: one
 *   value a line, or `None` when there is none, as the CLI's text output prints a null query
 *   result (aws/aws-cli: awscli/text.py); exit 0 for an empty prefix; a missing bucket is
 *   NoSuchBucket, exit 254.
 * - `aws s3 sync SRC DST [--exclude P|--include P]…`: copies what is missing or different; filters
 *   apply in order, a later one taking precedence
 *   (https://docs.aws.amazon.com/cli/latest/reference/s3/index.html#use-of-exclude-and-include-filters);
 *   a missing S3 source copies nothing and exits 0 (https://github.com/aws/aws-cli/issues/9841).
 * - `aws s3api get-object --bucket B --key K [--version-id V] OUTFILE`: the current object, or the
 *   version V kept in $FAKE_S3_VERSIONS/B/K@V (NoSuchVersion / NoSuchKey, exit 254, when missing).
 * - `aws s3 cp - s3://…` (stdin to an object) and `aws s3 ls` (exit 1 when nothing matches:
 *   https://github.com/aws/aws-cli/issues/5544), kept so the old scripts can be run against the
 *   same failures.
 * Every object copied is logged to $FAKE_AWS_LOG. A fault (see {@link AwsFault}) lives in the
 * directory $FAKE_AWS_FAULT and is read at every call, so a test can inject and clear it while a
 * script runs.
 */
const FAKE_AWS = `#!/bin/sh
set -eu
args="$*"
fault() { [ -f "$FAKE_AWS_FAULT/code" ] && case $args in $(cat "$FAKE_AWS_FAULT/match")) true ;; *) false ;; esac; }
fail() { cat "$FAKE_AWS_FAULT/message" >&2; exit "$(cat "$FAKE_AWS_FAULT/code")"; }
if fault && [ ! -f "$FAKE_AWS_FAULT/after" ]; then fail; fi
svc=$1; cmd=$2; shift 2
local_path() { case $1 in s3://*) echo "$FAKE_S3/\${1#s3://}" ;; *) echo "$1" ;; esac; }
case $svc/$cmd in
  s3api/list-objects-v2)
    bucket="" prefix="" delimiter="" query="" max=""
    while [ $# -gt 0 ]; do
      case $1 in
        --bucket) bucket=$2 ;; --prefix) prefix=$2 ;; --delimiter) delimiter=$2 ;; --query) query=$2 ;; --max-items) max=$2 ;;
        --output) [ "$2" = text ] || { echo "fake aws: --output text only" >&2; exit 252; } ;;
        *) echo "fake aws: unknown option $1" >&2; exit 252 ;;
      esac
      shift 2
    done
    [ -d "$FAKE_S3/$bucket" ] || { echo "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist" >&2; exit 254; }
    keys=$(cd "$FAKE_S3/$bucket" && find . -type f | sed 's#^\\./##' | LC_ALL=C sort)
    contents="" prefixes=""
    for key in $keys; do
      case $key in "$prefix"*) ;; *) continue ;; esac
      rest=\${key#"$prefix"}
      if [ -n "$delimiter" ] && [ "\${rest#*"$delimiter"}" != "$rest" ]; then
        p="$prefix\${rest%%"$delimiter"*}$delimiter"
        case " $prefixes " in *" $p "*) ;; *) prefixes="$prefixes $p" ;; esac
      else
        contents="$contents $key"
      fi
    done
    case $query in
      'CommonPrefixes[].[Prefix]') values=$prefixes ;;
      'Contents[].[Key]') values=$contents ;;
      *) echo "fake aws: no query $query" >&2; exit 252 ;;
    esac
    n=0
    for v in $values; do
      if [ -n "$max" ] && [ "$n" -ge "$max" ]; then echo None; break; fi
      echo "$v"; n=$((n + 1))
    done
    [ -n "$values" ] || echo None
    ;;
  s3api/get-object)
    bucket="" key="" version="" out=""
    while [ $# -gt 0 ]; do
      case $1 in
        --bucket) bucket=$2; shift 2 ;; --key) key=$2; shift 2 ;; --version-id) version=$2; shift 2 ;;
        --*) echo "fake aws: unknown option $1" >&2; exit 252 ;;
        *) out=$1; shift ;;
      esac
    done
    if [ -n "$version" ]; then src="$FAKE_S3_VERSIONS/$bucket/$key@$version"; else src="$FAKE_S3/$bucket/$key"; fi
    if [ ! -f "$src" ]; then
      if [ -n "$version" ]; then echo "An error occurred (NoSuchVersion) when calling the GetObject operation: The specified version does not exist." >&2; else echo "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist." >&2; fi
      exit 254
    fi
    cp "$src" "$out"
    echo "$out" >> "$FAKE_AWS_LOG"
    printf '{"VersionId": "%s"}\n' "$version"
    ;;
  s3/ls)
    p=$(local_path "$1")
    case $p in */) dir=\${p%/}; base="" ;; *) dir=$(dirname "$p"); base=$(basename "$p") ;; esac
    found=0
    for name in $(ls -A "$dir" 2>/dev/null); do
      case $name in "$base"*) ;; *) continue ;; esac
      if [ -d "$dir/$name" ]; then echo "                           PRE $name/"; else echo "2025-01-01 00:00:00          1 $name"; fi
      found=1
    done
    [ $found = 1 ] || exit 1
    ;;
  s3/sync)
    src=$(local_path "$1"); dst=$(local_path "$2"); shift 2
    [ -d "$src" ] || exit 0
    set -f
    filters=""
    while [ $# -gt 0 ]; do case $1 in --exclude|--include) filters="$filters \${1#--}=$2"; shift 2 ;; *) shift ;; esac; done
    copied=0
    for f in $(cd "$src" && find . -type f | LC_ALL=C sort); do
      rel=\${f#./}
      skip=0
      for filter in $filters; do case $rel in \${filter#*=}) [ "\${filter%%=*}" = exclude ] && skip=1 || skip=0 ;; esac; done
      [ $skip = 1 ] && continue
      if [ -f "$dst/$rel" ] && cmp -s "$src/$rel" "$dst/$rel"; then continue; fi
      if fault && [ "$copied" -ge "$(cat "$FAKE_AWS_FAULT/after")" ]; then fail; fi
      mkdir -p "$(dirname "$dst/$rel")"
      cp "$src/$rel" "$dst/$rel"
      copied=$((copied + 1))
      echo "$dst/$rel" >> "$FAKE_AWS_LOG"
    done
    ;;
  s3/cp)
    [ "$1" = - ] || { echo "fake aws: cp from stdin only" >&2; exit 252; }
    dst=$(local_path "$2")
    mkdir -p "$(dirname "$dst")"
    cat > "$dst"
    echo "$dst" >> "$FAKE_AWS_LOG"
    ;;
  *) echo "fake aws: no $svc $cmd" >&2; exit 252 ;;
esac
`;

/**
 * How the fake `aws` fails: every call whose arguments match `match` (a shell pattern over
 * "$*", default every call) prints `stderr` and exits `code`; with `after`, an `aws s3 sync` first
 * copies that many objects (a partial sync).
 */
export interface AwsFault {
  readonly code: number;
  readonly stderr: string;
  readonly match?: string;
  readonly after?: number;
}

/**
 * The ways the AWS CLI v2 fails, with its documented return codes
 * (https://docs.aws.amazon.com/cli/latest/topic/return-codes.html, the aws-cli `return-codes` topic):
 * 1 — an s3 transfer failed (s3 commands only); 254 — the service answered with an error;
 * 255 — the command failed, e.g. no connection to the endpoint.
 */
export const AWS_FAILURES = {
  /** Exit 1: "at least one or more s3 transfers failed" (also what `aws s3 ls` returns for "no objects"). */
  exit1: { code: 1, stderr: 'download failed: s3://bucket/key to ./key An error occurred (InternalError) when calling the GetObject operation: We encountered an internal error. Please try again.' },
  /** Exit 254: the request reached S3, which refused it. */
  accessDenied: { code: 254, stderr: 'An error occurred (AccessDenied) when calling the ListObjectsV2 operation: User: arn:aws:sts::111122223333:assumed-role/strata/botocore-session is not authorized to perform: s3:ListBucket' },
  /** Exit 255: the request never got an answer. */
  network: { code: 255, stderr: 'Could not connect to the endpoint URL: "https://bucket.s3.us-west-2.amazonaws.com/?list-type=2&prefix=&encoding-type=url"' },
} as const satisfies Record<string, AwsFault>;

/** A partial sync: `after` objects are copied, then the connection drops (exit 1, a transfer failed). */
export function partialSync(after: number, match = '*'): AwsFault {
  return { code: 1, after, match, stderr: 'upload failed: ./part to s3://bucket/part Could not connect to the endpoint URL: "https://bucket.s3.us-west-2.amazonaws.com/part"' };
}

/** A sandbox: a fake S3, a fake aws on PATH, a log of copies, a fault to inject. */
export interface Sandbox {
  readonly root: string;
  readonly s3: string;
  /** Object versions: `<bucket>/<key>@<version id>` (see putVersion). */
  readonly versions: string;
  readonly log: string;
  readonly env: NodeJS.ProcessEnv;
  /** Makes the fake aws fail (from its next call on). */
  fail(fault: AwsFault): void;
  /** Makes the fake aws work again. */
  heal(): void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'strata-scripts-'));
  const bin = join(root, 'bin');
  const s3 = join(root, 's3');
  const versions = join(root, 's3-versions');
  mkdirSync(versions);
  const faultDir = join(root, 'aws-fault');
  mkdirSync(bin);
  mkdirSync(s3);
  mkdirSync(faultDir);
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  const log = join(root, 'copies.log');
  writeFileSync(log, '');
  const heal = () => {
    for (const f of ['code', 'message', 'match', 'after']) rmSync(join(faultDir, f), { force: true });
  };
  return {
    root,
    s3,
    versions,
    log,
    env: { PATH: `${bin}:${process.env.PATH}`, FAKE_S3: s3, FAKE_S3_VERSIONS: versions, FAKE_AWS_LOG: log, FAKE_AWS_FAULT: faultDir, HOME: root, TMPDIR: root },
    fail: (fault) => {
      heal();
      writeFileSync(join(faultDir, 'message'), `${fault.stderr}\n`);
      writeFileSync(join(faultDir, 'match'), fault.match ?? '*');
      if (fault.after !== undefined) writeFileSync(join(faultDir, 'after'), `${fault.after}`);
      writeFileSync(join(faultDir, 'code'), `${fault.code}`); // last: its presence turns the fault on
    },
    heal,
  };
}

/** Keeps an object version in the fake bucket (what `get-object --version-id` returns). */
export function putVersion(box: Sandbox, bucket: string, key: string, versionId: string, content: string): void {
  writeFiles(join(box.versions, bucket), { [`${key}@${versionId}`]: content });
}

/** Writes files under a directory (paths relative, parents created). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A shell to run the scripts with: its command line before `-c script`. */
export interface Shell {
  readonly name: string;
  readonly argv: readonly string[];
}

/** Where a command is (absolute, so that a script's own PATH need not hold its shell), or undefined. */
function found(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const BASH = found('bash');
const BUSYBOX = found('busybox');

/**
 * The shells the scripts must run in: /bin/sh (dash on Debian), bash in POSIX mode (the AWS CLI
 * image's /bin/sh is bash) and busybox sh (the gates' image) — each where it is installed.
 */
export const SHELLS: readonly Shell[] = [
  { name: '/bin/sh', argv: ['/bin/sh'] },
  ...(BASH ? [{ name: 'bash --posix', argv: [BASH, '--posix'] }] : []),
  ...(BUSYBOX ? [{ name: 'busybox sh', argv: [BUSYBOX, 'sh'] }] : []),
];

/** Whether busybox is installed (npm test and .ci/run install Debian's busybox as root). */
export const HAS_BUSYBOX = BUSYBOX !== undefined;

/** Runs a script to completion (`argv`: its arguments, $1…, as a container's command passes them after the script). */
export function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
  shell: Shell = SHELLS[0],
  options: { uid?: number; gid?: number } = {},
  argv: readonly string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const [cmd, ...args] = shell.argv;
  const r = spawnSync(cmd, [...args, '-c', script, ...(argv.length > 0 ? ['hydrate', ...argv] : [])], { env, encoding: 'utf8', timeout: 30_000, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const running = new Set<ChildProcess>();

/** Starts a script in the background; {@link stopScripts} ends it if the test did not. */
export function startScript(script: string, env: NodeJS.ProcessEnv, shell: Shell = SHELLS[0]) {
  const [cmd, ...args] = shell.argv;
  const child = spawn(cmd, [...args, '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stdout += d;
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stdout, errors: () => stderr };
}

/** Kills the scripts a failed test left running (a sidecar loops until it is told to stop). */
export function stopScripts(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Polls until `check` holds (at most `ms`). */
export async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
