import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import t, { type Test } from 'tap';
import { ConfigError } from '../../src/errors.js';
import { loadWebConfig } from '../../src/web/web-config.js';
import { temporaryFolder } from '../helpers/temporary.js';

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);
const pem = (name: string): string => readFileSync(fixture(name), 'utf8');
const indent = (text: string): string => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');

const dir = temporaryFolder(t, 'bue-web-config-');
let files = 0;
const configFile = (body: string): string => {
  const path = join(dir, `web-${++files}.yml`);
  writeFileSync(path, body);
  return path;
};
const load = (body: string) => loadWebConfig(configFile(body));
const tlsFiles = `tls_server_config:\n  cert_file: ${fixture('server.pem')}\n  key_file: ${fixture('server-key.pem')}\n`;

const failure = (t: Test, body: string | { path: string }): string => {
  try {
    if (typeof body === 'string') load(body);
    else loadWebConfig(body.path);
  } catch (error) {
    if (error instanceof ConfigError) {
      t.notMatch(error.message, /\n/, 'the message is one line');
      return error.message;
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
};

t.test('an empty file means plain HTTP without authentication', async (t) => {
  for (const body of ['', '# nothing\n', 'tls_server_config:\nhttp_server_config:\nbasic_auth_users:\n', 'tls_server_config: {}\n']) {
    const config = load(body);
    t.equal(config.tls, undefined);
    t.equal(config.basicAuthUsers.size, 0);
    t.same(config.headers, {});
    t.equal(config.http2, true, 'HTTP/2 defaults on, as in the toolkit');
    t.equal(config.clientAuth, 'NoClientCert');
  }
});

t.test('TLS files, with the toolkit defaults', async (t) => {
  const { tls, clientAuth } = load(tlsFiles);
  t.equal(tls?.cert, pem('server.pem'));
  t.equal(tls?.key, pem('server-key.pem'));
  t.equal(tls?.minVersion, 'TLSv1.2');
  t.equal(tls?.maxVersion, 'TLSv1.3');
  t.equal(tls?.honorCipherOrder, true);
  t.equal(tls?.requestCert, false);
  t.equal(tls?.ca, undefined);
  t.equal(tls?.ciphers, undefined);
  t.equal(tls?.ecdhCurve, undefined);
  t.equal(clientAuth, 'NoClientCert');
});

t.test('file paths are relative to the web config file, not to the working directory', async (t) => {
  const folder = temporaryFolder(t, 'bue-web-config-relative-');
  mkdirSync(join(folder, 'certs'));
  for (const name of ['server.pem', 'server-key.pem', 'ca.pem']) copyFileSync(fixture(name), join(folder, 'certs', name));
  const path = join(folder, 'web.yml');
  writeFileSync(path, 'tls_server_config:\n  cert_file: certs/server.pem\n  key_file: ./certs/server-key.pem\n  client_ca_file: certs/ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n');
  t.not(process.cwd(), folder);
  const { tls } = loadWebConfig(path);
  t.equal(tls?.cert, pem('server.pem'));
  t.same(tls?.ca, [pem('ca.pem').trim()]);
});

t.test('inline PEM, as the toolkit allows', async (t) => {
  const { tls } = load(`tls_server_config:\n  cert: |\n${indent(pem('server.pem'))}\n  key: |\n${indent(pem('server-key.pem'))}\n  client_ca: |\n${indent(pem('ca.pem') + pem('client.pem'))}\n  client_auth_type: VerifyClientCertIfGiven\n`);
  t.equal(tls?.cert, pem('server.pem'));
  t.equal(tls?.key, pem('server-key.pem'));
  t.same(tls?.ca, [pem('ca.pem').trim(), pem('client.pem').trim()], 'a bundle keeps every certificate');
});

t.test('versions, cipher suites, curves and cipher order', async (t) => {
  const { tls } = load(`${tlsFiles}  min_version: TLS13\n  max_version: TLS13\n  prefer_server_cipher_suites: false\n  cipher_suites:\n    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n    - TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\n    - TLS_AES_256_GCM_SHA384\n  curve_preferences: [X25519, CurveP256, CurveP384, CurveP521]\n`);
  t.equal(tls?.minVersion, 'TLSv1.3');
  t.equal(tls?.maxVersion, 'TLSv1.3');
  t.equal(tls?.honorCipherOrder, false);
  t.equal(tls?.ciphers, 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:TLS_AES_256_GCM_SHA384', 'Go (IANA) names become OpenSSL names');
  t.equal(tls?.ecdhCurve, 'X25519:P-256:P-384:P-521');
  t.equal(load(`${tlsFiles}  min_version: TLS10\n  max_version: TLS11\n`).tls?.minVersion, 'TLSv1');
});

t.test('client certificate policies', async (t) => {
  const withCa = (policy: string) => load(`${tlsFiles}  client_ca_file: ${fixture('ca.pem')}\n  client_auth_type: ${policy}\n`);
  const cases: Array<[string, string, boolean, boolean]> = [
    ['RequestClientCert', 'RequestClientCert', true, false],
    ['RequireAnyClientCert', 'RequireAnyClientCert', true, false],
    ['RequireClientCert', 'RequireAnyClientCert', true, false],
    ['VerifyClientCertIfGiven', 'VerifyClientCertIfGiven', true, false],
    ['RequireAndVerifyClientCert', 'RequireAndVerifyClientCert', true, true],
  ];
  for (const [given, policy, requestCert, rejectUnauthorized] of cases) {
    const config = withCa(given);
    t.equal(config.clientAuth, policy, given);
    t.same([config.tls?.requestCert, config.tls?.rejectUnauthorized], [requestCert, rejectUnauthorized], given);
  }
  t.equal(load(`${tlsFiles}  client_auth_type: NoClientCert\n`).clientAuth, 'NoClientCert');
});

t.test('basic auth users: $2y$ (htpasswd), $2b$ and $2a$ hashes', async (t) => {
  const b = bcrypt.hashSync('secret', 4);
  const a = b.replace('$2b$', '$2a$');
  const y = '$2y$10$2UXri9cIDdgeKjBo4Rlpx.U3ZLDV8X1IxKmsfOvhcM5oXQt/mLmXq';
  const { basicAuthUsers } = load(`basic_auth_users:\n  alice: ${b}\n  bob: "${a}"\n  dave: ${y}\n  "42": ${b}\n`);
  t.equal(basicAuthUsers.get('alice'), b);
  t.equal(basicAuthUsers.get('bob'), a);
  t.equal(basicAuthUsers.get('dave'), y);
  t.equal(basicAuthUsers.get('42'), b, 'a numeric user name is still a name');
  t.equal(basicAuthUsers.size, 4);
});

t.test('headers: the toolkit set, numbers as text, blank values unset', async (t) => {
  const { headers, http2 } = load(`http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000; includeSubDomains\n    X-Content-Type-Options: nosniff\n    X-XSS-Protection: 1\n    Content-Security-Policy: ""\n`);
  t.same(headers, {
    'X-Frame-Options': 'deny',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'X-XSS-Protection': '1',
  });
  t.equal(http2, false);
  t.same(load('http_server_config:\n  headers:\n    Content-Security-Policy:\n').headers, {});
});

t.test('every problem is one line naming the key', async (t) => {
  const hash = bcrypt.hashSync('secret', 4);
  const cases: Array<[string | { path: string }, RegExp]> = [
    [{ path: join(dir, 'missing.yml') }, /^web\.config\.file: cannot read ".*missing\.yml": no such file or folder$/],
    ['tls_server_config: [\n', /^web\.config\.file: .* is not valid YAML: /],
    ['- a\n- b\n', /^web\.config\.file: expected a mapping, got \["a","b"\]$/],
    ['tls_config: {}\n', /^web\.config\.file: tls_config: unknown key$/],
    ['rate_limit:\n  burst: 1\n', /^web\.config\.file: rate_limit: not supported by this exporter/],
    [`${tlsFiles}  min_vesion: TLS12\n`, /^web\.config\.file: tls_server_config\.min_vesion: unknown key$/],
    [`${tlsFiles}  client_allowed_sans: [a]\n`, /^web\.config\.file: tls_server_config\.client_allowed_sans: not supported/],
    ['tls_server_config: true\n', /^web\.config\.file: tls_server_config: expected a mapping, got true$/],
    [`tls_server_config:\n  key_file: ${fixture('server-key.pem')}\n`, /^web\.config\.file: tls_server_config\.cert_file: required to serve TLS/],
    [`tls_server_config:\n  cert_file: ${fixture('server.pem')}\n`, /^web\.config\.file: tls_server_config\.key_file: required to serve TLS/],
    ['tls_server_config:\n  min_version: TLS13\n', /^web\.config\.file: tls_server_config\.cert_file: required/],
    [`${tlsFiles}  cert: x\n`, /^web\.config\.file: tls_server_config\.cert: set cert or cert_file, not both$/],
    [`tls_server_config:\n  cert_file: nowhere.pem\n  key_file: ${fixture('server-key.pem')}\n`, /^web\.config\.file: tls_server_config\.cert_file: cannot read ".*nowhere\.pem": no such file or folder$/],
    [`tls_server_config:\n  cert_file: ${fixture('server-key.pem')}\n  key_file: ${fixture('server-key.pem')}\n`, /^web\.config\.file: tls_server_config\.cert_file: not a PEM certificate$/],
    [`tls_server_config:\n  cert_file: ${fixture('server.pem')}\n  key_file: ${fixture('server.pem')}\n`, /^web\.config\.file: tls_server_config\.key_file: not an unencrypted PEM private key$/],
    [`tls_server_config:\n  cert_file: ${fixture('server.pem')}\n  key_file: ${fixture('client-key.pem')}\n`, /^web\.config\.file: tls_server_config\.key_file: does not match the certificate in tls_server_config\.cert_file$/],
    [`tls_server_config:\n  cert: x\n  key_file: ${fixture('server-key.pem')}\n`, /^web\.config\.file: tls_server_config\.cert: not a PEM certificate$/],
    [`tls_server_config:\n  cert_file: 7\n  key_file: x\n`, /^web\.config\.file: tls_server_config\.cert_file: cannot read ".*\/7": no such file or folder$/],
    [`${tlsFiles}  client_ca_file: ${fixture('ca.pem')}\n`, /^web\.config\.file: tls_server_config\.client_auth_type: must be set when tls_server_config\.client_ca_file is/],
    [`${tlsFiles}  client_ca_file: ${fixture('ca.pem')}\n  client_ca: x\n  client_auth_type: RequestClientCert\n`, /^web\.config\.file: tls_server_config\.client_ca: set client_ca or client_ca_file, not both$/],
    [`${tlsFiles}  client_ca: nothing here\n  client_auth_type: RequestClientCert\n`, /^web\.config\.file: tls_server_config\.client_ca: holds no PEM certificate$/],
    [`${tlsFiles}  client_ca: "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n"\n  client_auth_type: RequestClientCert\n`, /^web\.config\.file: tls_server_config\.client_ca: not a PEM certificate$/],
    [`${tlsFiles}  client_auth_type: RequireAndVerify\n`, /^web\.config\.file: tls_server_config\.client_auth_type: expected one of NoClientCert, .*RequireAndVerifyClientCert, got "RequireAndVerify"$/],
    [`${tlsFiles}  min_version: TLSv1.2\n`, /^web\.config\.file: tls_server_config\.min_version: expected one of TLS10, TLS11, TLS12, TLS13, got "TLSv1\.2"$/],
    [`${tlsFiles}  max_version: 1.3\n`, /^web\.config\.file: tls_server_config\.max_version: expected one of .*, got 1\.3$/],
    [`${tlsFiles}  min_version: TLS13\n  max_version: TLS12\n`, /^web\.config\.file: tls_server_config\.min_version: must not be above max_version$/],
    [`${tlsFiles}  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA]\n`, /^web\.config\.file: tls_server_config\.cipher_suites\[1\]: unknown or insecure cipher suite "TLS_RSA_WITH_AES_128_CBC_SHA"/],
    [`${tlsFiles}  cipher_suites: ECDHE-RSA-AES128-GCM-SHA256\n`, /^web\.config\.file: tls_server_config\.cipher_suites: expected a list, got "ECDHE-RSA-AES128-GCM-SHA256"$/],
    [`${tlsFiles}  curve_preferences: [CurveP256, 5]\n`, /^web\.config\.file: tls_server_config\.curve_preferences\[1\]: expected one of CurveP256, CurveP384, CurveP521, X25519, got "5"$/],
    [`${tlsFiles}  curve_preferences: [P-256]\n`, /^web\.config\.file: tls_server_config\.curve_preferences\[0\]: expected one of CurveP256, CurveP384, CurveP521, X25519, got "P-256"$/],
    [`${tlsFiles}  prefer_server_cipher_suites: "yes"\n`, /^web\.config\.file: tls_server_config\.prefer_server_cipher_suites: expected true or false, got "yes"$/],
    ['http_server_config:\n  header: {}\n', /^web\.config\.file: http_server_config\.header: unknown key$/],
    ['http_server_config:\n  http2: 1\n', /^web\.config\.file: http_server_config\.http2: expected true or false, got 1$/],
    ['http_server_config:\n  headers: [X-Frame-Options]\n', /^web\.config\.file: http_server_config\.headers: expected a mapping/],
    ['http_server_config:\n  headers:\n    Server: x\n', /^web\.config\.file: http_server_config\.headers\.Server: cannot be set; the toolkit allows only Strict-Transport-Security, /],
    ['http_server_config:\n  headers:\n    x-frame-options: deny\n', /^web\.config\.file: http_server_config\.headers\.x-frame-options: cannot be set/],
    ['http_server_config:\n  headers:\n    X-Frame-Options: allow-from x\n', /^web\.config\.file: http_server_config\.headers\.X-Frame-Options: expected one of deny, sameorigin, got "allow-from x"$/],
    ['http_server_config:\n  headers:\n    X-Content-Type-Options: true\n', /^web\.config\.file: http_server_config\.headers\.X-Content-Type-Options: expected a string, got true$/],
    ['http_server_config:\n  headers:\n    Content-Security-Policy: "a\\r\\nSet-Cookie: x"\n', /^web\.config\.file: http_server_config\.headers\.Content-Security-Policy: holds characters a header value cannot carry$/],
    ['basic_auth_users: [alice]\n', /^web\.config\.file: basic_auth_users: expected a mapping/],
    ['basic_auth_users:\n  alice: plain-password\n', /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/],
    ['basic_auth_users:\n  alice: 12345\n', /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/],
    [`basic_auth_users:\n  alice: "${hash.replace('$2b$', '$2x$')}"\n`, /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/],
    [`basic_auth_users:\n  alice: "${hash.replace('$04$', '$03$')}"\n`, /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/],
    [`basic_auth_users:\n  alice: "${hash.slice(0, -1)}"\n`, /^web\.config\.file: basic_auth_users\.alice: expected a bcrypt hash/],
    [`basic_auth_users:\n  "al:ice": ${hash}\n`, /^web\.config\.file: "basic_auth_users\.al:ice": a user name cannot contain ":"/],
    [`basic_auth_users:\n  "": ${hash}\n`, /^web\.config\.file: basic_auth_users\.: the user name must not be empty$/],
  ];
  for (const [body, expected] of cases) t.match(failure(t, body), expected, typeof body === 'string' ? body : body.path);
});

t.test('a rejected password entry does not echo the secret', async (t) => {
  const message = failure(t, 'basic_auth_users:\n  alice: hunter2-plain\n');
  t.notMatch(message, /hunter2/);
});
