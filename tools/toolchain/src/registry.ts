import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running CNCF distribution registry on 127.0.0.1 (Debian's `docker-registry`), for tests and benchmarks. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `oci://127.0.0.1:<port>/charts` */
  readonly chartsUrl: string;
  readonly pid: number;
  /** Stops the registry by its PID and deletes its storage. */
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Require basic auth with this user and password (htpasswd, bcrypt). @default - no auth */
  readonly auth?: { readonly user: string; readonly password: string };
  /**
   * Where the registry keeps blobs and manifests: files in its temporary directory, or memory
   * (distribution's `inmemory` driver: the same registry code without the disk, for measuring what
   * a client costs rather than what this machine's disk does). @default 'filesystem'
   */
  readonly storage?: 'filesystem' | 'memory';
}

/** Whether Debian's docker-registry is installed. */
export function registryAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a registry with its own config and storage in a temporary directory; resolves once /v2/ answers. */
export async function startRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  if (!registryAvailable()) throw new Error('docker-registry is not installed; `apt-get install -y docker-registry` (npm test installs it when missing)');
  const dir = mkdtempSync(join(tmpdir(), 'strata-registry-'));
  const port = await freePort();
  let auth = '';
  if (options.auth) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bcrypt = require('bcryptjs') as { hashSync(s: string, rounds: number): string };
    writeFileSync(join(dir, 'htpasswd'), `${options.auth.user}:${bcrypt.hashSync(options.auth.password, 6)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: strata-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const storage = options.storage === 'memory' ? '  inmemory: {}\n' : `  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n${storage}  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start on ${host}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    host,
    chartsUrl: `oci://${host}/charts`,
    pid: child.pid!,
    stop: async () => {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (running()) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid!, 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
        clearTimeout(timer);
        if (running()) process.kill(child.pid!, 'SIGKILL');
      }
      child.stderr?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
