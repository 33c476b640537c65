import { dirname, resolve } from 'node:path';
import { bool, fail, inFile, mapping, optional, readYamlFile, section, show } from '../settings/parse.js';
import { parseTlsServerConfig, type ClientAuthType, type TlsServerOptions } from './tls-config.js';

export type { ClientAuthType, TlsServerOptions };

/** The `--web.config.file` of the Prometheus exporter-toolkit, validated. */
export interface WebConfig {
  /** Fastify's `https` option; absent means plain HTTP. */
  tls?: TlsServerOptions;
  clientAuth: ClientAuthType;
  /** http_server_config.http2 (default true as in the toolkit); HTTP/2 needs TLS and `allowHTTP1` to keep HTTP/1.1 scrapers. */
  http2: boolean;
  /** User name -> bcrypt hash; empty means no authentication. */
  basicAuthUsers: Map<string, string>;
  /** http_server_config.headers, set on every answer. */
  headers: Record<string, string>;
  /** The files it was read from (absolute paths): the web config itself, then certificates and keys. */
  files: string[];
}

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'basic_auth_users'];
const UNSUPPORTED = new Map([['rate_limit', 'not supported by this exporter; rate-limit in a reverse proxy']]);
const HTTP_KEYS = ['http2', 'headers'];

// The toolkit lets a web config set only these headers, some only to fixed values, so that every
// exporter behaves alike. Undefined: any value.
const HEADERS = new Map<string, readonly string[] | undefined>([
  ['Strict-Transport-Security', undefined],
  ['X-Content-Type-Options', ['nosniff']],
  ['X-Frame-Options', ['deny', 'sameorigin']],
  ['X-XSS-Protection', undefined],
  ['Content-Security-Policy', undefined],
]);

// $2y$ (htpasswd), $2b$ and $2a$ are the same algorithm for these purposes; bcryptjs reads all three.
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

function parseUsers(raw: unknown): Map<string, string> {
  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(mapping(raw, 'basic_auth_users'))) {
    const key = `basic_auth_users.${user}`;
    if (user === '') fail(key, 'the user name must not be empty');
    if (user.includes(':')) fail(key, 'a user name cannot contain ":" (basic auth puts it between user and password)');
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) fail(key, 'expected a bcrypt hash ($2y$, $2b$ or $2a$, a cost from 04 to 31 and 53 characters), e.g. from htpasswd -nBC 10 ""');
    users.set(user, hash as string);
  }
  return users;
}

function parseHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mapping(raw, 'http_server_config.headers'))) {
    const key = `http_server_config.headers.${name}`;
    if (!HEADERS.has(name)) fail(key, `cannot be set; the toolkit allows only ${[...HEADERS.keys()].join(', ')}`);
    if (value === null || value === '') continue; // unset if blank, as the toolkit documents
    if (typeof value !== 'string' && typeof value !== 'number') fail(key, `expected a string, got ${show(value)}`);
    const text = String(value);
    const allowed = HEADERS.get(name);
    if (allowed && !allowed.includes(text)) fail(key, `expected one of ${allowed.join(', ')}, got ${show(value)}`);
    if (!/^[\t\x20-\x7e]*$/.test(text)) fail(key, 'holds characters a header value cannot carry');
    headers[name] = text;
  }
  return headers;
}

/**
 * Reads and checks a web config file; throws ConfigError with one line naming the key. File paths in it
 * are relative to its own folder, as in the toolkit. WebConfigReloader calls it again when a file changes.
 */
export function loadWebConfig(path: string): WebConfig {
  const absolute = resolve(path);
  const document = mapping(readYamlFile(path, 'web.config.file'), 'web.config.file');
  return inFile('web.config.file', () => {
    const top = section(TOP_KEYS, UNSUPPORTED)(document, '');
    const http = section(HTTP_KEYS)(top.http_server_config, 'http_server_config');
    const tls = parseTlsServerConfig(top.tls_server_config, dirname(absolute));
    const config: WebConfig = {
      clientAuth: tls?.clientAuth ?? 'NoClientCert',
      http2: optional(bool)(http.http2, 'http_server_config.http2') ?? true,
      basicAuthUsers: parseUsers(top.basic_auth_users),
      headers: parseHeaders(http.headers),
      files: [absolute, ...(tls?.files ?? [])],
    };
    if (tls) config.tls = tls.options;
    return config;
  });
}
