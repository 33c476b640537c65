import { constants as osConstants } from 'node:os';

// The catalogue of what can stop a command. Each error carries a stable `code` (as undici does), so
// callers and tests branch on codes, not messages, and an exit code the README documents. Messages are
// one line that says what went wrong and what to do.

export const EXIT_CODES = {
  unexpected: 1,
  config: 2,
  listen: 3,
  aws: 4,
  tool: 5,
  file: 6,
  remoteWrite: 7,
} as const;

export class ExporterError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message.replace(/\r?\n/g, '\\n'), options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT_CODES.unexpected;
  }
}

/** Bad flags, environment or config file (the exporter's, the web config, the emulator's flags). */
export class ConfigError extends ExporterError {
  constructor(message: string, options?: ErrorOptions) {
    super('BUE_ERR_CONFIG', message, { ...options, exitCode: EXIT_CODES.config });
  }
}

/** An address the command cannot listen on. */
export class ListenError extends ExporterError {
  constructor(address: string, flag: string, error: NodeJS.ErrnoException) {
    const why: Record<string, string> = {
      EADDRINUSE: 'the port is in use; stop what holds it or',
      EACCES: 'permission denied (ports below 1024 need privileges);',
      EADDRNOTAVAIL: 'this machine has no such address;',
      ENOTFOUND: 'no such host;',
    };
    const problem = why[error.code ?? ''] ?? `${error.code ?? error.message};`;
    super('BUE_ERR_LISTEN', `cannot listen on ${address}: ${problem} choose another with ${flag}`, { cause: error, exitCode: EXIT_CODES.listen });
  }
}

export type AwsErrorCode = 'BUE_ERR_AWS_UNREACHABLE' | 'BUE_ERR_AWS_CREDENTIALS' | 'BUE_ERR_AWS_ACCESS_DENIED' | 'BUE_ERR_AWS_ANSWER';

/** AWS could not be reached, refused who we are or what we asked, or answered what we cannot read. */
export class AwsError extends ExporterError {
  declare readonly code: AwsErrorCode;
  constructor(code: AwsErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, { ...options, exitCode: EXIT_CODES.aws });
  }
}

/** promtool or prometheus, which backfill runs, is missing or failed. */
export class ToolError extends ExporterError {
  constructor(message: string, options?: ErrorOptions) {
    super('BUE_ERR_TOOL', message, { ...options, exitCode: EXIT_CODES.tool });
  }
}

/** The receiver of backfill's --remote-write refused the history, or stayed out of reach through every retry. */
export class RemoteWriteError extends ExporterError {
  constructor(message: string, options?: ErrorOptions) {
    super('BUE_ERR_REMOTE_WRITE', message, { ...options, exitCode: EXIT_CODES.remoteWrite });
  }
}

/** A command that runs to an end (backfill) stopped by SIGINT or SIGTERM: 128 + the signal's number, as a shell reports it. */
export class InterruptedError extends ExporterError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super('BUE_ERR_INTERRUPTED', `stopped by ${signal}; the programs it started are stopped and its temporary files removed`, { exitCode: 128 + osConstants.signals[signal] });
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
};

/** What a failed file system call means, in words: "permission denied", or the code when it is rare. */
export const fileProblem = (error: NodeJS.ErrnoException): string => FILE_PROBLEMS[error.code ?? ''] ?? error.code ?? error.message;

/** A file or folder the command must write (the ledger, backfill's output) that it cannot. */
export class FileError extends ExporterError {
  constructor(what: string, path: string, error: NodeJS.ErrnoException) {
    super('BUE_ERR_FILE', `cannot write ${what} ${JSON.stringify(path)}: ${fileProblem(error)}`, { cause: error, exitCode: EXIT_CODES.file });
  }
}

/** Any thrown value as one line: the status page, the log message and the CLI show no stack and no SDK advice. */
export function oneLine(error: unknown): string {
  const e = error as { name?: string; message?: string } | null | undefined;
  if (typeof e?.message !== 'string') return String(error);
  if (error instanceof ExporterError) return error.message;
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  // The SDK appends advice on further lines.
  return `${name}${e.message}`.split('\n')[0]!;
}
