import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HYDRATE_SCRIPT, RESTORE_SCRIPT, RESTORE_SHARED_SCRIPT, SYNC_SCRIPT, WAIT_FOR_CONTENT_SCRIPT, WAIT_FOR_FILE_SCRIPT } from '../src';
import { AWS_FAILURES, AwsFault, eventually, HAS_BUSYBOX, partialSync, runScript, sandbox, SHELLS, startScript, stopScripts, writeFiles } from './support/fake-aws';

/**
 * The helper scripts, run for real in every shell they meet (/bin/sh, bash --posix as in the AWS CLI
 * image, busybox sh as in the gates' image) against a fake `aws` over a local "bucket", which fails
 * the ways the AWS CLI v2 fails. Return codes: https://docs.aws.amazon.com/cli/latest/topic/return-codes.html
 * (1: an s3 transfer failed; 254: the service returned an error such as AccessDenied; 255: the
 * command failed, e.g. "Could not connect to the endpoint URL").
 */
const FAILURES = Object.entries(AWS_FAILURES) as [string, AwsFault][];
const BY_SHELL = SHELLS.map((shell) => [shell.name, shell] as const);

if (!HAS_BUSYBOX) {
  // Debian's busybox package; npm test and .ci/run install it when they run as root.
  test.skip('busybox sh: not installed here (apt-get install busybox), so the scripts ran in /bin/sh and bash --posix only', () => undefined);
}

