import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import Fastify from 'fastify';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { ConfigError } from '../../src/errors.js';
import { registerWebSecurity } from '../../src/web/auth.js';
import { WebConfigReloader } from '../../src/web/web-config-reloader.js';
import type { WebConfig } from '../../src/web/web-config.js';
import { startRig } from '../helpers/rig.js';

// Certificates renewed on disk and changed users take effect without a restart, as with the
// exporter-toolkit; a file that turns invalid closes the door (500) until it is fixed.

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const ALICE = bcrypt.hashSync('alice-password', 4);
const BOB = bcrypt.hashSync('bob-password', 4);

interface Logged {
  level: number;
  msg: string;
  problem?: string;
  change?: string;
}

function folder(t: Test): { file: (name: string, body: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'bue-reload-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return {
    file: (name, body) => {
      const path = join(dir, name);
      writeFileSync(path, body);
      return path;
    },
  };
}

function capture(): { logger: pino.Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Logged);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const users = (...entries: Array<[string, string]>) => `basic_auth_users:\n${entries.map(([user, hash]) => `  ${user}: '${hash}'\n`).join('')}`;
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

t.test('a changed file takes effect at the next check, and only a change does', async (t) => {
  const { file } = folder(t);
  const path = file('web.yml', users(['alice', ALICE]));
  const { logger, lines } = capture();
  const reloader = new WebConfigReloader(path, logger);
  const seen: WebConfig[] = [];
  reloader.onChange((config) => seen.push(config));
  const first = reloader.current;

  reloader.check();
  t.equal(reloader.current, first, 'an unchanged file is not taken again');
  t.same(seen, []);

  writeFileSync(path, `${users(['bob', BOB])}http_server_config:\n  headers:\n    X-Frame-Options: deny\n`);
  reloader.check();
  reloader.check();
  t.same([...reloader.current.basicAuthUsers.keys()], ['bob']);
  t.same(reloader.current.headers, { 'X-Frame-Options': 'deny' });
  t.same(seen, [reloader.current], 'listeners hear of it once');
  await flush();
  t.same(lines.map((line) => line.msg), ['web config reloaded']);
  t.equal(reloader.problem, undefined);
});

