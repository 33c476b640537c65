// The HTTP face under bad and hostile clients, all on 127.0.0.1: only the documented endpoints and
// methods, oversized headers, slowloris clients and connection floods, while normal scrapes go on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { buildApp, DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../src/server.js';
import { dataPart, startRig, until, type Rig } from '../helpers/rig.js';

const PATHS = ['/metrics', '/', '/-/healthy', '/-/ready'];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const framing = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(`${url}${path}`, { method, headers: { ...framing, ...headers }, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function readyRig(t: Test, flags: string[] = []): Promise<Rig> {
  const rig = await startRig({ size: 'tiny', flags });
  t.teardown(() => rig.close());
  t.ok(await rig.exporter.collector.refresh(), 'a snapshot to serve');
  return rig;
}

/** A second listener on the same collector with limits short enough for a test. */
async function strictApp(t: Test, rig: Rig, limits: Partial<HttpLimits>) {
  const app = buildApp({ collector: rig.exporter.collector, health: rig.exporter.health, logger: pino({ level: 'silent' }), telemetryPath: '/metrics', version: 'test', limits });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, port: address.port };
}

/** Opens a socket and sends the start of a request, then a header byte now and then, never finishing. */
function slowloris(port: number, everyMs: number): { socket: Socket; closed: Promise<string>; stop(): void } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => {});
  socket.write('GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
  const timer = setInterval(() => socket.writable && socket.write('a'), everyMs);
  const closed = new Promise<string>((resolve) => socket.on('close', () => {
    clearInterval(timer);
    resolve(received);
  }));
  return { socket, closed, stop: () => socket.destroy() };
}

t.test('the documented endpoints answer GET and HEAD; other methods 405 with Allow; other paths 404', async (t) => {
  const rig = await readyRig(t);
  for (const path of PATHS) {
    const get = await send(rig.url, 'GET', path);
    t.equal(get.status, 200, `GET ${path}`);
    const head = await send(rig.url, 'HEAD', path);
    t.equal(head.status, 200, `HEAD ${path}`);
    t.equal(head.body, '', 'HEAD has no body');
    t.equal(head.headers['content-type'], get.headers['content-type'], 'and the same content type');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(rig.url, method, path, { 'content-type': 'text/plain' }, method === 'OPTIONS' ? undefined : 'x');
      t.equal(answer.status, 405, `${method} ${path}`);
      t.equal(answer.headers.allow, 'GET, HEAD');
    }
  }
  t.equal((await send(rig.url, 'GET', '/metrics?debug=1')).status, 200, 'a query string changes nothing');
  t.equal((await send(rig.url, 'POST', '/metrics?x=1', { 'content-type': 'text/plain' }, 'x')).status, 405);
  for (const path of ['/nothing', '/metrics/', '/-/', '/-/reload', '/-/quit', '/debug/pprof', '/../etc/passwd']) {
    for (const method of ['GET', 'POST']) t.equal((await send(rig.url, method, path)).status, 404, `${method} ${path}`);
  }
  const big = await send(rig.url, 'POST', '/metrics', { 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(100_000) }));
  t.ok([405, 413].includes(big.status), `a large body is refused (${big.status}), not read into memory`);
});

t.test('with basic auth, a wrong method without credentials is refused before anything else', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bue-http-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'web.yml');
  writeFileSync(file, `basic_auth_users:\n  prometheus: '${bcrypt.hashSync('secret', 4)}'\n`);
  const rig = await readyRig(t, [`--web.config.file=${file}`]);
  t.equal((await send(rig.url, 'POST', '/metrics')).status, 401);
  t.equal((await send(rig.url, 'GET', '/nothing')).status, 401, 'no path is revealed without credentials');
  const authorization = `Basic ${Buffer.from('prometheus:secret').toString('base64')}`;
  t.equal((await send(rig.url, 'POST', '/metrics', { authorization })).status, 405);
  t.equal((await send(rig.url, 'GET', '/metrics', { authorization })).status, 200);
});

