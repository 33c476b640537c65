// `bedrock-usage-exporter emulator`: the Cost Explorer emulator as a process of its own.
import { LOG_SETTINGS, SETTINGS } from '../config.js';
import { ConfigError, ListenError } from '../errors.js';
import { createLogger } from '../log.js';
import { dayOf } from '../time.js';
import { flagOf, helpText, readCommandLine, setting, type Groups, type Values } from '../settings/command-line.js';
import { bool, duration, fail, listenAddress, oneOf, optional, optionalPath, optionalText, parseListenAddress, textList, wholeNumber, type Parser } from '../settings/parse.js';
import type { Size } from './catalogue.js';
import { generateDataset, loadDataset, type Dataset } from './dataset.js';
import { FAULTS, FaultRuleError, parseFaultSpec, type FaultRule } from './faults.js';
import { startEmulator } from './server.js';

const USAGE = `Usage: bedrock-usage-exporter emulator [flags]

A local AWS Cost Explorer (AWS JSON 1.1) serving a synthetic Bedrock organization.
Point the AWS SDK at it with AWS_ENDPOINT_URL_COST_EXPLORER=http://HOST:PORT.
Stats: GET /__emulator/stats. Faults: POST /__emulator/faults (JSON array of rules).

  --help
`;

const fault: Parser<FaultRule[]> = (raw, name) =>
  textList(raw, name).map((spec) => {
    try {
      return parseFaultSpec(spec);
    } catch (error) {
      return fail(name, (error as FaultRuleError).message);
    }
  });

/** The emulator's flags; it logs with the exporter's log settings. */
export const EMULATOR_SETTINGS = {
  emulator: {
    listen: setting({ key: 'listen', parse: listenAddress, default: '127.0.0.1:4510', help: 'address to listen on, HOST:PORT (port 0 picks a free one)' }),
    seed: setting({ key: 'seed', parse: optional(wholeNumber(0)), shownDefault: '42', help: 'data-set seed' }),
    size: setting({ key: 'size', parse: optional(oneOf<Size>('tiny', 'small', 'demo', 'large')), shownDefault: 'demo', help: 'tiny, small, demo or large' }),
    scenario: setting({ key: 'scenario', parse: optional(oneOf('default', 'growth')), shownDefault: 'default', help: 'default, or growth (one model more than doubles week over week)' }),
    runaway: setting({ key: 'runaway', parse: optional(duration(0)), shownDefault: 'none', help: 'a runaway begins this long after the emulator starts (0s: at once): one caller of the first account spends 2,000 USD an hour more for four hours' }),
    data: setting({ key: 'data', parse: optionalPath, help: 'serve a fixed ledger (JSON lines of line items) instead of --seed, --size, --scenario and --runaway' }),
    pageSize: setting({ key: 'page-size', parse: optional(wholeNumber(1)), shownDefault: '500', help: 'groups per page' }),
    monitoringAccount: setting({ key: 'monitoring-account', parse: optionalText, shownDefault: 'none', help: 'an account of the data set whose CloudWatch sees every account\'s metrics (cross-account observability)' }),
    hourly: setting({ key: 'hourly', parse: bool, default: false, switch: true, help: 'allow HOURLY granularity (last 14 days)' }),
    faults: setting({
      key: 'fault',
      parse: fault,
      default: [],
      repeatable: true,
      help: `inject a fault, NAME[:PROBABILITY[:DELAY_MS]], e.g. throttle:0.2, http_503:0.1, slow:0.5:2000 (${FAULTS.join(', ')})`,
    }),
  },
  log: LOG_SETTINGS,
} satisfies Groups;

type EmulatorFlags = Values<typeof EMULATOR_SETTINGS>['emulator'];

export interface EmulatorCommandIo {
  /** Where logs go (default stdout). */
  destination?: NodeJS.WritableStream;
  /** Stops the emulator like SIGINT/SIGTERM do. */
  signal?: AbortSignal;
  /** Where BEDROCK_EXPORTER_LOG_* come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Runs the emulator until SIGINT, SIGTERM or `io.signal`; bad flags throw ConfigError. */
export async function runEmulatorCommand(argv: string[], { destination = process.stdout, signal, env = process.env }: EmulatorCommandIo = {}): Promise<void> {
  const { valuesOf, help, positionals } = readCommandLine([EMULATOR_SETTINGS], argv, { env, known: SETTINGS });
  if (help) {
    destination.write(`${USAGE}\n${helpText(EMULATOR_SETTINGS, { emulator: 'Emulator', log: 'Log' })}\n`);
    return;
  }
  if (positionals.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])}; the emulator takes flags only`);
  const { emulator: flags, log } = valuesOf(EMULATOR_SETTINGS);
  const dataset = datasetFrom(flags);
  const { host, port } = parseListenAddress(flags.listen)!;
  const monitoringAccount = flags.monitoringAccount;
  if (monitoringAccount !== undefined && !dataset.accounts.some((account) => account.id === monitoringAccount)) {
    throw new ConfigError(`--monitoring-account: ${monitoringAccount} is not an account of the data set (${dataset.accounts.map((account) => account.id).join(', ')})`);
  }
  const logger = createLogger({ ...log, destination });
  const emulator = await startEmulator({ dataset, host, port, pageSize: flags.pageSize, hourly: flags.hourly, faults: flags.faults, logger, ...(monitoringAccount ? { monitoringAccount } : {}) }).catch((error: NodeJS.ErrnoException) => {
    throw new ListenError(flags.listen, `--${flagOf(EMULATOR_SETTINGS.emulator.listen)}`, error);
  });
  logger.info({ url: emulator.url }, 'Cost Explorer emulator listening');
  const runaway = dataset.runaway;
  if (runaway !== undefined) {
    const { account, region, usageType } = runaway;
    logger.info({ runaway: { at: new Date(runaway.startMs).toISOString(), account, region, usageType } }, `a runaway begins at ${new Date(runaway.startMs).toISOString()}: ${usageType} in account ${account}, ${region}`);
  }

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      void emulator.close().then(() => {
        logger.info({ stats: emulator.stats() }, 'Cost Explorer emulator stopped');
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

function datasetFrom(flags: EmulatorFlags): Dataset {
  if (flags.data !== undefined) {
    if (flags.size !== undefined || flags.scenario !== undefined || flags.seed !== undefined || flags.runaway !== undefined) {
      throw new ConfigError('--data: serves a fixed ledger; do not combine it with --seed, --size, --scenario or --runaway');
    }
    try {
      return loadDataset(flags.data);
    } catch (error) {
      throw new ConfigError(`--data: ${(error as Error).message}`);
    }
  }
  const now = Date.now();
  const runaway = flags.runaway === undefined ? {} : { runaway: { at: new Date(now + flags.runaway) } };
  return generateDataset({ seed: flags.seed ?? 42, size: flags.size ?? 'demo', scenario: flags.scenario ?? 'default', today: dayOf(now), ...runaway });
}
