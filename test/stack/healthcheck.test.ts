// docker/healthcheck.mjs, the container's health check, against the real exporter app with each kind
// of web config a user may give it: alive whatever the config asks of a client, dead when nothing
// answers.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { startRig } from '../helpers/rig.js';
import { temporaryFolder } from '../helpers/temporary.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'tls', name);
const dir = temporaryFolder(t, 'bue-healthcheck-');

/** The exit code of the health check against `port`. */
const check = (port: number): Promise<number> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'docker', 'healthcheck.mjs'), String(port)], (error) => resolve(error ? Number(error.code) : 0));
  });

async function exporterWith(t: Test, name: string, webConfig: string | undefined): Promise<number> {
  const flags: string[] = [];
  if (webConfig !== undefined) {
    const path = join(dir, `${name}.yml`);
    writeFileSync(path, webConfig);
    flags.push(`--web.config.file=${path}`);
  }
  const rig = await startRig({ size: 'tiny', flags });
  t.teardown(() => rig.close());
  return Number(new URL(rig.url).port);
}

const tls = `tls_server_config:\n  cert_file: ${fixture('server.pem')}\n  key_file: ${fixture('server-key.pem')}\n`;
// "alice" / "secret", bcrypt cost 4.
const users = 'basic_auth_users:\n  alice: $2b$04$2BcQp2rbxzsY6KjBviJyae7uh2/rezXsFHiQ5ORdTmC4PIaYfEK9G\n';
const configs: Array<[string, string | undefined]> = [
  ['plain HTTP', undefined],
  ['basic auth', users],
  ['TLS with its own certificate', tls],
  ['TLS and basic auth', tls + users],
  ['TLS that requires a client certificate', `${tls}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${fixture('ca.pem')}\n`],
];

for (const [name, webConfig] of configs) {
  t.test(`alive: ${name}`, async (t) => {
    t.equal(await check(await exporterWith(t, name.replaceAll(' ', '-'), webConfig)), 0);
  });
}

t.test('dead: an answer that says the server is failing', async (t) => {
  const failing = createHttpServer((_request, response) => {
    response.statusCode = 503;
    response.end();
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => failing.close(() => resolve())));
  t.equal(await check((failing.address() as AddressInfo).port), 1);
});

t.test('dead: nothing listens, or something that never answers', async (t) => {
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  t.equal(await check(port), 1, 'a port that accepts and says nothing');
  held.forEach((socket) => socket.destroy());
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  t.equal(await check(port), 1, 'a port nobody listens on');
});
