import { Server as TlsServer, type TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { ExporterError } from '../errors.js';
import { createBasicAuth, type PasswordCompare } from './basic-auth.js';
import type { ClientAuthType, WebConfig } from './web-config.js';
import type { LiveWebConfig } from './web-config-reloader.js';

export interface WebSecurityOptions {
  /** Route URLs (as registered, e.g. '/-/healthy') served without basic auth. None by default, as in the toolkit. */
  exempt?: string[];
  /** Password check; bcrypt by default. */
  compare?: PasswordCompare;
}

const CHALLENGE = 'Basic realm="bedrock-usage-exporter"';

/** Node can only request a client certificate or demand a verified one; the toolkit's two other policies are checked here. */
function clientCertificateAcceptable(socket: TLSSocket, policy: ClientAuthType): boolean {
  const given = Object.keys(socket.getPeerCertificate()).length > 0;
  if (policy === 'RequireAnyClientCert') return given;
  return !given || socket.authorized; // VerifyClientCertIfGiven
}

function guardTls(app: FastifyInstance, config: WebConfig): void {
  if (!config.tls) return;
  if (!(app.server instanceof TlsServer)) {
    throw new ExporterError('BUE_ERR_TLS_NOT_SERVED', 'the web config enables TLS but the app was built without the https option');
  }
  const policy = config.clientAuth;
  if (policy !== 'RequireAnyClientCert' && policy !== 'VerifyClientCertIfGiven') return;
  // Runs right after the handshake, before the HTTP parser has read a byte.
  app.server.on('secureConnection', (socket: TLSSocket) => {
    if (!clientCertificateAcceptable(socket, policy)) socket.destroy();
  });
}

/**
 * Applies a web config to an app, and each new one a reloader brings: certificates, configured headers on
 * every answer, and basic auth on every route (but `exempt`) when users are configured. While the file on
 * disk is invalid every answer is 500. Call it before the app is ready.
 */
export function registerWebSecurity(app: FastifyInstance, web: LiveWebConfig, options: WebSecurityOptions = {}): void {
  guardTls(app, web.current);
  if (app.server instanceof TlsServer) {
    const server = app.server;
    web.onChange((config) => {
      if (config.tls) server.setSecureContext(config.tls);
    });
  }

  const exempt = new Set(options.exempt);
  let auth: { users: ReadonlyMap<string, string>; check: ReturnType<typeof createBasicAuth> } | undefined;
  app.addHook('onRequest', async (request, reply) => {
    // The details are in the exporter's log; a scraper learns nothing about the file.
    if (web.problem !== undefined) return reply.code(500).type('text/plain; charset=utf-8').send('Internal Server Error\n');
    const users = web.current.basicAuthUsers;
    if (users.size === 0) return;
    const route = request.routeOptions.url;
    if (route !== undefined && exempt.has(route)) return;
    // A new user list gets a new checker, so no remembered login outlives its user or password.
    if (auth?.users !== users) auth = { users, check: createBasicAuth(users, options.compare ? { compare: options.compare } : {}) };
    const outcome = await auth.check(request.headers.authorization);
    if (outcome === 'ok') return;
    // Never the header, the password or an unknown user name (it may be a mistyped password).
    if (outcome === 'missing') request.log.debug('basic auth: no credentials');
    else request.log.warn({ reason: outcome, remoteAddress: request.ip }, 'basic auth failed');
    return reply.code(401).header('www-authenticate', CHALLENGE).type('text/plain; charset=utf-8').send('Unauthorized\n');
  });

  // onSend, so that the operator's values win over a route's and reach error answers too.
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(web.current.headers)) reply.header(name, value);
    return payload;
  });
}
