import { createHash } from 'node:crypto';
import { startRegistry } from '../src';

test('a local registry starts on 127.0.0.1, answers /v2/, and stops by its PID', async () => {
  const reg = await startRegistry();
  try {
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`http://${reg.host}/v2/`)).status).toBe(200);
  } finally {
    await reg.stop();
  }
  await expect(fetch(`http://${reg.host}/v2/`)).rejects.toThrow();
});

test('with auth, anonymous requests are refused', async () => {
  const reg = await startRegistry({ auth: { user: 'ci', password: 's3cret' } });
  try {
    expect((await fetch(`http://${reg.host}/v2/`)).status).toBe(401);
    const basic = Buffer.from('ci:s3cret').toString('base64');
    expect((await fetch(`http://${reg.host}/v2/`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
  } finally {
    await reg.stop();
  }
});

test('with storage in memory, a pushed chart is served back (same registry, no disk)', async () => {
  const reg = await startRegistry({ storage: 'memory' });
  try {
    // A blob upload and a read back, as helm push and pull do.
    const body = Buffer.from('strata');
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const start = await fetch(`http://${reg.host}/v2/strata/test/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location')!, `http://${reg.host}`);
    location.searchParams.set('digest', digest);
    expect((await fetch(location, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(201);
    const back = await fetch(`http://${reg.host}/v2/strata/test/blobs/${digest}`);
    expect([back.status, await back.text()]).toEqual([200, 'strata']);
  } finally {
    await reg.stop();
  }
});
