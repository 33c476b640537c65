// `bedrock-usage-exporter emulator`: the Cost Explorer emulator as a process of its own.
import { parseArgs } from 'node:util';
import { ConfigError, ListenError } from '../errors.js';
import { createLogger } from '../log.js';
import { dayOf } from '../time.js';
import type { Size } from './catalogue.js';
import { generateDataset, loadDataset, type Dataset } from './dataset.js';
import { FaultRuleError, parseFaultSpec, type FaultRule } from './faults.js';
import { startEmulator } from './server.js';

const USAGE = `Usage: bedrock-usage-exporter emulator [flags]

A local AWS Cost Explorer (AWS JSON 1.1) serving a synthetic Bedrock organization.
Point the AWS SDK at it with AWS_ENDPOINT_URL_COST_EXPLORER=http://HOST:PORT.

Flags:
  --listen HOST:PORT      address to listen on (default 127.0.0.1:4510; port 0 picks a free one)
  --seed N                data-set seed (default 42)
  --size SIZE             tiny | small | demo | large (default demo)
  --scenario NAME         default | growth (one model more than doubles week over week)
  --data FILE             serve a fixed ledger (JSON lines of line items) instead
  --page-size N           groups per page (default 500)
  --hourly                allow HOURLY granularity (last 14 days)
  --fault SPEC            inject a fault, repeatable: NAME[:PROBABILITY[:DELAY_MS]],
                          e.g. throttle:0.2, http_503:0.1, slow:0.5:2000
                          (throttle, data_unavailable, http_500, http_503, slow, hang,
                          truncated, malformed, expired_token)
  --log.level LEVEL       debug | info | warn | error (default info)
  --log.format FORMAT     json | text (default json)
  --help
Stats: GET /__emulator/stats. Faults: POST /__emulator/faults (JSON array of rules).
`;

const SIZES: readonly Size[] = ['tiny', 'small', 'demo', 'large'];

export interface EmulatorCommandIo {
  /** Where logs go (default stdout). */
  destination?: NodeJS.WritableStream;
  /** Stops the emulator like SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

/** Runs the emulator until SIGINT, SIGTERM or `io.signal`; bad flags throw ConfigError. */
export async function runEmulatorCommand(argv: string[], { destination = process.stdout, signal }: EmulatorCommandIo = {}): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    destination.write(USAGE);
    return;
  }
  const listen = flags.listen ?? '127.0.0.1:4510';
  const { host, port } = parseListen(listen);
  const logLevel = oneOf(flags['log.level'] ?? 'info', 'log.level', ['debug', 'info', 'warn', 'error'] as const);
  const logFormat = oneOf(flags['log.format'] ?? 'json', 'log.format', ['json', 'text'] as const);
  const pageSize = flags['page-size'] === undefined ? undefined : wholeNumber(flags['page-size'], 'page-size', 1);
  const faults = (flags.fault ?? []).map(faultRule);
  const dataset = datasetFrom(flags);

  const logger = createLogger({ level: logLevel, format: logFormat, destination });
  const emulator = await startEmulator({ dataset, host, port, pageSize, hourly: flags.hourly ?? false, faults, logger }).catch((error: NodeJS.ErrnoException) => {
    throw new ListenError(listen, '--listen', error);
  });
  logger.info({ url: emulator.url }, 'Cost Explorer emulator listening');

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

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        listen: { type: 'string' },
        seed: { type: 'string' },
        size: { type: 'string' },
        scenario: { type: 'string' },
        data: { type: 'string' },
        'page-size': { type: 'string' },
        hourly: { type: 'boolean' },
        fault: { type: 'string', multiple: true },
        'log.level': { type: 'string' },
        'log.format': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`emulator: ${(error as Error).message}`);
  }
}

function datasetFrom(flags: Flags): Dataset {
  if (flags.data !== undefined) {
    if (flags.size !== undefined || flags.scenario !== undefined || flags.seed !== undefined) {
      throw new ConfigError('emulator: --data serves a fixed ledger; do not combine it with --seed, --size or --scenario');
    }
    try {
      return loadDataset(flags.data);
    } catch (error) {
      throw new ConfigError(`emulator: --data ${(error as Error).message}`);
    }
  }
  return generateDataset({
    seed: flags.seed === undefined ? 42 : wholeNumber(flags.seed, 'seed', 0),
    size: oneOf(flags.size ?? 'demo', 'size', SIZES),
    scenario: oneOf(flags.scenario ?? 'default', 'scenario', ['default', 'growth'] as const),
    today: dayOf(Date.now()),
  });
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  if (!match) throw new ConfigError(`emulator: --listen must be HOST:PORT (e.g. 127.0.0.1:4510), got ${JSON.stringify(value)}`);
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigError(`emulator: --listen port must be 0-65535, got ${port}`);
  return { host: match[1] ?? match[2]!, port };
}

function faultRule(spec: string): FaultRule {
  try {
    return parseFaultSpec(spec);
  } catch (error) {
    throw new ConfigError(`emulator: --fault ${(error as FaultRuleError).message}`);
  }
}

function wholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new ConfigError(`emulator: --${flag} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new ConfigError(`emulator: --${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}
