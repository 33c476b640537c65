import { execFile } from 'node:child_process';
import t from 'tap';
import { HealthMetrics } from '../src/metrics/health.js';
import { startStack } from './helpers/stack.js';
import { temporaryFolder } from './helpers/temporary.js';

t.test('endpoints: healthy at once, ready after the first snapshot', async (t) => {
  const stack = await startStack(t, { size: 'tiny', faults: [{ fault: 'http_503' }] });
  t.notOk(await stack.exporter.collector.refresh(), 'Cost Explorer is unavailable');
  t.equal((await stack.get('/-/healthy')).status, 200);
  const notReady = await stack.get('/-/ready');
  t.equal(notReady.status, 503);
  t.match(await notReady.text(), /the first refresh of every source is not done yet/);
  const page = await (await stack.get('/')).text();
  t.match(page, /no data yet; refresh failing/);
  t.match(page, /Last error<\/th><td>ServiceUnavailable/);
  const early = await stack.get('/metrics');
  t.equal(early.status, 200, 'metrics are served before the first snapshot');
  t.match(await early.text(), /^bedrock_exporter_refresh_success 0$/m);

  stack.emulator.faults.clear();
  t.ok(await stack.exporter.collector.refresh());
  t.equal((await stack.get('/-/ready')).status, 200);
  const metrics = await stack.get('/metrics');
  t.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await metrics.text();
  t.match(text, /^bedrock_exporter_refresh_success 1$/m);
  t.match(text, /^bedrock_cost_usd_month_to_date\{/m);
  const landing = await (await stack.get('/')).text();
  t.match(landing, /<a href="\/metrics">Metrics<\/a>/);
  t.match(landing, /up to date/);
  t.match(landing, /Month to date<\/th><td>\$[\d,]+\.\d\d, [\d,]+ tokens \(estimated\)/);
  t.equal((await stack.get('/nothing-here')).status, 404);
});

t.test('a custom telemetry path', async (t) => {
  const stack = await startStack(t, { size: 'tiny', flags: ['--web.telemetry-path=/stats/prometheus'] });
  await stack.exporter.collector.refresh();
  t.equal((await stack.get('/stats/prometheus')).status, 200);
  t.equal((await stack.get('/metrics')).status, 404);
  t.match(await (await stack.get('/')).text(), /href="\/stats\/prometheus"/);
});

t.test('promtool check metrics finds nothing wrong in the exporter\'s own metrics', async (t) => {
  const stack = await startStack(t, { size: 'small' });
  t.ok(await stack.exporter.collector.refresh());
  // The stack leaves out prom-client's process metrics (they vary); a served registry has them.
  const processMetrics = await new HealthMetrics('test').registry.metrics();
  t.match(processMetrics, /^nodejs_active_handles\{type=/m, 'the per-type process gauges are served');
  for (const [what, text] of [['/metrics', await (await stack.get('/metrics')).text()], ['the process metrics', processMetrics]]) {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }));
      child.stdin!.end(text);
    });
    t.equal(result.output, '', `${what}: no lint findings`);
    t.equal(result.code, 0);
  }
});

