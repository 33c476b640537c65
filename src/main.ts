import { configHelp, loadConfig } from './config.js';
import { ConfigError, EXIT_CODES, ExporterError, oneLine } from './errors.js';
import { checkWritable } from './files.js';
import { createLogger } from './log.js';
import { VERSION } from './version.js';
import { loadWebConfig } from './web/web-config.js';

const USAGE = `Usage: bedrock-usage-exporter [command] [flags]

Amazon Bedrock usage and cost from AWS Cost Explorer, as Prometheus metrics.

Commands:
  serve          the exporter (default)
  demo           emulator and exporter in one process; no AWS account needed
  emulator       the Cost Explorer emulator alone (see: emulator --help)
  backfill       history from Cost Explorer as OpenMetrics / Prometheus blocks
  check-config   validate flags, environment and config file, then exit

Backfill flags (besides the settings below):
  --from DAY         first day to read (default: the oldest Cost Explorer keeps, 13 months back)
  --until TIME       end of the history, RFC 3339 (default: now); set it to when live data starts
  --output DIR       keep the OpenMetrics files, a week each (default: bedrock-backfill,
                     or temporary files when --tsdb is given)
  --tsdb DIR         also turn them into Prometheus blocks there (needs promtool)
  --rules FILE       with --tsdb: recording rules to evaluate over the history (needs prometheus)
  --step DURATION    sample spacing, below Prometheus' 5m lookback (default: 4m)
  --job, --instance  the labels the live scrape adds (default: bedrock-usage-exporter, exporter:9180)
  --dry-run          print the plan and what it will cost, then stop

Flags (serve, demo, backfill, check-config):
  --help, --version
${configHelp()}
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
    if (run.debug && exitCode === EXIT_CODES.unexpected && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
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
  return { line: `bedrock-usage-exporter: unexpected error: ${oneLine(error)} (a bug: please report it with the command that caused it; --log.level=debug shows where)`, exitCode: EXIT_CODES.unexpected };
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
  const commandLine = loadConfig(rest, io.env, io.tty, backfill?.BACKFILL_FLAGS ?? {});
  run.debug = commandLine.config.log.level === 'debug';
  if (commandLine.help) {
    io.stdout.write(USAGE);
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
      if (commandLine.config.ledger.file !== undefined) await checkWritable('the ledger file', commandLine.config.ledger.file, 'file');
      io.stdout.write(`configuration OK${commandLine.configFile ? ` (${commandLine.configFile})` : ''}\n`);
      return 0;
    case 'backfill':
      return backfill!.runBackfill(commandLine, io);
    case 'demo': {
      const { runDemo } = await import('./commands/demo.js');
      await runDemo(commandLine);
      return 0;
    }
    case 'serve': {
      const { startExporter } = await import('./commands/serve.js');
      const { closeOnSignals } = await import('./commands/shutdown.js');
      const logger = createLogger(commandLine.config.log);
      const exporter = await startExporter(commandLine.config, logger);
      closeOnSignals(logger, exporter.close);
      return 0;
    }
  }
}
