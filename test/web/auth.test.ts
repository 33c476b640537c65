import { Writable } from 'node:stream';
import bcrypt from 'bcryptjs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import type { PasswordCompare } from '../../src/web/basic-auth.js';
import { registerWebSecurity, type WebSecurityOptions } from '../../src/web/auth.js';
import type { WebConfig } from '../../src/web/web-config.js';
import { fixedWebConfig } from '../../src/web/web-config-reloader.js';

// Basic auth and headers over real HTTP on loopback.

const PASSWORD = 'correct horse battery staple';
const HASH = bcrypt.hashSync(PASSWORD, 4);
const CHALLENGE = 'Basic realm="bedrock-usage-exporter"';

const webConfig = (overrides: Partial<WebConfig> = {}): WebConfig => ({
  clientAuth: 'NoClientCert',
  http2: true,
  basicAuthUsers: new Map([['prometheus', HASH]]),
  headers: {},
  files: [],
  ...overrides,
});

function countingCompare(): PasswordCompare & { calls: number } {
  const compare = Object.assign(async (password: string, hash: string) => {
    compare.calls += 1;
    return bcrypt.compare(password, hash);
  }, { calls: 0 });
  return compare;
}

async function serve(t: Test, config: WebConfig, options: WebSecurityOptions = {}, app: FastifyInstance = Fastify()): Promise<string> {
  app.get('/metrics', async () => 'metrics\n');
  app.get('/-/healthy', async () => 'OK\n');
  app.get('/fails', async () => {
    throw new Error('boom');
  });
  app.get('/own-csp', async (_request, reply) => reply.header('content-security-policy', "default-src 'self'").send('page'));
  registerWebSecurity(app, fixedWebConfig(config), options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const get = (url: string, authorization?: string): Promise<Response> => fetch(url, authorization === undefined ? {} : { headers: { authorization } });

async function expectRefused(t: Test, response: Response, what: string): Promise<void> {
  t.equal(response.status, 401, what);
  t.equal(response.headers.get('www-authenticate'), CHALLENGE, what);
  t.equal(await response.text(), 'Unauthorized\n', what);
}

t.test('basic auth over HTTP', async (t) => {
  const compare = countingCompare();
  const base = await serve(t, webConfig(), { compare });
  const metrics = `${base}/metrics`;

  const granted = await get(metrics, basic('prometheus', PASSWORD));
  t.equal(granted.status, 200, 'right password');
  t.equal(await granted.text(), 'metrics\n');
  t.equal(compare.calls, 1);

  t.equal((await get(metrics, basic('prometheus', PASSWORD))).status, 200);
  t.equal(compare.calls, 1, 'the second scrape is a cache hit: no bcrypt');

  await expectRefused(t, await get(metrics, basic('prometheus', 'wrong')), 'wrong password');
  t.equal(compare.calls, 2);
  await expectRefused(t, await get(metrics, basic('grafana', PASSWORD)), 'unknown user');
  t.equal(compare.calls, 3, 'an unknown user still pays one bcrypt check (the dummy hash)');
  await expectRefused(t, await get(metrics), 'no Authorization header');
  await expectRefused(t, await get(metrics, 'Basic not-base64!'), 'malformed header');
  await expectRefused(t, await get(metrics, `Basic ${Buffer.from('prometheus').toString('base64')}`), 'no colon');
  await expectRefused(t, await get(metrics, `Bearer ${Buffer.from(`prometheus:${PASSWORD}`).toString('base64')}`), 'another scheme');
  t.equal(compare.calls, 3, 'malformed headers never reach bcrypt');

  await expectRefused(t, await get(`${base}/nowhere`), 'unknown routes are protected too (no route discovery)');
  t.equal((await get(`${base}/nowhere`, basic('prometheus', PASSWORD))).status, 404);
});

t.test('health endpoints are protected unless exempted', async (t) => {
  const protectedBase = await serve(t, webConfig());
  await expectRefused(t, await get(`${protectedBase}/-/healthy`), 'protected by default, as in the toolkit');

  const exemptBase = await serve(t, webConfig(), { exempt: ['/-/healthy'] });
  t.equal((await get(`${exemptBase}/-/healthy`)).status, 200);
  t.equal((await get(`${exemptBase}/-/healthy?x=1`)).status, 200);
  await expectRefused(t, await get(`${exemptBase}/metrics`), 'only the exempt route');
  await expectRefused(t, await get(`${exemptBase}/-/healthy/`), 'a near-miss path is not the exempt route');
  await expectRefused(t, await get(`${exemptBase}/-/HEALTHY`), 'nor is another spelling');
});

t.test('no users: no authentication', async (t) => {
  const compare = countingCompare();
  const base = await serve(t, webConfig({ basicAuthUsers: new Map() }), { compare });
  t.equal((await get(`${base}/metrics`)).status, 200);
  t.equal((await get(`${base}/metrics`, basic('anyone', 'anything'))).status, 200);
  t.equal(compare.calls, 0);
});

t.test('configured headers on every answer', async (t) => {
  const headers = { 'X-Frame-Options': 'deny', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" };
  const base = await serve(t, webConfig({ headers }));
  const answers = {
    granted: await get(`${base}/metrics`, basic('prometheus', PASSWORD)),
    refused: await get(`${base}/metrics`),
    missing: await get(`${base}/nowhere`, basic('prometheus', PASSWORD)),
    failed: await get(`${base}/fails`, basic('prometheus', PASSWORD)),
    routeSetsItsOwn: await get(`${base}/own-csp`, basic('prometheus', PASSWORD)),
  };
  t.same(Object.values(answers).map((answer) => answer.status), [200, 401, 404, 500, 200]);
  for (const [name, answer] of Object.entries(answers)) {
    for (const [header, value] of Object.entries(headers)) t.equal(answer.headers.get(header), value, `${name}: ${header}`);
  }
});

t.test('no headers configured: none added', async (t) => {
  const base = await serve(t, webConfig({ basicAuthUsers: new Map() }));
  const answer = await get(`${base}/metrics`);
  t.equal(answer.headers.get('x-frame-options'), null);
  t.equal(answer.headers.get('content-security-policy'), null);
});

t.test('a failed login leaves no secret in the logs', async (t) => {
  const lines: string[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // Plain pino without redaction: nothing secret may be logged in the first place.
  const logger = pino({ level: 'debug' }, memory);
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  const base = await serve(t, webConfig(), {}, app);

  const secrets = ['hunter2-wrong-password', 'mallory-with-pa55word', PASSWORD];
  const headers = [basic('prometheus', secrets[0]!), basic(secrets[1]!, secrets[0]!), `Basic prometheus:${PASSWORD}`];
  for (const authorization of headers) await get(`${base}/metrics`, authorization);
  await get(`${base}/metrics`);

  const failures = lines.map((line) => JSON.parse(line) as { msg: string; reason?: string }).filter((entry) => entry.msg === 'basic auth failed');
  t.same(failures.map((entry) => entry.reason), ['wrong password', 'unknown user', 'malformed'], 'the failures are logged, with a reason');
  t.ok(lines.some((line) => line.includes('"basic auth: no credentials"')), 'a request without credentials is a debug line');
  t.ok(lines.some((line) => line.includes('incoming request')), 'request logging was on');
  const everything = lines.join('\n');
  const tokens = headers.slice(0, 2).map((header) => header.slice('Basic '.length));
  for (const secret of [...secrets, ...tokens]) {
    t.notOk(everything.includes(secret), `no ${secret.slice(0, 12)}... in the logs`);
  }
  t.notOk(/authorization/i.test(everything), 'not even the header name');
});
