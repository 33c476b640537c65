import { Server as TlsServer, type TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { ExporterError } from '../errors.js';
import { createBasicAuth, type PasswordCompare } from './basic-auth.js';
import type { ClientAuthType, WebConfig } from './web-config.js';

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
 * Applies a web config to an app: configured headers on every answer, and basic auth on every route
 * (but `exempt`) when users are configured. Call it before the app is ready.
 */
export function registerWebSecurity(app: FastifyInstance, config: WebConfig, options: WebSecurityOptions = {}): void {
  guardTls(app, config);

  const headers = Object.entries(config.headers);
  if (headers.length > 0) {
    // onSend, so that the operator's values win over a route's and reach error answers too.
    app.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of headers) reply.header(name, value);
      return payload;
    });
  }

  if (config.basicAuthUsers.size === 0) return;
  const check = createBasicAuth(config.basicAuthUsers, options.compare ? { compare: options.compare } : {});
  const exempt = new Set(options.exempt);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && exempt.has(route)) return;
    const outcome = await check(request.headers.authorization);
    if (outcome === 'ok') return;
    // Never the header, the password or an unknown user name (it may be a mistyped password).
    if (outcome === 'missing') request.log.debug('basic auth: no credentials');
    else request.log.warn({ reason: outcome, remoteAddress: request.ip }, 'basic auth failed');
    return reply.code(401).header('www-authenticate', CHALLENGE).type('text/plain; charset=utf-8').send('Unauthorized\n');
  });
}