t.test('an invalid file is reported once, keeps nothing in force, and recovers', async (t) => {
  const { file } = folder(t);
  const path = file('web.yml', users(['alice', ALICE]));
  const { logger, lines } = capture();
  const reloader = new WebConfigReloader(path, logger);
  const before = reloader.current;

  writeFileSync(path, users(['alice', 'not-a-hash']));
  reloader.check();
  reloader.check();
  t.match(reloader.problem, /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/);
  t.equal(reloader.current, before, 'the last good config is kept for when the file is fixed');

  rmSync(path);
  reloader.check();
  t.match(reloader.problem, /cannot read .*web\.yml": no such file or folder/, 'a vanished file is a problem too');

  writeFileSync(path, users(['alice', ALICE]));
  reloader.check();
  t.equal(reloader.problem, undefined);
  t.equal(reloader.current, before, 'the same content as before is not a new config');
  await flush();
  t.same(
    lines.map((line) => [line.level, line.msg]),
    [
      [50, 'web config file is invalid: answering 500 until it is fixed'],
      [50, 'web config file is invalid: answering 500 until it is fixed'],
      [30, 'web config file is valid again'],
    ],
  );
  t.notOk(JSON.stringify(lines).includes(ALICE), 'no hash reaches the log');
});

t.test('turning TLS on or off, or changing client_auth_type, waits for a restart', async (t) => {
  const { file } = folder(t);
  const cert = file('server.pem', fixture('server.pem'));
  const key = file('server-key.pem', fixture('server-key.pem'));
  const ca = file('ca.pem', fixture('ca.pem'));
  const tls = `tls_server_config:\n  cert_file: ${cert}\n  key_file: ${key}\n`;
  const path = file('web.yml', tls);
  const { logger, lines } = capture();
  const reloader = new WebConfigReloader(path, logger);
  const before = reloader.current;

  writeFileSync(path, users(['alice', ALICE]));
  reloader.check();
  t.equal(reloader.current, before, 'TLS stays on');
  writeFileSync(path, `${tls}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${ca}\n`);
  reloader.check();
  t.equal(reloader.current, before);
  t.equal(reloader.problem, undefined, 'the file is valid: answers go on under the previous config');
  t.same(reloader.current.files, [path, cert, key], 'the files it was read from, for the record');
  await flush();
  t.same(
    lines.map((line) => line.change),
    ['tls_server_config removed', 'tls_server_config.client_auth_type: NoClientCert -> RequireAndVerifyClientCert'],
  );

  const plain = file('plain.yml', users(['alice', ALICE]));
  const fromPlain = new WebConfigReloader(plain, logger);
  writeFileSync(plain, tls);
  fromPlain.check();
  t.equal(fromPlain.current.tls, undefined, 'TLS is not turned on under a running plain listener');
  await flush();
  t.equal(lines.at(-1)?.change, 'tls_server_config added');
});

t.test('certificate and key files are watched too, and the ones a changed file names from then on', async (t) => {
  const { file } = folder(t);
  const pair = (name: string) => ({ cert: file(`${name}.pem`, fixture('server.pem')), key: file(`${name}-key.pem`, fixture('server-key.pem')) });
  const renew = (paths: { cert: string; key: string }) => {
    writeFileSync(paths.cert, fixture('renewed.pem'));
    writeFileSync(paths.key, fixture('renewed-key.pem'));
  };
  const tls = (paths: { cert: string; key: string }) => `tls_server_config:\n  cert_file: ${paths.cert}\n  key_file: ${paths.key}\n`;
  const first = pair('first');
  const path = file('web.yml', tls(first));
  const reloader = new WebConfigReloader(path, pino({ level: 'silent' }));

  renew(first);
  reloader.check();
  t.equal(reloader.current.tls?.cert, fixture('renewed.pem'), 'new bytes in the same certificate file, the web config untouched');

  const second = pair('second');
  writeFileSync(path, tls(second));
  reloader.check();
  t.equal(reloader.current.tls?.cert, fixture('server.pem'));
  t.same(reloader.current.files, [path, second.cert, second.key]);
  reloader.check();
  renew(second);
  reloader.check();
  t.equal(reloader.current.tls?.cert, fixture('renewed.pem'), 'the newly named files are the ones watched');
});

t.test('an invalid file at start fails the start', async (t) => {
  const { file } = folder(t);
  t.throws(() => new WebConfigReloader(file('web.yml', 'basic_auth_users: [alice]\n'), pino({ level: 'silent' })), ConfigError);
});

interface Handshake {
  status: number;
  fingerprint: string;
}

function getOverTls(port: number, headers: Record<string, string> = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ca = [fixture('ca.pem'), fixture('renewed.pem')];
    const req = request({ host: '127.0.0.1', port, path: '/', ca, agent: false, headers }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('over real TLS: a renewed certificate, new users and a broken file', async (t) => {
  const { file } = folder(t);
  const cert = file('server.pem', fixture('server.pem'));
  const key = file('server-key.pem', fixture('server-key.pem'));
  const tls = `tls_server_config:\n  cert_file: ${cert}\n  key_file: ${key}\n`;
  const path = file('web.yml', `${tls}${users(['alice', ALICE])}`);
  const reloader = new WebConfigReloader(path, pino({ level: 'silent' }));
  const app = Fastify({ https: reloader.current.tls ?? null });
  registerWebSecurity(app, reloader);
  app.get('/', async () => 'ok');
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const { port } = app.server.address() as { port: number };
  const original = new X509Certificate(fixture('server.pem')).fingerprint256;
  const renewed = new X509Certificate(fixture('renewed.pem')).fingerprint256;

  const before = await getOverTls(port, basic('alice', 'alice-password'));
  t.same(before, { status: 200, fingerprint: original });

  // What cert-manager or an ACME client does: new files at the same paths.
  copyFileSync(join(fixtures, 'renewed.pem'), cert);
  copyFileSync(join(fixtures, 'renewed-key.pem'), key);
  writeFileSync(path, `${tls}${users(['bob', BOB])}`);
  reloader.check();
  t.same(await getOverTls(port, basic('bob', 'bob-password')), { status: 200, fingerprint: renewed }, 'new connections get the renewed certificate');
  t.equal((await getOverTls(port, basic('alice', 'alice-password'))).status, 401, 'a removed user is out at once, remembered login or not');

  writeFileSync(path, `${tls}basic_auth_users: broken\n`);
  reloader.check();
  const closed = await getOverTls(port, basic('bob', 'bob-password'));
  t.same(closed, { status: 500, fingerprint: renewed }, 'an invalid file answers 500, over the last good certificate');

  writeFileSync(path, `${tls}${users(['bob', BOB])}`);
  reloader.check();
  t.equal((await getOverTls(port, basic('bob', 'bob-password'))).status, 200, 'fixed');
});

t.test('the exporter checks its web config file by itself', async (t) => {
  const { file } = folder(t);
  const path = file('web.yml', users(['alice', ALICE]));
  const { logger, lines } = capture();
  const rig = await startRig({ flags: [`--web.config.file=${path}`], logger });
  let open = true;
  t.teardown(() => (open ? rig.close() : undefined));
  const healthy = (user: string, password: string) => fetch(`${rig.url}/-/healthy`, { headers: basic(user, password) }).then((response) => response.status);
  t.equal(await healthy('alice', 'alice-password'), 200);

  writeFileSync(path, users(['bob', BOB]));
  // The check runs every second on its own; wait for its log line (bounded), not for a time.
  for (let waited = 0; !lines.some((line) => line.msg === 'web config reloaded') && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(await healthy('alice', 'alice-password'), 401);
  t.equal(await healthy('bob', 'bob-password'), 200);

  await rig.close();
  open = false;
  writeFileSync(path, users(['alice', ALICE]));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.equal(lines.filter((line) => line.msg === 'web config reloaded').length, 1, 'a closed exporter stops checking');
});
