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
