import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HYDRATE_SCRIPT, RESTORE_SCRIPT, SYNC_SCRIPT, WAIT_FOR_CONTENT_SCRIPT, WAIT_FOR_FILE_SCRIPT } from '../src';
import { eventually, runScript, sandbox, startScript, writeFiles } from './support/fake-aws';

/** The helper scripts, run for real with sh against a fake `aws` over a local "bucket". */
describe('hydration script', () => {
  const setup = () => {
    const box = sandbox();
    writeFiles(join(box.s3, 'models/llama/v1'), { 'config.json': '{}', 'model-00001.safetensors': 'a', 'model-00002.safetensors': 'b', 'tokenizer/vocab.txt': 'v' });
    const cache = join(box.root, 'cache');
    mkdirSync(cache);
    const env = { ...box.env, SOURCE_URI: 's3://models/llama/', MODEL_VERSION: 'v1', CACHE_DIR: cache };
    return { box, cache, env, copies: () => readFileSync(box.log, 'utf8').split('\n').filter(Boolean) };
  };

  test('copies the version, then writes the ready marker', () => {
    const { cache, env, copies } = setup();
    const r = runScript(HYDRATE_SCRIPT, env);
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/tokenizer/vocab.txt'), 'utf8')).toBe('v');
    expect(readFileSync(join(cache, 'v1/.strata-ready'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(copies()).toHaveLength(4);
  });

  test('an interrupted copy leaves no marker, and the retry resumes where it stopped', () => {
    const { cache, env, copies } = setup();
    const first = runScript(HYDRATE_SCRIPT, { ...env, FAKE_AWS_FAIL_AFTER: '2' });
    expect(first.status).not.toBe(0);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
    expect(copies()).toHaveLength(2);
    const retry = runScript(HYDRATE_SCRIPT, env);
    expect(retry.status).toBe(0);
    expect(copies()).toHaveLength(4); // only the two missing objects were copied again
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('is idempotent: a version already marked ready is not copied again', () => {
    const { env, copies } = setup();
    runScript(HYDRATE_SCRIPT, env);
    const again = runScript(HYDRATE_SCRIPT, env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('model version v1 is already in the cache');
    expect(copies()).toHaveLength(4);
  });

  test('a version that is not published fails without a marker', () => {
    const { cache, env } = setup();
    const r = runScript(HYDRATE_SCRIPT, { ...env, MODEL_VERSION: 'v9' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no objects under s3://models/llama/v9/: is the model version published?');
    expect(existsSync(join(cache, 'v9'))).toBe(false);
  });
});

describe('gate scripts', () => {
  test('the marker gate passes once the file exists and fails after its timeout', () => {
    const box = sandbox();
    const file = join(box.root, 'v1/.strata-ready');
    const missing = runScript(WAIT_FOR_FILE_SCRIPT, { ...box.env, READY_FILE: file, READY_TIMEOUT_SECONDS: '0', WAITING_FOR: 'model version v1' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`model version v1 is not ready after 0s (${file} is missing)`);
    writeFiles(box.root, { 'v1/.strata-ready': '2025-01-01T00:00:00Z\n' });
    const ready = runScript(WAIT_FOR_FILE_SCRIPT, { ...box.env, READY_FILE: file, READY_TIMEOUT_SECONDS: '0', WAITING_FOR: 'model version v1' });
    expect(ready.status).toBe(0);
    expect(ready.stdout).toContain('model version v1 is ready (since 2025-01-01T00:00:00Z)');
  });

  test('the content gate waits for files in the directory', () => {
    const box = sandbox();
    const dir = join(box.root, 'models/v2');
    const env = { ...box.env, READY_DIR: dir, READY_TIMEOUT_SECONDS: '0', WAITING_FOR: 'model version v2' };
    expect(runScript(WAIT_FOR_CONTENT_SCRIPT, env).status).toBe(1);
    writeFiles(dir, { 'config.json': '{}' });
    expect(runScript(WAIT_FOR_CONTENT_SCRIPT, env).status).toBe(0);
  });
});

describe('checkpoint scripts', () => {
  const setup = () => {
    const box = sandbox();
    const local = join(box.root, 'checkpoints');
    mkdirSync(local);
    const env = { ...box.env, CHECKPOINT_DIR: local, CHECKPOINT_URI: 's3://ckpt/llama/run-1/', SYNC_INTERVAL_SECONDS: '1', CHECKPOINT_RANKS: '2' };
    return { box, local, env, remote: join(box.s3, 'ckpt/llama/run-1') };
  };

  test('restore picks the newest checkpoint every rank completed', () => {
    const { box, local, env } = setup();
    writeFiles(join(box.s3, 'ckpt/llama/run-1'), {
      'step-000100/shard-0.pt': '100/0', 'step-000100/shard-1.pt': '100/1', 'step-000100/.strata-complete-0': 't', 'step-000100/.strata-complete-1': 't',
      'step-000200/shard-0.pt': '200/0', 'step-000200/shard-1.pt': '200/1', 'step-000200/.strata-complete-0': 't', 'step-000200/.strata-complete-1': 't',
      'step-000300/shard-0.pt': '300/0', 'step-000300/.strata-complete-0': 't', // rank 1 never finished uploading
    });
    const r = runScript(RESTORE_SCRIPT, { ...env, JOB_COMPLETION_INDEX: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipping checkpoint step-000300: completed by 1 of 2 rank(s)');
    expect(readFileSync(join(local, '.strata-restored'), 'utf8')).toBe('step-000200\n');
    expect(readFileSync(join(local, 'step-000200/shard-1.pt'), 'utf8')).toBe('200/1');
    expect(existsSync(join(local, 'step-000200/.strata-complete-0'))).toBe(false);
    expect(existsSync(join(local, 'step-000200/.complete'))).toBe(true);
    expect(existsSync(join(local, 'step-000200/.strata-uploaded-1'))).toBe(true); // not uploaded back
    expect(existsSync(join(local, 'step-000300'))).toBe(false);
  });

  test('restore without a checkpoint starts from scratch', () => {
    const { local, env } = setup();
    const r = runScript(RESTORE_SCRIPT, env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no complete checkpoint: training starts from scratch');
    expect(existsSync(join(local, '.strata-restored'))).toBe(false);
  });

  test('the sidecar uploads finished checkpoints only, then everything left on SIGTERM', async () => {
    const { local, env, remote } = setup();
    writeFiles(local, { 'step-000100/model.pt': 'a', 'step-000100/.complete': '', 'step-000200/model.pt': 'partial' });
    const sidecar = startScript(SYNC_SCRIPT, { ...env, JOB_COMPLETION_INDEX: '0' });
    await eventually(() => existsSync(join(remote, 'step-000100/.strata-complete-0')));
    expect(readFileSync(join(remote, 'step-000100/model.pt'), 'utf8')).toBe('a');
    expect(existsSync(join(remote, 'step-000100/.complete'))).toBe(false);
    expect(existsSync(join(remote, 'step-000200'))).toBe(false); // not finished: not uploaded

    // The trainer finishes step 200 and exits; the kubelet then sends the sidecar SIGTERM.
    writeFileSync(join(local, 'step-000200/model.pt'), 'b');
    writeFileSync(join(local, 'step-000200/.complete'), '');
    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
    expect(sidecar.output()).toContain('stopping: uploading every finished checkpoint before exit');
    expect(readFileSync(join(remote, 'step-000200/model.pt'), 'utf8')).toBe('b');
    expect(existsSync(join(remote, 'step-000200/.strata-complete-0'))).toBe(true);
  });
});
