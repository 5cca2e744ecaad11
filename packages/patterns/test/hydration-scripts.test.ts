import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HYDRATE_COMMAND_SCRIPT, HYDRATE_HF_SCRIPT, HYDRATE_IMAGE_SCRIPT, HYDRATE_NGC_SCRIPT, HYDRATE_SCRIPT, TOOLS_SCRIPT } from '../src';
import { HAS_BUSYBOX, runScript, sandbox, SHELLS, writeFiles } from './support/fake-aws';

/**
 * The hydration scripts of every model source, run for real in /bin/sh, bash --posix and busybox
 * sh, against stand-ins for the CLIs they call (hf, huggingface-cli, ngc) that behave as the real
 * ones do where the scripts rely on them: `download <repo> --revision <rev> --local-dir <dir>`
 * (huggingface/huggingface_hub@v1.28.0:src/huggingface_hub/cli/download.py), a non-zero exit with the
 * error on stderr. The sources that run in images without a shell (image, command, and the CLIs'
 * own images) run under the busybox the tools init container copies (TOOLS_SCRIPT), with a PATH that
 * has nothing else on it.
 */
const BY_SHELL = SHELLS.map((shell) => [shell.name, shell] as const);

/** A fake `hf` (or `huggingface-cli`): the "Hub" is $FAKE_HUB/<owner>/<name>/<revision>/…; gated repos need HF_TOKEN. */
const FAKE_HF = `#!/bin/sh
set -eu
[ "$1" = download ] || { echo "fake hf: only download" >&2; exit 2; }
repo=$2; shift 2
revision=main local_dir=""
while [ $# -gt 0 ]; do
  case $1 in --revision) revision=$2 ;; --local-dir) local_dir=$2 ;; *) echo "fake hf: unknown option $1" >&2; exit 2 ;; esac
  shift 2
done
echo "$(basename "$0") download $repo --revision $revision --local-dir $local_dir" >> "$FAKE_LOG"
src="$FAKE_HUB/$repo/$revision"
if [ -f "$FAKE_HUB/$repo/gated" ] && [ "\${HF_TOKEN:-}" != "$(cat "$FAKE_HUB/$repo/gated")" ]; then
  echo "huggingface_hub.errors.GatedRepoError: 401 Client Error. Access to model $repo is restricted." >&2; exit 1
fi
[ -d "$src" ] || { echo "huggingface_hub.errors.RevisionNotFoundError: 404 Client Error. Revision Not Found for url: https://huggingface.co/api/models/$repo/revision/$revision." >&2; exit 1; }
mkdir -p "$local_dir/.cache/huggingface"
cp -R "$src/." "$local_dir/"
`;

/** A fake `ngc`: the "registry" is $FAKE_NGC/<org>/<team>/<model>/<version>/…, written to <dest>/<model>_v<version>/. */
const FAKE_NGC = `#!/bin/sh
set -eu
[ "$1 $2 $3" = "registry model download-version" ] || { echo "fake ngc: only registry model download-version" >&2; exit 2; }
ref=$4; shift 4
[ "$1" = --dest ] || { echo "fake ngc: --dest expected" >&2; exit 2; }
dest=$2
path=\${ref%%:*}; version=\${ref#*:}; name=\${path##*/}
[ "\${NGC_CLI_API_KEY:-}" = nvapi-ok ] || { echo "Error: Invalid apikey" >&2; exit 1; }
[ -d "$FAKE_NGC/$path/$version" ] || { echo "Error: '$ref' could not be found." >&2; exit 1; }
mkdir -p "$dest/\${name}_v$version"
cp -R "$FAKE_NGC/$path/$version/." "$dest/\${name}_v$version/"
`;

