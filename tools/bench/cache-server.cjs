#!/usr/bin/env node
// The bench's Nx remote cache on 127.0.0.1: s3rver (an S3-compatible server in Node, from npm),
// answering Nx's self-hosted remote cache protocol (NX_SELF_HOSTED_REMOTE_CACHE_SERVER: PUT and
// GET /v1/cache/{hash} with tar bodies). In S3's path-style addressing that path is the object
// `cache/{hash}` of the bucket `v1`, which this script creates; the body is stored as it comes.
//
//   node tools/bench/cache-server.cjs <s3rver's folder (has node_modules/s3rver)> <storage folder> [port]
//
// Prints `listening http://127.0.0.1:<port>` once it accepts requests; stop it with SIGTERM.
'use strict';
const { join } = require('node:path');

const [moduleDir, directory, port = '0'] = process.argv.slice(2);
if (!moduleDir || !directory) {
  console.error('usage: node tools/bench/cache-server.cjs <folder with node_modules/s3rver> <storage folder> [port]');
  process.exit(2);
}
const S3rver = require(join(moduleDir, 'node_modules', 's3rver'));
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  // Path-style only: the host is an IP address, the bucket is the path's first segment.
  vhostBuckets: false,
  configureBuckets: [{ name: 'v1' }],
});
server.run().then(({ address, port: p }) => {
  console.log(`listening http://${address}:${p}`);
});
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
