import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for the three AWS CLI commands the patterns' scripts use (`aws s3 ls`, `aws s3 sync`,
 * `aws s3 cp -`), over a local directory: s3://bucket/key is $FAKE_S3/bucket/key. Every object
 * copied is logged to $FAKE_AWS_LOG; FAKE_AWS_FAIL_AFTER=n makes a sync fail after n objects
 * (an interrupted copy).
 */
const FAKE_AWS = `#!/bin/sh
set -eu
[ "$1" = s3 ] || { echo "fake aws: only s3" >&2; exit 2; }
cmd=$2; shift 2
local_path() { case $1 in s3://*) echo "$FAKE_S3/\${1#s3://}" ;; *) echo "$1" ;; esac; }
case $cmd in
  ls)
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
  sync)
    src=$(local_path "$1"); dst=$(local_path "$2"); shift 2
    set -f
    excludes=""
    while [ $# -gt 0 ]; do case $1 in --exclude) excludes="$excludes $2"; shift 2 ;; *) shift ;; esac; done
    copied=0
    for f in $(cd "$src" && find . -type f | sort); do
      rel=\${f#./}
      skip=0
      for pattern in $excludes; do case $rel in $pattern) skip=1 ;; esac; done
      [ $skip = 1 ] && continue
      if [ -f "$dst/$rel" ] && cmp -s "$src/$rel" "$dst/$rel"; then continue; fi
      if [ -n "\${FAKE_AWS_FAIL_AFTER:-}" ] && [ "$copied" -ge "$FAKE_AWS_FAIL_AFTER" ]; then echo "fake aws: connection reset" >&2; exit 1; fi
      mkdir -p "$(dirname "$dst/$rel")"
      cp "$src/$rel" "$dst/$rel"
      copied=$((copied + 1))
      echo "$dst/$rel" >> "$FAKE_AWS_LOG"
    done
    ;;
  cp)
    [ "$1" = - ] || { echo "fake aws: cp from stdin only" >&2; exit 2; }
    dst=$(local_path "$2")
    mkdir -p "$(dirname "$dst")"
    cat > "$dst"
    echo "$dst" >> "$FAKE_AWS_LOG"
    ;;
  *) echo "fake aws: no $cmd" >&2; exit 2 ;;
esac
`;

/** A sandbox: a fake S3, a fake aws on PATH, a log of copies. */
export interface Sandbox {
  readonly root: string;
  readonly s3: string;
  readonly log: string;
  readonly env: NodeJS.ProcessEnv;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'strata-scripts-'));
  const bin = join(root, 'bin');
  const s3 = join(root, 's3');
  mkdirSync(bin);
  mkdirSync(s3);
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  const log = join(root, 'copies.log');
  writeFileSync(log, '');
  return { root, s3, log, env: { PATH: `${bin}:${process.env.PATH}`, FAKE_S3: s3, FAKE_AWS_LOG: log, HOME: root } };
}

/** Writes files under a directory (paths relative, parents created). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
}

/** Runs a script with sh to completion. */
export function runScript(script: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a script in the background. */
export function startScript(script: string, env: NodeJS.ProcessEnv) {
  const child = spawn('/bin/sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stdout };
}

/** Polls until `check` holds (at most `ms`). */
export async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