t.test('--web.config.file: TLS and basic auth on the real listener', async (t) => {
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const https = await import('node:https');
  const fixtures = resolve('test/fixtures/tls');
  const dir = temporaryFolder(t, 'bue-web-');
  const file = join(dir, 'web.yml');
  writeFileSync(file, [
    'tls_server_config:',
    `  cert_file: ${join(fixtures, 'server.pem')}`,
    `  key_file: ${join(fixtures, 'server-key.pem')}`,
    '  min_version: TLS12',
    'basic_auth_users:',
    "  dave: '$2y$10$2UXri9cIDdgeKjBo4Rlpx.U3ZLDV8X1IxKmsfOvhcM5oXQt/mLmXq'",
    'http_server_config:',
    '  headers:',
    '    X-Frame-Options: deny',
    '',
  ].join('\n'));
  const stack = await startStack(t, { size: 'tiny', flags: [`--web.config.file=${file}`] });
  t.match(stack.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await stack.exporter.collector.refresh();
  const ca = readFileSync(join(fixtures, 'ca.pem'));
  const get = (auth?: string) => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
    const request = https.get(`${stack.url}/metrics`, { ca, ...(auth ? { auth } : {}) }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', fail);
  });
  const denied = await get();
  t.equal(denied.status, 401);
  t.equal(denied.headers['www-authenticate'], 'Basic realm="bedrock-usage-exporter"');
  t.equal((await get('dave:wrong')).status, 401);
  const allowed = await get('dave:dave123');
  t.equal(allowed.status, 200);
  t.equal(allowed.headers['x-frame-options'], 'deny');
  t.match(allowed.body, /^bedrock_cost_usd_month_to_date\{/m);
});

t.test('gzip when the client accepts it; the same bytes either way', async (t) => {
  const { gunzipSync } = await import('node:zlib');
  const http = await import('node:http');
  const stack = await startStack(t, { size: 'small' });
  await stack.exporter.collector.refresh();
  const raw = (encoding?: string) => new Promise<{ headers: Record<string, unknown>; body: Buffer }>((done, fail) => {
    http.get(`${stack.url}/metrics`, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail);
  });
  const plain = await raw();
  t.equal(plain.headers['content-encoding'], undefined);
  const zipped = await raw('gzip, deflate, br');
  t.equal(zipped.headers['content-encoding'], 'gzip');
  t.equal(zipped.headers.vary, 'Accept-Encoding');
  t.ok(zipped.body.length * 4 < plain.body.length, `compressed ${plain.body.length} -> ${zipped.body.length} bytes`);
  const strip = (text: string) => text.replace(/^(process_|nodejs_).*$/gm, '');
  t.equal(strip(gunzipSync(zipped.body).toString()), strip(plain.body.toString()), 'gunzip gives the plain answer');
  t.equal((await raw('gzip;q=0')).headers['content-encoding'], undefined, 'q=0 refuses gzip');
});

t.test('acceptsGzip reads Accept-Encoding as RFC 9110 does', async (t) => {
  const { acceptsGzip } = await import('../src/server.js');
  t.ok(acceptsGzip('gzip'));
  t.ok(acceptsGzip('br;q=1.0, gzip;q=0.8, *;q=0.1'));
  t.ok(acceptsGzip('*'));
  t.notOk(acceptsGzip(undefined));
  t.notOk(acceptsGzip('identity'));
  t.notOk(acceptsGzip('gzip;q=0'));
  t.notOk(acceptsGzip('gzip; q=0.0'));
  t.notOk(acceptsGzip('gzip;q=0, *'), 'an explicit refusal wins over the wildcard');
  t.notOk(acceptsGzip('*;q=0'));
  t.ok(acceptsGzip('GZIP;Q=0.5'));
  t.notOk(acceptsGzip('x-gzip2'));
});

t.test('a listen address in use: startExporter rejects and leaves nothing running', async (t) => {
  const { createServer } = await import('node:net');
  const { main } = await import('../src/main.js');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as { port: number }).port;
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: { AWS_ENDPOINT_URL_COST_EXPLORER: 'http://127.0.0.1:9' }, tty: false };
  const { EXIT_CODES } = await import('../src/errors.js');
  t.equal(await main([`--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], io), EXIT_CODES.listen, 'exit 3, not a config error');
});

t.test('every listen address is served; IPv6 ones are shown in brackets', async (t) => {
  const stack = await startStack(t, { size: 'tiny', flags: ['--web.listen-address=[::1]:0'] });
  const [ipv4, ipv6] = stack.exporter.urls;
  t.match(ipv4, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.match(ipv6, /^http:\/\/\[::1\]:\d+$/);
  t.equal((await fetch(`${ipv6}/-/healthy`)).status, 200);
});
