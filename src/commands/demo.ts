import type { Config } from '../config.js';
import { MADE_UP_USAGE_TYPE } from '../emulator/catalogue.js';
import { generateDataset } from '../emulator/dataset.js';
import { startEmulator } from '../emulator/server.js';
import { createLogger } from '../log.js';
import { dayOf } from '../time.js';
import { startExporter } from './serve.js';
import { closeOnSignals } from './shutdown.js';

/** Emulator and exporter in one process: the product with no AWS account and no paid calls. */
export async function runDemo(config: Config, seed = 42): Promise<void> {
  const logger = createLogger(config.log);
  const emulator = await startEmulator({
    dataset: generateDataset({ seed, size: 'demo', today: dayOf(Date.now()) }),
    logger: logger.child({ component: 'emulator' }),
  });
  const exporter = await startExporter(config, logger, {
    endpoint: emulator.url,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  }).catch(async (error: unknown) => {
    // The port is taken, say: the emulator must not keep the process alive after the error.
    await emulator.close();
    throw error;
  });
  // An address on every interface is opened in a browser as localhost.
  const url = exporter.urls[0]!.replace(/\/\/(0\.0\.0\.0|\[::\]):/, '//localhost:');
  const metricsUrl = `${url}${config.web.telemetryPath}`;
  // The banner is for the person; logs keep stdout to themselves, in one format.
  process.stderr.write(
    [
      '',
      'bedrock-usage-exporter demo: a made-up organization served by the built-in emulator of Cost Explorer and CloudWatch.',
      `  landing page   ${url}/`,
      `  metrics        ${metricsUrl}`,
      `  emulator       ${emulator.url} (stats at ${emulator.url}/__emulator/stats)`,
      ...(config.live.enabled ? ["The live plane reads the emulator's CloudWatch minutes too: bedrock_live_* series, today so far (--live.enabled=false to leave it out)."] : []),
      `The usage type ${MADE_UP_USAGE_TYPE} is made up on purpose: the exporter warns that it does not know it,`,
      'as it would for a usage type AWS adds tomorrow, and keeps its cost under kind="unknown". Nothing to report.',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n') + '\n',
  );
  closeOnSignals(logger, async () => {
    await exporter.close();
    await emulator.close();
  });
}