t.test('the real listener has the default limits; oversized headers get 431', async (t) => {
  const rig = await readyRig(t);
  const server = rig.exporter.apps[0]!.server;
  t.equal(server.headersTimeout, DEFAULT_HTTP_LIMITS.headersTimeoutMs);
  t.equal(server.requestTimeout, DEFAULT_HTTP_LIMITS.requestTimeoutMs);
  t.equal(server.keepAliveTimeout, DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
  t.equal(server.timeout, DEFAULT_HTTP_LIMITS.idleTimeoutMs);
  t.equal(server.maxConnections, DEFAULT_HTTP_LIMITS.maxConnections);
  t.equal((await send(rig.url, 'GET', '/metrics', { 'x-big': 'x'.repeat(DEFAULT_HTTP_LIMITS.maxHeaderBytes) })).status, 431);
  const many: Record<string, string> = {};
  for (let i = 0; i < 400; i++) many[`x-h${i}`] = 'y'.repeat(40);
  t.equal((await send(rig.url, 'GET', '/metrics', many)).status, 431, 'many headers adding up count too');
  t.equal((await send(rig.url, 'GET', '/metrics', { 'x-fine': 'x'.repeat(4_000) })).status, 200, 'ordinary headers are fine');
});

t.test('slowloris clients are cut off while a normal scrape goes through', async (t) => {
  const rig = await readyRig(t);
  const { url, port } = await strictApp(t, rig, { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 100, idleTimeoutMs: 2_000 });
  const expected = dataPart(await rig.metricsText());
  const slow = Array.from({ length: 50 }, () => slowloris(port, 50));
  t.teardown(() => slow.forEach((client) => client.stop()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const scrape = await send(url, 'GET', '/metrics');
  t.equal(scrape.status, 200, 'a scrape while 50 slow clients hold sockets');
  t.equal(dataPart(scrape.body), expected, 'with the whole snapshot');
  const answers = await Promise.race([Promise.all(slow.map((client) => client.closed)), new Promise<undefined>((resolve) => setTimeout(resolve, 10_000))]);
  t.ok(answers, 'the server closed every slow client by itself');
  t.ok(answers?.every((text) => text === '' || text.startsWith('HTTP/1.1 408')), 'with 408 or nothing');
  t.equal((await send(url, 'GET', '/-/healthy')).status, 200, 'and still answers');
});

t.test('a flood of idle connections is bounded; scrapes go on once it is cut off', async (t) => {
  const rig = await readyRig(t);
  const { app, url, port } = await strictApp(t, rig, { maxConnections: 20, idleTimeoutMs: 300 });
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  let dropped = 0;
  app.server.on('drop', () => dropped++);
  for (let i = 0; i < 200; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    sockets.push(socket);
  }
  t.ok(await until(() => dropped >= 180, 5_000), `connections beyond the limit are closed at once (${dropped})`);
  const open = await new Promise<number>((resolve) => app.server.getConnections((_error, count) => resolve(count)));
  t.ok(open <= 20, `at most 20 held (${open})`);
  t.ok(await until(() => sockets.every((socket) => socket.destroyed || socket.closed), 10_000), 'the held ones are cut off by the idle timeout');
  t.equal((await send(url, 'GET', '/metrics')).status, 200, 'then scrapes are served again');
  t.equal((await send(rig.url, 'GET', '/metrics')).status, 200, 'and the other listener was never affected');
});

t.test('a flood below the limit never delays a scrape', async (t) => {
  const rig = await readyRig(t);
  const { url, port } = await strictApp(t, rig, { maxConnections: 400, headersTimeoutMs: 2_000, requestTimeoutMs: 3_000, checkIntervalMs: 100 });
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  for (let i = 0; i < 300; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /metrics HTTP/1.1\r\n');
    sockets.push(socket);
  }
  const scrapes = await Promise.all(Array.from({ length: 10 }, () => send(url, 'GET', '/metrics')));
  t.same(scrapes.map((s) => s.status), Array(10).fill(200), 'ten scrapes while 300 half-open requests are held');
});

t.test('before the first snapshot /metrics serves the exporter\'s own metrics, plain or gzipped', async (t) => {
  const rig = await startRig({ size: 'tiny', faults: [{ fault: 'http_503' }] });
  t.teardown(() => rig.close());
  t.notOk(await rig.exporter.collector.refresh());
  const plain = await send(rig.url, 'GET', '/metrics');
  t.equal(plain.status, 200);
  t.equal(plain.headers['content-encoding'], undefined);
  t.match(plain.body, /^# HELP bedrock_exporter_build_info/, 'only the exporter\'s own families');
  t.match(plain.body, /^bedrock_exporter_refresh_success 0$/m);
  t.equal((await send(rig.url, 'GET', '/-/ready')).status, 503);
});