describe.each(BY_SHELL)('hydration script (%s)', (_name, shell) => {
  const setup = () => {
    const box = sandbox();
    writeFiles(join(box.s3, 'models/llama/v1'), { 'config.json': '{}', 'model-00001.safetensors': 'a', 'model-00002.safetensors': 'b', 'tokenizer/vocab.txt': 'v' });
    const cache = join(box.root, 'cache');
    mkdirSync(cache);
    const env = { ...box.env, SOURCE_URI: 's3://models/llama/', MODEL_SOURCE: 's3://models/llama/v1/', MODEL_VERSION: 'v1', CACHE_DIR: cache };
    const run = (overrides: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_SCRIPT, { ...env, ...overrides }, shell);
    return { box, cache, run, copies: () => readFileSync(box.log, 'utf8').split('\n').filter(Boolean) };
  };

  test('copies the version, then writes the ready marker', () => {
    const { cache, run, copies } = setup();
    const r = run();
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/tokenizer/vocab.txt'), 'utf8')).toBe('v');
    expect(readFileSync(join(cache, 'v1/.strata-ready'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(copies()).toHaveLength(4);
  });

  // `aws s3 sync` exits 1 when a transfer failed (return-codes topic) after copying what it could.
  test('an interrupted copy leaves no marker, and the retry resumes where it stopped', () => {
    const { box, cache, run, copies } = setup();
    box.fail(partialSync(2));
    const first = run();
    expect(first.status).toBe(1);
    expect(first.stderr).toContain('Could not connect to the endpoint URL');
    expect(first.stderr).toContain('copying s3://models/llama/v1/ into');
    expect(first.stderr).toContain('aws s3 sync exited 1');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
    expect(copies()).toHaveLength(2);
    box.heal();
    const retry = run();
    expect(retry.status).toBe(0);
    expect(copies()).toHaveLength(4); // only the two missing objects were copied again
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('is idempotent: a version already marked ready is not copied again', () => {
    const { run, copies } = setup();
    expect(run().status).toBe(0);
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('model version v1 is already in the cache');
    expect(copies()).toHaveLength(4);
  });

  // ListObjectsV2 answers an empty prefix with no keys and the CLI exits 0; `aws s3 sync` of an
  // empty prefix also exits 0 (https://github.com/aws/aws-cli/issues/9841), so only the listing
  // tells "not published" apart.
  test('a version that is not published fails without a marker', () => {
    const { cache, run } = setup();
    const r = run({ MODEL_VERSION: 'v9' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no objects under s3://models/llama/v9/: is the model version published?');
    expect(existsSync(join(cache, 'v9'))).toBe(false);
  });

  // An error of the listing (254 AccessDenied, 255 no connection, or any other non-zero exit) is
  // not an empty answer: the old `aws s3 ls` check called all of them "not published".
  test.each(FAILURES)('a listing that fails (%s) stops with the aws error, not as "not published"', (_kind, fault) => {
    const { box, cache, run } = setup();
    box.fail(fault); // every call: the listing is the first
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot list s3://models/llama/v1/ (aws s3api list-objects-v2 exited ${fault.code}): ${fault.stderr}`);
    expect(r.stderr).toContain('s3:ListBucket on bucket models for prefix llama/v1/');
    expect(r.stderr).not.toContain('is the model version published');
    expect(existsSync(join(cache, 'v1'))).toBe(false);
  });

  // Every failure of `aws s3 sync` is a non-zero exit (1: a transfer failed, 2: a file skipped,
  // 254/255: service or connection); none may end with a ready marker.
  test.each(FAILURES)('a copy that fails (%s) leaves no marker', (_kind, fault) => {
    const { box, cache, run } = setup();
    box.fail({ ...fault, match: '*s3 sync*' });
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(fault.stderr);
    expect(r.stderr).toContain(`aws s3 sync exited ${fault.code}`);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
  });
});

describe.each(BY_SHELL)('restore script (%s)', (_name, shell) => {
  const setup = () => {
    const box = sandbox();
    const local = join(box.root, 'checkpoints');
    mkdirSync(local);
    mkdirSync(join(box.s3, 'ckpt')); // the bucket exists, with no checkpoint yet
    const env = { ...box.env, CHECKPOINT_DIR: local, CHECKPOINT_URI: 's3://ckpt/llama/run-1/', CHECKPOINT_RANKS: '2', JOB_COMPLETION_INDEX: '1' };
    const run = (overrides: NodeJS.ProcessEnv = {}) => runScript(RESTORE_SCRIPT, { ...env, ...overrides }, shell);
    const checkpoints = () =>
      writeFiles(join(box.s3, 'ckpt/llama/run-1'), {
        'step-000100/shard-0.pt': '100/0', 'step-000100/shard-1.pt': '100/1', 'step-000100/.strata-complete-0': 't', 'step-000100/.strata-complete-1': 't',
        'step-000200/shard-0.pt': '200/0', 'step-000200/shard-1.pt': '200/1', 'step-000200/.strata-complete-0': 't', 'step-000200/.strata-complete-1': 't',
        'step-000300/shard-0.pt': '300/0', 'step-000300/.strata-complete-0': 't', // rank 1 never finished uploading
      });
    return { box, local, run, checkpoints };
  };

  test('picks the newest checkpoint every rank completed', () => {
    const { local, run, checkpoints } = setup();
    checkpoints();
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipping checkpoint step-000300: completed by 1 of 2 rank(s)');
    expect(readFileSync(join(local, '.strata-restored'), 'utf8')).toBe('step-000200\n');
    expect(readFileSync(join(local, 'step-000200/shard-1.pt'), 'utf8')).toBe('200/1');
    expect(existsSync(join(local, 'step-000200/.strata-complete-0'))).toBe(false);
    expect(existsSync(join(local, 'step-000200/.complete'))).toBe(true);
    expect(existsSync(join(local, 'step-000200/.strata-uploaded-1'))).toBe(true); // not uploaded back
    expect(existsSync(join(local, 'step-000300'))).toBe(false);
    expect(existsSync(join(local, '.strata-run-finished'))).toBe(false);
  });

  // ListObjectsV2 of a prefix with no object succeeds with no key (exit 0): that, and only that,
  // is "no checkpoint".
  test('without a checkpoint, training starts from scratch', () => {
    const { local, run } = setup();
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no complete checkpoint: training starts from scratch');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
  });

  // The old script read `aws s3 ls … 2>/dev/null || names=""`: AccessDenied (254), no connection
  // (255) or exit 1 all read as "no checkpoint", and training silently restarted from step 0.
  test.each(FAILURES)('a listing of the checkpoints that fails (%s) stops the restore', (_kind, fault) => {
    const { box, local, run, checkpoints } = setup();
    checkpoints();
    box.fail(fault);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot list s3://ckpt/llama/run-1/ (aws s3api list-objects-v2 exited ${fault.code}): ${fault.stderr}`);
    expect(r.stdout).not.toContain('starts from scratch');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
  });

  // Likewise the count of `.strata-complete-<rank>` markers: a failed listing is not "0 ranks".
  test.each(FAILURES)('a listing of the completion markers that fails (%s) stops the restore', (_kind, fault) => {
    const { box, local, run, checkpoints } = setup();
    checkpoints();
    box.fail({ ...fault, match: '*step-000300/.strata-complete-*' });
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot list s3://ckpt/llama/run-1/step-000300/.strata-complete- (aws s3api list-objects-v2 exited ${fault.code}): ${fault.stderr}`);
    expect(r.stdout).not.toContain('skipping checkpoint step-000300');
    expect(r.stdout).not.toContain('starts from scratch');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
    expect(existsSync(join(local, 'step-000200'))).toBe(false);
  });

  // A missing bucket is NoSuchBucket (exit 254), not an empty run.
  test('a bucket that does not exist stops the restore', () => {
    const { local, run } = setup();
    const r = run({ CHECKPOINT_URI: 's3://no-such-bucket/llama/run-1/' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot list s3://no-such-bucket/llama/run-1/ (aws s3api list-objects-v2 exited 254): An error occurred (NoSuchBucket)');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
  });

  // `aws s3 sync` exits 1 when a transfer failed, after copying some files: the trainer must not
  // start from that partial checkpoint, and the retry copies only what is missing.
  test('a copy that fails midway restores nothing, and the retry completes it', () => {
    const { box, local, run, checkpoints } = setup();
    checkpoints();
    box.fail(partialSync(1));
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('restoring checkpoint step-000200 from s3://ckpt/llama/run-1/step-000200/ failed (aws s3 sync exited 1');
    expect(r.stderr).toContain('Could not connect to the endpoint URL');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
    expect(existsSync(join(local, 'step-000200/.complete'))).toBe(false);
    expect(existsSync(join(local, 'step-000200/.strata-uploaded-1'))).toBe(false);
    box.heal();
    expect(run().status).toBe(0);
    expect(readFileSync(join(local, '.strata-restored'), 'utf8')).toBe('step-000200\n');
    expect(readFileSync(join(local, 'step-000200/shard-1.pt'), 'utf8')).toBe('200/1');
  });

  // `--exclude ".strata-*" --include ".strata-final"`: the later filter wins
  // (https://docs.aws.amazon.com/cli/latest/reference/s3/index.html#use-of-exclude-and-include-filters).
  test('a final checkpoint marks the run finished', () => {
    const { box, local, run, checkpoints } = setup();
    checkpoints();
    writeFiles(join(box.s3, 'ckpt/llama/run-1'), { 'step-000200/.strata-final': '' });
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('checkpoint step-000200 is the final one: training was finished');
    expect(readFileSync(join(local, '.strata-run-finished'), 'utf8')).toBe('step-000200\n');
    expect(existsSync(join(local, 'step-000200/.strata-final'))).toBe(true);
  });
});

describe.each(BY_SHELL)('checkpoint sync sidecar (%s)', (_name, shell) => {
  afterEach(stopScripts);
  const setup = () => {
    const box = sandbox();
    const local = join(box.root, 'checkpoints');
    mkdirSync(local);
    const env = { ...box.env, CHECKPOINT_DIR: local, CHECKPOINT_URI: 's3://ckpt/llama/run-1/', SYNC_INTERVAL_SECONDS: '1', JOB_COMPLETION_INDEX: '0' };
    return { box, local, env, remote: join(box.s3, 'ckpt/llama/run-1'), start: () => startScript(SYNC_SCRIPT, env, shell) };
  };

  test('uploads finished checkpoints only, then everything left on SIGTERM', async () => {
    const { local, remote, start } = setup();
    writeFiles(local, { 'step-000100/model.pt': 'a', 'step-000100/.complete': '', 'step-000200/model.pt': 'partial' });
    const sidecar = start();
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-0')));
    expect(readFileSync(join(remote, 'step-000100/model.pt'), 'utf8')).toBe('a');
    expect(existsSync(join(remote, 'step-000100/.complete'))).toBe(false);
    expect(existsSync(join(remote, 'step-000200'))).toBe(false); // not finished: not uploaded

    // The trainer finishes step 200, the last one, and exits; the kubelet then sends the sidecar SIGTERM.
    writeFileSync(join(local, 'step-000200/model.pt'), 'b');
    writeFileSync(join(local, 'step-000200/.strata-final'), '');
    writeFileSync(join(local, 'step-000200/.complete'), '');
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
    expect(sidecar.output()).toContain('stopping: uploading every finished checkpoint before exit');
    expect(sidecar.output()).toContain('every finished checkpoint of rank 0 is in S3');
    expect(readFileSync(join(remote, 'step-000200/model.pt'), 'utf8')).toBe('b');
    expect(existsSync(join(remote, 'step-000200/.strata-final'))).toBe(true);
    expect(existsSync(join(remote, 'step-000200/.strata-complete-0'))).toBe(true);
  });

  test('a rank given as an expression over the pod\'s variables (a JobSet: job index × pods per Job + completion index)', async () => {
    const { local, remote, env } = setup();
    writeFiles(local, { 'step-000100/model.pt': 'a', 'step-000100/.complete': '' });
    const sidecar = startScript(SYNC_SCRIPT, { ...env, CHECKPOINT_RANK_EXPR: 'JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX', JOBSET_JOB_INDEX: '2', JOB_COMPLETION_INDEX: '3' }, shell);
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-11')));
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  });

  test('a rank whose variable is missing stops the sidecar before it uploads anything', async () => {
    const { local, remote, env } = setup();
    writeFiles(local, { 'step-000100/model.pt': 'a', 'step-000100/.complete': '' });
    const sidecar = startScript(SYNC_SCRIPT, { ...env, CHECKPOINT_RANK_EXPR: 'LWS_POD_INDEX' }, shell);
    expect(await sidecar.exited).not.toBe(0);
    expect(existsSync(join(remote, 'step-000100'))).toBe(false);
  });

  // `aws s3 sync` exits 1 when a transfer failed, having copied the files before it: the marker
  // must wait until every file is in S3.
  test('a partial upload writes no marker, and the next round completes it', async () => {
    const { box, local, remote, start } = setup();
    writeFiles(local, { 'step-000100/a.pt': 'a', 'step-000100/b.pt': 'b', 'step-000100/.complete': '' });
    box.fail(partialSync(1));
    const sidecar = start();
    await eventually(() => sidecar.errors().includes('upload of checkpoint(s) step-000100 failed; trying again in 1s'));
    expect(sidecar.errors()).toContain('checkpoint step-000100: aws s3 sync to s3://ckpt/llama/run-1/step-000100/ exited 1');
    expect(existsSync(join(remote, 'step-000100/a.pt'))).toBe(true);
    expect(existsSync(join(remote, 'step-000100/b.pt'))).toBe(false);
    expect(existsSync(join(remote, 'step-000100/.strata-complete-0'))).toBe(false);
    expect(existsSync(join(local, 'step-000100/.strata-uploaded-0'))).toBe(false);
    box.heal();
    // The local marker follows the remote one (the script touches it after the upload): wait for both.
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-0')) && existsSync(join(local, 'step-000100/.strata-uploaded-0')));
    expect(readFileSync(join(remote, 'step-000100/b.pt'), 'utf8')).toBe('b');
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  });

  // The marker upload (`aws s3 cp -`) fails like any request (254, 255): the checkpoint stays not
  // durable and is tried again.
  test('a marker that cannot be written is tried again', async () => {
    const { box, local, remote, start } = setup();
    writeFiles(local, { 'step-000100/a.pt': 'a', 'step-000100/.complete': '' });
    box.fail({ ...AWS_FAILURES.accessDenied, match: '*s3 cp*' });
    const sidecar = start();
    await eventually(() => sidecar.errors().includes('writing s3://ckpt/llama/run-1/step-000100/.strata-complete-0 failed (aws s3 cp exited 254'));
    expect(existsSync(join(local, 'step-000100/.strata-uploaded-0'))).toBe(false);
    box.heal();
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-0')));
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  });

  // On SIGTERM there is no next round: a failed final upload (1, 254 or 255) must fail the
  // container and say which checkpoint is not in S3.
  test.each(FAILURES)('a final upload that fails (%s) exits 1 and names the checkpoint not in S3', async (_kind, fault) => {
    const { box, local, remote, start } = setup();
    writeFiles(local, { 'step-000100/model.pt': 'a', 'step-000100/.complete': '' });
    const sidecar = start();
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-0')));
    box.fail({ ...fault, match: '*step-000200*' });
    writeFiles(local, { 'step-000200/model.pt': 'b', 'step-000200/.complete': '' });
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(1);
    expect(sidecar.errors()).toContain(fault.stderr);
    expect(sidecar.errors()).toContain('checkpoint step-000200 is NOT in S3 (no s3://ckpt/llama/run-1/step-000200/.strata-complete-0)');
    expect(sidecar.errors()).not.toContain('step-000100 is NOT in S3');
    expect(existsSync(join(remote, 'step-000200/.strata-complete-0'))).toBe(false);
    expect(existsSync(join(local, 'step-000200/.strata-uploaded-0'))).toBe(false);
  });
});

describe.each(BY_SHELL)('gate scripts (%s)', (_name, shell) => {
  test('the marker gate passes once the file exists and fails after its timeout', () => {
    const box = sandbox();
    const file = join(box.root, 'v1/.strata-ready');
    const env = { ...box.env, READY_FILE: file, READY_TIMEOUT_SECONDS: '0', WAITING_FOR: 'model version v1' };
    const missing = runScript(WAIT_FOR_FILE_SCRIPT, env, shell);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`model version v1 is not ready after 0s (${file} is missing)`);
    writeFiles(box.root, { 'v1/.strata-ready': '2025-01-01T00:00:00Z\n' });
    const ready = runScript(WAIT_FOR_FILE_SCRIPT, env, shell);
    expect(ready.status).toBe(0);
    expect(ready.stdout).toContain('model version v1 is ready (since 2025-01-01T00:00:00Z)');
  });

  test('the content gate waits for files in the directory', () => {
    const box = sandbox();
    const dir = join(box.root, 'models/v2');
    const env = { ...box.env, READY_DIR: dir, READY_TIMEOUT_SECONDS: '0', WAITING_FOR: 'model version v2' };
    const missing = runScript(WAIT_FOR_CONTENT_SCRIPT, env, shell);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`model version v2 has no files after 0s (${dir} is empty or missing)`);
    writeFiles(dir, { 'config.json': '{}' });
    expect(runScript(WAIT_FOR_CONTENT_SCRIPT, env, shell).status).toBe(0);
  });

  // A directory the gate cannot read (EACCES from opendir(3), as for a volume owned by another uid
  // without fsGroup) hides the file as well as its absence would; the old content gate's
  // `ls -A … 2>/dev/null` read it as "empty" and waited the whole timeout.
  describe('a directory that cannot be listed fails at once, with the error', () => {
    const asRoot = process.getuid?.() === 0;
    // Root reads every directory: the gate then runs as nobody (65534), as a pod's non-root uid would.
    const as = asRoot ? { uid: 65534, gid: 65534 } : {};
    let base = '';
    let cache = '';
    beforeEach(() => {
      base = mkdtempSync('/tmp/strata-gate-'); // under /tmp (mode 1777), so that nobody can reach it
      chmodSync(base, 0o755);
      cache = join(base, 'cache');
      mkdirSync(join(cache, 'v1'), { recursive: true });
      chmodSync(cache, asRoot ? 0o700 : 0o000);
    });
    afterEach(() => {
      chmodSync(cache, 0o700);
      rmSync(base, { recursive: true, force: true });
    });
    const env = { PATH: process.env.PATH, READY_TIMEOUT_SECONDS: '600', WAITING_FOR: 'model version v1' };

    test('marker gate', () => {
      const r = runScript(WAIT_FOR_FILE_SCRIPT, { ...env, READY_FILE: join(cache, 'v1/.strata-ready') }, shell, as);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Permission denied/i);
      expect(r.stderr).toContain(`cannot list ${cache}`);
      expect(r.stdout).not.toContain('waiting for');
    });

    test('content gate', () => {
      const r = runScript(WAIT_FOR_CONTENT_SCRIPT, { ...env, READY_DIR: join(cache, 'v1') }, shell, as);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Permission denied/i);
      expect(r.stderr).toContain(`cannot list ${cache}`);
      expect(r.stdout).not.toContain('waiting for');
    });
  });
});

describe.each(BY_SHELL)('restore script of a shared file system (FSx layout) (%s)', (_name, shell) => {
  const setup = () => {
    const box = sandbox();
    const dir = join(box.root, 'fsx/ckpt/run-7');
    const run = (overrides: NodeJS.ProcessEnv = {}) => runScript(RESTORE_SHARED_SCRIPT, { ...box.env, CHECKPOINT_DIR: dir, ...overrides }, shell);
    return { box, dir, run };
  };

  test('makes the run\'s directory and starts from scratch when nothing is there', () => {
    const { dir, run } = setup();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`no complete checkpoint in ${dir}: training starts from scratch`);
    expect(existsSync(dir)).toBe(true);
    expect(existsSync(join(dir, '.strata-restored'))).toBe(false);
  });

  test('names the newest checkpoint rank 0 marked complete, skipping one still being written', () => {
    const { dir, run } = setup();
    writeFiles(dir, {
      'step-000100/shard-0.pt': 'a', 'step-000100/.complete': '',
      'step-000200/shard-0.pt': 'b', 'step-000200/shard-1.pt': 'b', 'step-000200/.complete': '',
      'step-000300/shard-0.pt': 'c', // the trainers were stopped while writing it
      '.strata-restored': 'step-000100\n', '.strata-run-finished': 'step-000100\n', // from an earlier start
    });
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipping checkpoint step-000300: it has no .complete (not finished)');
    expect(r.stdout).toContain('resuming from checkpoint step-000200');
    expect(readFileSync(join(dir, '.strata-restored'), 'utf8')).toBe('step-000200\n');
    expect(existsSync(join(dir, '.strata-run-finished'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.strata-restored.'))).toEqual([]); // no temporary name left
  });

  test('a final checkpoint marks the run finished', () => {
    const { dir, run } = setup();
    writeFiles(dir, { 'step-000900/model.pt': 'z', 'step-000900/.strata-final': '', 'step-000900/.complete': '' });
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('checkpoint step-000900 is the final one: training was finished');
    expect(readFileSync(join(dir, '.strata-run-finished'), 'utf8')).toBe('step-000900\n');
  });

  test('a directory the trainers\' uid cannot make fails at once, with the fix', () => {
    const asRoot = process.getuid?.() === 0;
    const base = mkdtempSync('/tmp/strata-fsx-');
    try {
      chmodSync(base, 0o755);
      const fsx = join(base, 'ckpt');
      mkdirSync(fsx, { mode: 0o755 });
      if (!asRoot) chmodSync(fsx, 0o555);
      const r = runScript(RESTORE_SHARED_SCRIPT, { PATH: process.env.PATH, HOME: base, CHECKPOINT_DIR: join(fsx, 'run-7') }, shell, asRoot ? { uid: 65534, gid: 65534 } : {});
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Permission denied/i);
      expect(r.stderr).toMatch(/cannot create .*\/ckpt\/run-7 \(uid \d+, gid \d+; the error is above\): the checkpoints' directory on the file system must be writable by the trainers' uid; hand it over once \(chown from an admin pod\)/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
