import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Collector } from './collector.js';
import type { Logger } from './log.js';
import type { HealthMetrics } from './metrics/health.js';
import { registerWebSecurity } from './web/auth.js';
import { landingPage } from './web/landing.js';
import type { WebConfig } from './web/web-config.js';

export interface AppOptions {
  collector: Collector;
  health: HealthMetrics;
  logger: Logger;
  telemetryPath: string;
  version: string;
  /** TLS, basic auth and headers from --web.config.file. */
  web?: WebConfig;
}

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q) > 0);
  });
}

/** The HTTP face of the exporter. Every answer is built from memory: no route ever calls AWS. */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    requestTimeout: 10_000,
    bodyLimit: 1024,
    maxParamLength: 100,
    return503OnClosing: true,
    ...(options.web?.tls ? { https: options.web.tls } : {}),
  });
  if (options.web) registerWebSecurity(app, options.web);
  const { collector, health } = options;

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
    if (!collector.snapshot) return reply.code(503).type('text/plain').send('Not ready: no data from Cost Explorer yet\n');
    return reply.type('text/plain').send('Ready\n');
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(landingPage({ version: options.version, telemetryPath: options.telemetryPath, status: collector.status, snapshot: collector.snapshot })),
  );

  return app;
}
