import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Collector } from './pipeline/collector.js';
import type { Logger } from './log.js';
import type { HealthMetrics } from './metrics/health.js';
import { registerWebSecurity } from './web/auth.js';
import { landingPage } from './web/landing.js';
import type { LiveWebConfig } from './web/web-config-reloader.js';

export interface AppOptions {
  collector: Collector;
  health: HealthMetrics;
  logger: Logger;
  telemetryPath: string;
  version: string;
  /** TLS, basic auth and headers from --web.config.file. */
  web?: LiveWebConfig;
  /** Tests shorten these; DEFAULT_HTTP_LIMITS otherwise. */
  limits?: Partial<HttpLimits>;
}

/** What one client can hold: slow or stuck clients are cut off, and a flood cannot exhaust file descriptors. */
export interface HttpLimits {
  /** The request line and headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** The whole request must arrive within this. */
  requestTimeoutMs: number;
  /** A socket with no traffic at all is closed after this. */
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How often Node checks the headers and request timeouts. */
  checkIntervalMs: number;
  /** Larger request headers get 431. */
  maxHeaderBytes: number;
  /** Connections beyond this are closed at once; leaves descriptors for the calls to AWS. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxHeaderBytes: 16_384,
  maxConnections: 512,
};

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(coding.trim(), q === undefined ? 1 : Number(q));
  }
  // "*" stands only for codings the header does not name: "gzip;q=0, *" refuses gzip.
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

/**
 * The HTTP face of the exporter. Every answer is built from memory: no route ever calls AWS. A factory,
 * not a plugin: it sets what only the Fastify instance can (https, timeouts, connection limits).
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const server = { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs, maxHeaderSize: limits.maxHeaderBytes };
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    bodyLimit: 1024,
    routerOptions: { maxParamLength: 100 },
    return503OnClosing: true,
    ...(options.web?.current.tls ? { https: { ...options.web.current.tls, ...server } } : { http: server }),
  });
  app.server.maxConnections = limits.maxConnections;
  if (options.web) registerWebSecurity(app, options.web);
  const { collector, health } = options;
  const routes = [options.telemetryPath, '/-/healthy', '/-/ready', '/'];

  // Every route is read-only: GET (and the HEAD Fastify derives from it). Other methods on a known path get 405.
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0];
    if (routes.includes(path!)) return reply.code(405).header('allow', 'GET, HEAD').type('text/plain; charset=utf-8').send('Method Not Allowed\n');
    return reply.code(404).type('text/plain; charset=utf-8').send('Not Found\n');
  });

  // The snapshot's bytes were rendered (and gzipped) once per refresh; only the exporter's own small
  // families are rendered here. Two gzip members in a row are one valid gzip stream.
  app.get(options.telemetryPath, async (request, reply) => {
    const own = Buffer.from(await health.registry.metrics());
    const snapshot = collector.snapshot;
    reply.type(EXPOSITION).header('vary', 'Accept-Encoding');
    if (acceptsGzip(request.headers['accept-encoding'])) {
      reply.header('content-encoding', 'gzip');
      return Readable.from(snapshot ? [snapshot.gzipped, gzipSync(own)] : [gzipSync(own)], { objectMode: false });
    }
    return Readable.from(snapshot ? [snapshot.body, own] : [own], { objectMode: false });
  });

  app.get('/-/healthy', async (_request, reply) => reply.type('text/plain').send('OK\n'));

  app.get('/-/ready', async (_request, reply) => {
    if (!collector.ready) return reply.code(503).type('text/plain').send('Not ready: the first refresh of every source is not done yet\n');
    return reply.type('text/plain').send('Ready\n');
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(landingPage({ version: options.version, telemetryPath: options.telemetryPath, status: collector.status, snapshot: collector.snapshot })),
  );

  return app;
}
