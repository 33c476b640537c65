// No secret reaches the logs: AWS keys from the environment with the SDK failing in every way the
// emulator can make it fail, and basic auth refusing and accepting clients, all at log level debug.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import bcrypt from 'bcryptjs';
import t from 'tap';
import type { LogFormat } from '../../src/config.js';
import { FAULTS } from '../../src/emulator/faults.js';
import { createLogger } from '../../src/log.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { startRig, watchProcess } from '../helpers/rig.js';
import { forgetAwsEnvironment } from '../helpers/aws-environment.js';

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENdGhpcyBpcyBhIHRlc3Q';
const ACCESS_KEY_ID = 'AKIAEXAMPLEKEYID0001';
const PASSWORD = 'hunter2-is-not-a-password';
const WRONG_PASSWORD = 'not-hunter2-either';

forgetAwsEnvironment();
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: SESSION_TOKEN,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTHORIZATIONS = [basic('prometheus', PASSWORD), basic('prometheus', WRONG_PASSWORD), basic('nobody', PASSWORD), 'Basic %%%not-base64', `Bearer ${PASSWORD}`];

/** Everything a log line must never contain, in the forms it could take (a Buffer is logged as its bytes). */
function secretsIn(logged: string): string[] {
  const text = logged.replace(/"type":"Buffer","data":\[([\d,]*)\]/g, (_, bytes: string) => Buffer.from(bytes.split(',').map(Number)).toString('latin1'));
  const forms = [SECRET_ACCESS_KEY, SESSION_TOKEN, PASSWORD, WRONG_PASSWORD, ...AUTHORIZATIONS, ...AUTHORIZATIONS.map((value) => value.split(' ')[1]!)];
  return forms.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A raw request, so that headers too large or malformed for fetch still reach the server. */
function rawRequest(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}/metrics`, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bue-secrets-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const webConfig = join(dir, 'web.yml');
writeFileSync(webConfig, `basic_auth_users:\n  prometheus: '${bcrypt.hashSync(PASSWORD, 4)}'\n`);

for (const format of ['json', 'text'] as LogFormat[]) {
  t.test(`${format} logs at debug: SDK failures of every kind and basic auth`, async (t) => {
    const watcher = watchProcess();
    t.teardown(() => watcher.stop());
    const log = collector();
    const rig = await startRig({
      size: 'tiny',
      credentials: 'sdk-chain',
      endpoint: 'environment',
      logger: createLogger({ level: 'debug', format, destination: log.stream }),
      flags: ['--aws.max-attempts=2', '--aws.request-timeout=200ms', `--web.config.file=${webConfig}`],
    });
    t.teardown(() => rig.close());
    const { collector: refresher } = rig.exporter;
    t.ok(await refresher.refresh(), 'the keys from the environment work');

    for (const fault of FAULTS) {
      rig.emulator.faults.clear();
      rig.emulator.faults.add({ fault, delayMs: 1_000 });
      rig.clock.now = new Date(rig.clock.now.getTime() + 86_400_000);
      t.notOk(await refresher.refresh(), `${fault}: the refresh fails`);
    }
    rig.emulator.faults.clear();

    const statuses: number[] = [];
    for (const authorization of AUTHORIZATIONS) {
      statuses.push((await fetch(`${rig.url}/metrics`, { headers: { authorization } })).status);
    }
    t.same(statuses, [200, 401, 401, 401, 401], 'one good and four refused clients');
    t.equal(await rawRequest(rig.url, { authorization: basic('prometheus', PASSWORD), 'x-padding': 'x'.repeat(32_768) }), 431, 'an oversized request with credentials is refused');
    t.ok(await refresher.refresh(), 'and the exporter still works');

    const text = log.text();
    t.match(text, /ExpiredTokenException/, 'the SDK errors were logged');
    t.match(text, /basic auth failed/, 'the refused logins were logged');
    t.ok(text.split('\n').length > 20, 'there is plenty to look through');
    t.same(secretsIn(text), [], 'and none of it holds a secret key, session token, password or Authorization value');
    t.same(watcher.problems, []);
  });
}

t.test('redaction: credentials, authorization headers, session tokens and raw request bytes', async (t) => {
  const log = collector();
  const logger = createLogger({ level: 'debug', format: 'json', destination: log.stream });
  const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN };
  logger.info(credentials, 'top level');
  logger.info({ credentials }, 'nested');
  logger.info({ client: { credentials } }, 'nested twice');
  logger.info({ req: { headers: { authorization: AUTHORIZATIONS[0] } } }, 'request headers');
  logger.info({ request: { headers: { 'x-amz-security-token': SESSION_TOKEN, authorization: AUTHORIZATIONS[1] } } }, 'signed request');
  const clientError = Object.assign(new Error('Parse Error: Header overflow'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(`GET / HTTP/1.1\r\nAuthorization: ${AUTHORIZATIONS[0]}\r\n`) });
  logger.debug({ err: clientError }, 'client error');
  logger.info({ password: PASSWORD, user: { password: WRONG_PASSWORD } }, 'passwords');
  const text = log.text();
  t.equal(text.trim().split('\n').length, 7, 'every line was written');
  t.match(text, /\[redacted\]/);
  t.same(secretsIn(text), []);
});

t.test('the real command, text logs on stdout at debug, keys in the environment and refused by AWS', async (t) => {
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 1, size: 'tiny', today: '2026-11-20' }), faults: [{ fault: 'expired_token' }] });
  t.teardown(() => emulator.close());
  const { code, stdout, stderr } = await runCli(['serve', '--web.listen-address=127.0.0.1:0', '--log.format=text', '--log.level=debug', '--aws.max-attempts=1'], {
    env: { AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url },
    until: /refresh failed/,
  });
  t.equal(code, 0, 'it shut down cleanly on SIGTERM');
  t.match(stdout, /ExpiredTokenException/, 'the refusal was logged');
  t.same(secretsIn(stdout + stderr), []);
});