/** A directory with busybox and its applets, as TOOLS_SCRIPT leaves it (when busybox is installed). */
function toolsDir(root: string): string {
  const dir = join(root, 'strata-tools');
  mkdirSync(dir);
  if (HAS_BUSYBOX) {
    const r = runScript(TOOLS_SCRIPT, { PATH: process.env.PATH, STRATA_TOOLS: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }
  return dir;
}

/** A sandbox with a cache, an "image" PATH holding only the given fake CLIs, and the tools. */
function setup(clis: Record<string, string> = {}) {
  const box = sandbox();
  const cache = join(box.root, 'cache');
  mkdirSync(cache);
  const imageBin = join(box.root, 'image-bin');
  mkdirSync(imageBin);
  for (const [name, text] of Object.entries(clis)) {
    writeFileSync(join(imageBin, name), text);
    chmodSync(join(imageBin, name), 0o755);
  }
  const tools = toolsDir(box.root);
  const log = join(box.root, 'cli.log');
  writeFileSync(log, '');
  // With busybox, the image PATH holds only the fake CLIs: everything else must come from the tools.
  // Without it, the host's tools stand in for busybox's.
  const path = HAS_BUSYBOX ? imageBin : `${imageBin}:${process.env.PATH}`;
  const env: NodeJS.ProcessEnv = { PATH: path, HOME: box.root, TMPDIR: box.root, STRATA_TOOLS: tools, CACHE_DIR: cache, MODEL_VERSION: 'v1', FAKE_LOG: log };
  return { box, cache, imageBin, tools, env, log: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe.each(BY_SHELL)('the hydration wrapper, the same for every source (%s)', (_name, shell) => {
  const image = () => {
    const s = setup();
    writeFiles(join(s.box.root, 'weights'), { 'config.json': '{}', 'model.safetensors': 'w' });
    const env = { ...s.env, MODEL_SOURCE: 'image://weights:1/weights', IMAGE_MODEL_DIR: join(s.box.root, 'weights') };
    return { ...s, run: (over: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_IMAGE_SCRIPT, { ...env, ...over }, shell) };
  };

  test('records the source beside the ready marker, and leaves a ready version alone', () => {
    const { cache, run } = image();
    expect(run().status).toBe(0);
    expect(readFileSync(join(cache, 'v1/.strata-source'), 'utf8')).toBe('image://weights:1/weights\n');
    expect(readFileSync(join(cache, 'v1/.strata-ready'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('model version v1 is already in the cache (ready since');
  });

  test('a version already hydrated from another source fails loudly: one version names one model', () => {
    const { cache, run } = image();
    expect(run().status).toBe(0);
    const other = run({ MODEL_SOURCE: 'image://weights:2/weights' });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`model version v1 in the cache holds image://weights:1/weights, not image://weights:2/weights: a version names one model; give the new one another version, or delete ${cache}/v1 to hydrate it again`);
  });

  test('a version hydrated before sources were recorded (a marker, no record) is kept', () => {
    const { cache, run } = image();
    writeFiles(join(cache, 'v1'), { 'model.safetensors': 'old', '.strata-ready': '2025-01-01T00:00:00Z\n' });
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ready since 2025-01-01T00:00:00Z');
    expect(readFileSync(join(cache, 'v1/model.safetensors'), 'utf8')).toBe('old');
  });

  test('a source that leaves no files is not marked ready', () => {
    const { box, cache, run } = image();
    const empty = join(box.root, 'nothing');
    mkdirSync(empty);
    writeFiles(empty, { '.strata-ready': 'forged' });
    const r = run({ IMAGE_MODEL_DIR: empty });
    // The image source refuses an empty directory itself; a hidden marker file is not a model either.
    expect(r.status).toBe(1);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
  });

  test('a cache root the hydration cannot write fails at once, naming the uid and the fix', () => {
    // Root writes everywhere: the script then runs as nobody (65534), as a pod's non-root uid would.
    const asRoot = process.getuid?.() === 0;
    const base = mkdtempSync('/tmp/strata-hydrate-'); // under /tmp (mode 1777), so that nobody can reach it
    try {
      chmodSync(base, 0o755);
      const tools = toolsDir(base);
      writeFiles(join(base, 'weights'), { 'model.safetensors': 'w' });
      const cache = join(base, 'cache');
      mkdirSync(cache, { mode: 0o555 });
      chmodSync(cache, 0o555);
      const env = { PATH: HAS_BUSYBOX ? join(base, 'none') : process.env.PATH, HOME: base, STRATA_TOOLS: tools, CACHE_DIR: cache, MODEL_VERSION: 'v1', MODEL_SOURCE: 'image://weights:1/weights', IMAGE_MODEL_DIR: join(base, 'weights') };
      const r = runScript(HYDRATE_IMAGE_SCRIPT, env, shell, asRoot ? { uid: 65534, gid: 65534 } : {});
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Permission denied/i);
      expect(r.stderr).toMatch(/cannot create .*\/cache\/v1 \(uid \d+, gid \d+; the error is above\): the cache's root must be writable by this uid; hand it over once \(chown from an admin pod\), or mount the cache through an EFS access point/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe.each(BY_SHELL)('S3 source (%s): the wrapper around aws s3 sync', (_name, shell) => {
  test('the version is copied, recorded and marked (the rest is in scripts.test.ts)', () => {
    const box = sandbox();
    writeFiles(join(box.s3, 'models/llama/v1'), { 'config.json': '{}' });
    const cache = join(box.root, 'cache');
    mkdirSync(cache);
    const r = runScript(HYDRATE_SCRIPT, { ...box.env, SOURCE_URI: 's3://models/llama/', MODEL_SOURCE: 's3://models/llama/v1/', MODEL_VERSION: 'v1', CACHE_DIR: cache }, shell);
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/.strata-source'), 'utf8')).toBe('s3://models/llama/v1/\n');
  });
});

describe.each(BY_SHELL)('Hugging Face source (%s)', (_name, shell) => {
  const REV = '0123456789abcdef0123456789abcdef01234567';
  const hub = (root: string) => {
    writeFiles(join(root, 'hub/meta-llama/Llama-3.1-8B/' + REV), { 'config.json': '{}', 'model-00001-of-00002.safetensors': 'a', 'model-00002-of-00002.safetensors': 'b' });
    return join(root, 'hub');
  };
  const hf = (clis: Record<string, string> = { hf: FAKE_HF }) => {
    const s = setup(clis);
    const env = { ...s.env, FAKE_HUB: hub(s.box.root), HF_REPO: 'meta-llama/Llama-3.1-8B', HF_REVISION: REV, MODEL_SOURCE: `hf://meta-llama/Llama-3.1-8B@${REV}` };
    return { ...s, run: (over: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_HF_SCRIPT, { ...env, ...over }, shell) };
  };

  test('downloads the pinned commit into <cache>/<version>/ with hf, then marks it ready', () => {
    const { cache, run, log } = hf();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(log()).toEqual([`hf download meta-llama/Llama-3.1-8B --revision ${REV} --local-dir ${cache}/v1`]);
    expect(readFileSync(join(cache, 'v1/model-00002-of-00002.safetensors'), 'utf8')).toBe('b');
    expect(readFileSync(join(cache, 'v1/.strata-source'), 'utf8')).toBe(`hf://meta-llama/Llama-3.1-8B@${REV}\n`);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('falls back to huggingface-cli (huggingface_hub before 0.34)', () => {
    const { cache, run, log } = hf({ 'huggingface-cli': FAKE_HF });
    expect(run().status).toBe(0);
    expect(log()).toEqual([`huggingface-cli download meta-llama/Llama-3.1-8B --revision ${REV} --local-dir ${cache}/v1`]);
  });

  test('an image without huggingface_hub fails with what to give', () => {
    const { cache, run } = hf({});
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('this image has neither hf (huggingface_hub 0.34 or later) nor huggingface-cli: give the Hugging Face source an image with huggingface_hub installed');
    expect(existsSync(join(cache, 'v1'))).toBe(false);
  });

  test('a gated model: the token from the Secret gets it; without it the Hub\'s error and the fix, and no marker', () => {
    const { box, cache, run } = hf();
    writeFileSync(join(box.root, 'hub/meta-llama/Llama-3.1-8B/gated'), 'hf_secret');
    const denied = run();
    expect(denied.status).toBe(1);
    expect(denied.stderr).toContain('GatedRepoError: 401 Client Error. Access to model meta-llama/Llama-3.1-8B is restricted.');
    expect(denied.stderr).toContain(`downloading meta-llama/Llama-3.1-8B at revision ${REV} into ${cache}/v1 failed (hf download exited 1; its errors are above): model version v1 is not marked ready`);
    expect(denied.stderr).toContain('check the token (HF_TOKEN, from its Secret) and that its account accepted the model\'s terms (gated models)');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
    expect(run({ HF_TOKEN: 'hf_secret' }).status).toBe(0);
  });

  test('a revision the Hub does not have fails with its error', () => {
    const { cache, run } = hf();
    const r = run({ HF_REVISION: 'f'.repeat(40) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('RevisionNotFoundError: 404 Client Error.');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
  });

  test('huggingface_hub\'s own metadata (.cache) alone is not a model', () => {
    const { box, cache, run } = hf();
    mkdirSync(join(box.root, 'hub/meta-llama/Empty/' + REV), { recursive: true });
    const r = run({ HF_REPO: 'meta-llama/Empty' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`hf://meta-llama/Llama-3.1-8B@${REV} left no files in ${cache}/v1: model version v1 is not marked ready`);
  });
});

describe.each(BY_SHELL)('NGC source (%s)', (_name, shell) => {
  const ngc = (clis: Record<string, string> = { ngc: FAKE_NGC }) => {
    const s = setup(clis);
    writeFiles(join(s.box.root, 'ngc/nvidia/nemo/llama-3_1-8b/1.0'), { 'config.yaml': 'c', 'weights/rank0.pt': 'w' });
    const env = { ...s.env, FAKE_NGC: join(s.box.root, 'ngc'), NGC_MODEL: 'nvidia/nemo/llama-3_1-8b:1.0', NGC_CLI_API_KEY: 'nvapi-ok', MODEL_SOURCE: 'ngc://nvidia/nemo/llama-3_1-8b:1.0' };
    return { ...s, run: (over: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_NGC_SCRIPT, { ...env, ...over }, shell) };
  };

  test('downloads the version and moves the directory the CLI made to <cache>/<version>/', () => {
    const { cache, run } = ngc();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/weights/rank0.pt'), 'utf8')).toBe('w');
    expect(readdirSync(cache)).toEqual(['v1']); // no staging directory left
    expect(readdirSync(join(cache, 'v1')).sort()).toEqual(['.strata-ready', '.strata-source', 'config.yaml', 'weights']);
  });

  test('a refused API key fails with NGC\'s error and what to check; a retry starts clean', () => {
    const { cache, run } = ngc();
    const r = run({ NGC_CLI_API_KEY: 'wrong' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: Invalid apikey');
    expect(r.stderr).toContain('downloading nvidia/nemo/llama-3_1-8b:1.0 from NGC failed (ngc exited 1; its errors are above): model version v1 is not marked ready');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
    expect(run().status).toBe(0);
    expect(readdirSync(cache)).toEqual(['v1']);
  });

  test('an image without the NGC CLI fails with what to give', () => {
    const r = ngc({}).run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('this image has no ngc (the NGC CLI): give the NGC source an image with the NGC CLI installed');
  });
});

describe.each(BY_SHELL)('image source (%s): the weights copied out of an image without a shell', (_name, shell) => {
  const image = () => {
    const s = setup();
    const weights = join(s.box.root, 'image-root/models');
    writeFiles(join(s.box.root, 'image-root/blobs'), { abc: 'tensor' });
    writeFiles(weights, { 'config.json': '{}', 'tokenizer/vocab.txt': 'v' });
    symlinkSync(join(s.box.root, 'image-root/blobs/abc'), join(weights, 'model.safetensors'));
    const env = { ...s.env, IMAGE_MODEL_DIR: weights, MODEL_SOURCE: 'image://weights:1/models' };
    return { ...s, weights, run: (over: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_IMAGE_SCRIPT, { ...env, ...over }, shell) };
  };

  test('copies the directory, symbolic links as the files they point to', () => {
    const { cache, run } = image();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/tokenizer/vocab.txt'), 'utf8')).toBe('v');
    expect(readFileSync(join(cache, 'v1/model.safetensors'), 'utf8')).toBe('tensor');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('a path that is not in the image, or empty, fails with the fix', () => {
    const { box, cache, run } = image();
    const missing = run({ IMAGE_MODEL_DIR: '/no/such/dir' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('/no/such/dir is not a directory in the image of image://weights:1/models: give the directory the image keeps the model in');
    mkdirSync(join(box.root, 'empty'));
    const empty = run({ IMAGE_MODEL_DIR: join(box.root, 'empty') });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(`${join(box.root, 'empty')} is empty in the image of image://weights:1/models`);
    expect(existsSync(join(cache, 'v1'))).toBe(false);
  });
});

describe.each(BY_SHELL)('command source (%s)', (_name, shell) => {
  const command = (argv: string[]) => {
    const s = setup({
      // The user's tool, found on the image's own PATH.
      'fetch-model': '#!/bin/sh\nset -eu\n[ -n "${MODEL_TARGET:-}" ] || { echo "no MODEL_TARGET" >&2; exit 3; }\necho "weights of $MODEL_VERSION" > "$MODEL_TARGET/model.bin"\necho "$@" > "$MODEL_TARGET/args.txt"\n',
      'fail-model': '#!/bin/sh\necho "fetch: 503 Service Unavailable" >&2\nexit 7\n',
    });
    const env = { ...s.env, MODEL_SOURCE: 'command:fetch' };
    return { ...s, run: () => runScript(HYDRATE_COMMAND_SCRIPT, env, shell, {}, argv) };
  };

  test('runs the command with MODEL_TARGET and its arguments, on the image\'s PATH', () => {
    const { cache, run } = command(['fetch-model', '--from', 'https://models.example.com/m.tar']);
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(cache, 'v1/model.bin'), 'utf8')).toBe('weights of v1\n');
    expect(readFileSync(join(cache, 'v1/args.txt'), 'utf8')).toBe('--from https://models.example.com/m.tar\n');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('a command that fails leaves no marker, with its error and exit status', () => {
    const { cache, run } = command(['fail-model']);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('fetch: 503 Service Unavailable');
    expect(r.stderr).toContain('the command fail-model exited 7 (its errors are above): model version v1 is not marked ready');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
  });

  test('no command at all fails', () => {
    const r = command([]).run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no command was given to fill');
  });
});

if (HAS_BUSYBOX) {
  test('the tools init container leaves busybox and a link per applet', () => {
    const root = mkdtempSync('/tmp/strata-tools-');
    try {
      const dir = toolsDir(root);
      for (const applet of ['sh', 'cp', 'mkdir', 'mv', 'ls', 'date', 'id', 'cat']) expect(existsSync(join(dir, applet))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
