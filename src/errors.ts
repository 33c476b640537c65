// Errors carry a stable `code` (as undici does) so callers and tests branch on codes, not messages.
export class ExporterError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad flags, environment or config file: the CLI prints the one-line message and exits 2. */
export class ConfigError extends ExporterError {
  constructor(message: string, options?: ErrorOptions) {
    super('BUE_ERR_CONFIG', message.replace(/\r?\n/g, '\\n'), options);
  }
}

/** Any thrown value as one line: the status page, the log message and the CLI show no stack and no SDK advice. */
export function oneLine(error: unknown): string {
  const e = error as { name?: string; message?: string } | null | undefined;
  if (e?.name === 'CredentialsProviderError') {
    return 'no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role';
  }
  if (typeof e?.message !== 'string') return String(error);
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  // The SDK appends advice on further lines.
  return `${name}${e.message}`.split('\n')[0]!;
}
