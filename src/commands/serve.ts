import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SETTINGS, type Config } from '../config.js';
import { flagOf } from '../settings/command-line.js';
import { parseListenAddress } from '../settings/parse.js';
import { checkLedgerFile } from '../cost-explorer/ledger-file.js';
import { ListenError } from '../errors.js';
import type { Logger } from '../log.js';
import { HealthMetrics } from '../metrics/health.js';
import type { Collector } from '../pipeline/collector.js';
import { buildApp } from '../server.js';
import { VERSION } from '../version.js';
import { WebConfigReloader } from '../web/web-config-reloader.js';
import { createCollector } from './collector.js';

export interface Exporter {
  collector: Collector;
  health: HealthMetrics;
  apps: FastifyInstance[];
  /** Where it listens, as http://HOST:PORT. */
  urls: string[];
  close(): Promise<void>;
}

export interface ExporterOverrides {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  clock?: () => Date;
  processMetrics?: boolean;
}

/** Builds and starts everything `serve` runs: collector loop and one HTTP listener per address. */
export async function startExporter(config: Config, logger: Logger, overrides: ExporterOverrides = {}): Promise<Exporter> {
  await checkLedgerFile(config.ledger.file);
  const web = config.web.configFile === undefined ? undefined : new WebConfigReloader(config.web.configFile, logger);
  const health = new HealthMetrics(VERSION, { processMetrics: overrides.processMetrics ?? !config.web.disableExporterMetrics });
  const running = createCollector(config, { health, logger, clock: overrides.clock, target: overrides });
  const collector = running.collector;
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  const close = async (): Promise<void> => {
    web?.stop();
    await Promise.all(apps.map((app) => app.close()));
    await running.close();
  };
  try {
    for (const address of config.web.listenAddresses) {
      const { host, port } = parseListenAddress(address)!;
      const app = buildApp({ collector, health, logger, telemetryPath: config.web.telemetryPath, version: VERSION, ...(web ? { web } : {}) });
      apps.push(app);
      await app.listen({ host, port }).catch((error: NodeJS.ErrnoException) => {
        throw new ListenError(address, `--${flagOf(SETTINGS.web.listenAddresses)}`, error);
      });
      const bound = (app.server.address() as AddressInfo).port;
      urls.push(`${web?.current.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ urls, telemetryPath: config.web.telemetryPath, version: VERSION }, 'exporter listening');
  web?.start();
  await running.start();
  return { collector, health, apps, urls, close };
}
