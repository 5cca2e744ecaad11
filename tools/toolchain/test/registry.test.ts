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
