import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { fileProblem } from '../errors.js';
import { bool, fail, optional, optionalText, list, section, show, text } from '../settings/parse.js';

// `tls_server_config` of the exporter-toolkit web config, turned into the options node:https (and so
// Fastify's `https`) takes. Names and defaults follow the toolkit's Go code; what Node cannot honour is
// refused with a message rather than silently ignored.

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

/** A subset of https.ServerOptions: pass it as Fastify's `https` option as it is. */
export interface TlsServerOptions {
  cert: string;
  key: string;
  /** Client CA certificates, one PEM each. */
  ca?: string[];
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** OpenSSL cipher list (TLS 1.2 and below; TLS 1.3 suites keep Node's defaults unless named). */
  ciphers?: string;
  ecdhCurve?: string;
  honorCipherOrder: boolean;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

export interface TlsSettings {
  options: TlsServerOptions;
  /** The certificate, key and CA files read (absolute paths), so that a change to one can be noticed. */
  files: string[];
  /** RequireAnyClientCert and VerifyClientCertIfGiven need a check after the handshake (registerWebSecurity). */
  clientAuth: ClientAuthType;
}

const SECTION = 'tls_server_config';
const KEYS = [
  'cert', 'key', 'client_ca', 'cert_file', 'key_file', 'client_auth_type', 'client_ca_file',
  'cipher_suites', 'curve_preferences', 'min_version', 'max_version', 'prefer_server_cipher_suites',
];
const UNSUPPORTED = new Map([
  ['client_allowed_sans', 'not supported by this exporter; give the scrapers client certificates from a dedicated CA (client_ca_file) instead'],
]);

const VERSIONS = new Map<string, SecureVersion>([['TLS10', 'TLSv1'], ['TLS11', 'TLSv1.1'], ['TLS12', 'TLSv1.2'], ['TLS13', 'TLSv1.3']]);
const VERSION_ORDER: SecureVersion[] = [...VERSIONS.values()];

// Go's tls.CipherSuites(), the only names the toolkit accepts, as OpenSSL calls them.
const CIPHER_SUITES = new Map([
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
  ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'],
  ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
]);

const CURVES = new Map([['CurveP256', 'P-256'], ['CurveP384', 'P-384'], ['CurveP521', 'P-521'], ['X25519', 'X25519']]);

const CLIENT_AUTH = new Map<string, ClientAuthType>([
  ['NoClientCert', 'NoClientCert'],
  ['RequestClientCert', 'RequestClientCert'],
  ['RequireAnyClientCert', 'RequireAnyClientCert'],
  ['RequireClientCert', 'RequireAnyClientCert'], // the toolkit's old name, kept there for compatibility
  ['VerifyClientCertIfGiven', 'VerifyClientCertIfGiven'],
  ['RequireAndVerifyClientCert', 'RequireAndVerifyClientCert'],
]);

const key = (name: string): string => `${SECTION}.${name}`;

function pick<T>(table: ReadonlyMap<string, T>, raw: unknown, name: string): T {
  const value = typeof raw === 'string' ? table.get(raw) : undefined;
  return value ?? fail(name, `expected one of ${[...table.keys()].join(', ')}, got ${show(raw)}`);
}

/** PEM text given inline (`cert`) or as a file (`cert_file`, relative to the web config's folder); one of them is needed. */
function pem(values: Record<string, unknown>, inline: string, file: string, baseDir: string, required: boolean, files: string[]): { text: string; from: string } | undefined {
  const text = optionalText(values[inline], key(inline));
  const path = optionalText(values[file], key(file));
  if (text !== undefined && path !== undefined) return fail(key(inline), `set ${inline} or ${file}, not both`);
  if (text !== undefined) return { text, from: key(inline) };
  if (path === undefined) return required ? fail(key(file), `required to serve TLS (or ${inline} with inline PEM)`) : undefined;
  const absolute = resolve(baseDir, path);
  files.push(absolute);
  try {
    return { text: readFileSync(absolute, 'utf8'), from: key(file) };
  } catch (error) {
    return fail(key(file), `cannot read ${JSON.stringify(absolute)}: ${fileProblem(error as NodeJS.ErrnoException)}`);
  }
}

function certificate(text: string, from: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    return fail(from, 'not a PEM certificate');
  }
}

function privateKey(text: string, from: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    return fail(from, 'not an unencrypted PEM private key');
  }
}

function caBundle(text: string, from: string): string[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) fail(from, 'holds no PEM certificate');
  for (const block of blocks) certificate(block, from);
  return blocks;
}

/** Undefined when the section is absent or empty: plain HTTP. */
export function parseTlsServerConfig(raw: unknown, baseDir: string): TlsSettings | undefined {
  const values = section(KEYS, UNSUPPORTED)(raw, SECTION);
  if (!Object.values(values).some((value) => value !== null && value !== undefined && value !== '')) return undefined;

  const files: string[] = [];
  const cert = pem(values, 'cert', 'cert_file', baseDir, true, files)!;
  const keyPem = pem(values, 'key', 'key_file', baseDir, true, files)!;
  const clientCa = pem(values, 'client_ca', 'client_ca_file', baseDir, false, files);
  if (!certificate(cert.text, cert.from).checkPrivateKey(privateKey(keyPem.text, keyPem.from))) {
    fail(keyPem.from, `does not match the certificate in ${cert.from}`);
  }

  const clientAuth = pick(CLIENT_AUTH, optionalText(values.client_auth_type, key('client_auth_type')) ?? 'NoClientCert', key('client_auth_type'));
  if (clientCa && clientAuth === 'NoClientCert') fail(key('client_auth_type'), `must be set when ${clientCa.from} is (client CAs without a client auth policy)`);

  const version = (name: string, fallback: string): SecureVersion => pick(VERSIONS, values[name] ?? fallback, key(name));
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  if (VERSION_ORDER.indexOf(minVersion) > VERSION_ORDER.indexOf(maxVersion)) fail(key('min_version'), 'must not be above max_version');

  const ciphers = list(text)(values.cipher_suites, key('cipher_suites')).map((name, index) =>
    CIPHER_SUITES.get(name) ?? fail(`${key('cipher_suites')}[${index}]`, `unknown or insecure cipher suite ${show(name)}; use Go's names from tls.CipherSuites(), e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`),
  );
  const curves = list(text)(values.curve_preferences, key('curve_preferences')).map((name, index) =>
    CURVES.get(name) ?? fail(`${key('curve_preferences')}[${index}]`, `expected one of ${[...CURVES.keys()].join(', ')}, got ${show(name)}`),
  );

  const options: TlsServerOptions = {
    cert: cert.text,
    key: keyPem.text,
    minVersion,
    maxVersion,
    honorCipherOrder: optional(bool)(values.prefer_server_cipher_suites, key('prefer_server_cipher_suites')) ?? true,
    requestCert: clientAuth !== 'NoClientCert',
    rejectUnauthorized: clientAuth === 'RequireAndVerifyClientCert',
  };
  if (clientCa) options.ca = caBundle(clientCa.text, clientCa.from);
  if (ciphers.length > 0) options.ciphers = ciphers.join(':');
  if (curves.length > 0) options.ecdhCurve = curves.join(':');
  return { options, clientAuth, files };
}
