import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { ExporterError } from '../../src/errors.js';
import { registerWebSecurity } from '../../src/web/auth.js';
import { loadWebConfig } from '../../src/web/web-config.js';
import { fixedWebConfig } from '../../src/web/web-config-reloader.js';

// Real TLS handshakes against a Fastify app built with the `https` options a web config yields.
// Fixtures: test/fixtures/tls (generate.sh): a test CA, a server certificate for 127.0.0.1 and client
// certificates, one from the CA and one self-signed "stranger".

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);
const pem = (name: string): string => readFileSync(fixture(name), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'bue-tls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const tlsSection = (extra = ''): string =>
  `tls_server_config:\n  cert_file: ${fixture('server.pem')}\n  key_file: ${fixture('server-key.pem')}\n${extra}`;

async function serve(t: Test, body: string): Promise<number> {
  const path = join(dir, `web-${++files}.yml`);
  writeFileSync(path, body);
  const config = loadWebConfig(path);
  const app = Fastify({ https: config.tls ?? null });
  registerWebSecurity(app, fixedWebConfig(config));
  app.get('/', async () => 'ok');
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

interface Answer {
  status: number | undefined;
  body: string;
  protocol: string | null;
  cipher: string | undefined;
  hsts: string | string[] | undefined;
}

function get(port: number, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca: pem('ca.pem'), agent: false, ...options }, (res) => {
      const socket = res.socket as TLSSocket;
      const answer = { status: res.statusCode, protocol: socket.getProtocol(), cipher: socket.getCipher()?.standardName, hsts: res.headers['strict-transport-security'] };
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ ...answer, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const client = { cert: pem('client.pem'), key: pem('client-key.pem') };
const stranger = { cert: pem('stranger.pem'), key: pem('stranger-key.pem') };

t.test('serves HTTPS with the configured certificate', async (t) => {
  const port = await serve(t, tlsSection());
  const answer = await get(port);
  t.equal(answer.status, 200);
  t.equal(answer.body, 'ok');
  t.equal(answer.protocol, 'TLSv1.3');
  await t.rejects(get(port, { ca: pem('stranger.pem') }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'a client that does not trust the CA refuses it');
});

t.test('min_version is enforced: a client capped below it fails the handshake', async (t) => {
  const port = await serve(t, tlsSection('  min_version: TLS13\n'));
  await t.rejects(get(port, { maxVersion: 'TLSv1.2' }), { message: /alert protocol version/ });
  t.equal((await get(port, { minVersion: 'TLSv1.3' })).protocol, 'TLSv1.3');
});

t.test('max_version is enforced', async (t) => {
  const port = await serve(t, tlsSection('  max_version: TLS12\n'));
  t.equal((await get(port)).protocol, 'TLSv1.2');
  await t.rejects(get(port, { minVersion: 'TLSv1.3' }));
});

t.test('cipher_suites limit TLS 1.2 to the named suites', async (t) => {
  const port = await serve(t, tlsSection('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n'));
  t.equal((await get(port)).cipher, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
  await t.rejects(get(port, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), 'a client offering only another suite is refused');
});

t.test('curve_preferences limit the key exchange', async (t) => {
  const port = await serve(t, tlsSection('  curve_preferences: [CurveP384]\n'));
  t.equal((await get(port, { ecdhCurve: 'P-384' })).status, 200);
  await t.rejects(get(port, { ecdhCurve: 'P-256' }));
});

t.test('RequireAndVerifyClientCert: only certificates from the client CA get in', async (t) => {
  const port = await serve(t, tlsSection(`  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${fixture('ca.pem')}\n`));
  t.equal((await get(port, client)).status, 200);
  await t.rejects(get(port), 'no certificate');
  await t.rejects(get(port, stranger), 'a certificate the CA did not sign');
});

t.test('VerifyClientCertIfGiven: no certificate is fine, a bad one is not', async (t) => {
  const port = await serve(t, tlsSection(`  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ${fixture('ca.pem')}\n`));
  t.equal((await get(port)).status, 200);
  t.equal((await get(port, client)).status, 200);
  await t.rejects(get(port, stranger));
});

t.test('RequireAnyClientCert: some certificate, verified or not', async (t) => {
  const port = await serve(t, tlsSection('  client_auth_type: RequireAnyClientCert\n'));
  t.equal((await get(port, stranger)).status, 200);
  await t.rejects(get(port));
});

t.test('RequestClientCert: asks, accepts anything', async (t) => {
  const port = await serve(t, tlsSection('  client_auth_type: RequestClientCert\n'));
  t.equal((await get(port)).status, 200);
  t.equal((await get(port, stranger)).status, 200);
});

t.test('basic auth and headers over TLS', async (t) => {
  const hash = bcrypt.hashSync('s3cret', 4);
  const port = await serve(t, `${tlsSection()}basic_auth_users:\n  prometheus: ${hash}\nhttp_server_config:\n  headers:\n    Strict-Transport-Security: max-age=63072000\n`);
  const denied = await get(port);
  t.equal(denied.status, 401);
  t.equal(denied.hsts, 'max-age=63072000', 'headers reach refusals too');
  const auth = 'prometheus:s3cret';
  const granted = await get(port, { auth });
  t.equal(granted.status, 200);
  t.equal(granted.hsts, 'max-age=63072000');
  t.equal((await get(port, { auth: 'prometheus:wrong' })).status, 401);
});

t.test('a TLS web config on an app built without https is refused, not served in the clear', async (t) => {
  const path = join(dir, 'plain-app.yml');
  writeFileSync(path, tlsSection());
  const app = Fastify();
  t.teardown(() => app.close());
  t.throws(() => registerWebSecurity(app, fixedWebConfig(loadWebConfig(path))), new ExporterError('BUE_ERR_TLS_NOT_SERVED', 'the web config enables TLS but the app was built without the https option'));
});
