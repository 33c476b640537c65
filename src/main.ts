import { inspect } from 'node:util';
import type { BackfillFlags } from './commands/backfill.js';
import { configHelp, loadConfig } from './config.js';
import { helpText } from './settings/command-line.js';
import { ConfigError, EXIT_CODES, ExporterError, InterruptedError, oneLine } from './errors.js';
import { checkLedgerFile } from './cost-explorer/ledger-file.js';
import { createLogger } from './log.js';
import { ISSUES_URL, VERSION } from './version.js';
import { loadWebConfig } from './web/web-config.js';
import { sdkNodeNotice } from './commands/sdk-node-notice.js';

const USAGE = `Usage: bedrock-usage-exporter [command] [flags]

Amazon Bedrock usage and cost from AWS Cost Explorer, as Prometheus metrics.

Commands:
  serve          the exporter (default)
  demo           emulator and exporter in one process; no AWS account needed
  emulator       the Cost Explorer emulator alone (see: emulator --help)
  backfill       history from Cost Explorer as OpenMetrics / Prometheus blocks (see: backfill --help)
  check-config   validate flags, environment and config file, then exit

Each setting has a flag, an environment variable and a key in the --config.file YAML file;
a flag beats the environment, which beats the file.

  --help, --version
`;

const COMMANDS = ['serve', 'demo', 'emulator', 'backfill', 'check-config'] as const;
type Command = (typeof COMMANDS)[number];

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  tty: boolean;
}

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, tty: process.stdout.isTTY === true });

/** Runs a command; resolves to the exit code (long-running commands resolve 0 once they are up). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const run: RunState = { debug: false };
  try {
    return await dispatch(argv, io, run);
  } catch (error) {
    const { line, exitCode } = failure(error);
    if (run.debug && exitCode === EXIT_CODES.unexpected) io.stderr.write(`${inspect(error)}\n`);
    io.stderr.write(`${line}\n`);
    return exitCode;
  }
}

/** What a failure needs to know of the command that failed. */
interface RunState {
  /** --log.level=debug: an unexpected error also shows its stack. */
  debug: boolean;
}

/** The one line and the exit code a command ends with when it fails. */
export function failure(error: unknown): { line: string; exitCode: number } {
  // Every failure a person can act on is in the catalogue (src/errors.ts); anything else is a bug.
  if (error instanceof ExporterError) return { line: `bedrock-usage-exporter: ${error.message}`, exitCode: error.exitCode };
  return { line: `bedrock-usage-exporter: unexpected error: ${oneLine(error)} (a bug: please report it at ${ISSUES_URL} with the command that caused it; --log.level=debug shows where)`, exitCode: EXIT_CODES.unexpected };
}

async function dispatch(argv: string[], io: Io, run: RunState): Promise<number> {
  const first = argv[0];
  const command: Command = COMMANDS.includes(first as Command) ? (first as Command) : 'serve';
  const rest = command === first ? argv.slice(1) : argv;
  if (command === 'emulator') {
    const { runEmulatorCommand } = await import('./emulator/cli.js');
    await runEmulatorCommand(rest);
    return 0;
  }
  // Commands load their modules (and with them the AWS SDK) only when they run.
  const backfill = command === 'backfill' ? await import('./commands/backfill.js') : undefined;
  const commandLine = loadConfig(rest, io.env, {
    tty: io.tty,
    // A demo is for the person at this machine: it listens on loopback unless told otherwise, it
    // holds the month before too (the emulator charges nothing), so its chart is never two bars, it
    // shows who spends by the emulator's team tag, and both planes: the bill and the live minutes.
    defaults: command === 'demo' ? { 'web.listen_address': ['127.0.0.1:9180'], 'collection.lookback_days': '30', 'collection.allocation_tags': ['team'] } : {},
    command: backfill?.BACKFILL_SETTINGS ?? {},
  });
  run.debug = commandLine.config.log.level === 'debug';
  if (commandLine.help) {
    const own = backfill ? `${helpText(backfill.BACKFILL_SETTINGS, { backfill: 'Backfill' })}\n\n` : '';
    io.stdout.write(`${USAGE}\n${own}${configHelp()}\n`);
    return 0;
  }
  if (commandLine.version) {
    io.stdout.write(`bedrock-usage-exporter ${VERSION} (node ${process.version})\n`);
    return 0;
  }
  if (commandLine.positionals.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(commandLine.positionals[0])}; commands: ${COMMANDS.join(', ')}`);
  switch (command) {
    case 'check-config':
      if (commandLine.config.web.configFile !== undefined) loadWebConfig(commandLine.config.web.configFile);
      await checkLedgerFile(commandLine.config.ledger.file);
      io.stdout.write(`configuration OK${commandLine.configFile ? ` (${commandLine.configFile})` : ''}\n`);
      return 0;
    case 'backfill': {
      // The first signal stops what backfill runs and cleans up; a second one, the default, ends it at once.
      const stop = new AbortController();
      const onSignal = (signal: 'SIGINT' | 'SIGTERM') => stop.abort(new InterruptedError(signal));
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      sdkNodeNotice((line) => io.stderr.write(`note: ${line}\n`));
      try {
        return await backfill!.runBackfill(commandLine.config, commandLine.command as BackfillFlags, io, { signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    }
    case 'demo': {
      // The demo talks only to its own emulator: the SDK's news is for operators, not a newcomer's first read.
      sdkNodeNotice(() => undefined);
      const { runDemo } = await import('./commands/demo.js');
      await runDemo(commandLine.config);
      return 0;
    }
    case 'serve': {
      const { startExporter } = await import('./commands/serve.js');
      const { closeOnSignals } = await import('./commands/shutdown.js');
      const logger = createLogger(commandLine.config.log);
      sdkNodeNotice((line) => logger.warn({ node: process.version }, line));
      const exporter = await startExporter(commandLine.config, logger);
      closeOnSignals(logger, exporter.close);
      return 0;
    }
  }
}
