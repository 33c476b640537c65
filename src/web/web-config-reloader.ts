import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { loadWebConfig, type WebConfig } from './web-config.js';

/** The web config in force. A reloader replaces it while the exporter runs; a fixed one never changes. */
export interface LiveWebConfig {
  readonly current: WebConfig;
  /** Why the file on disk cannot be used (one line naming the key); undefined while it can. */
  readonly problem: string | undefined;
  /** Called with each new config once it is in force. */
  onChange(listener: (config: WebConfig) => void): void;
}

export function fixedWebConfig(config: WebConfig): LiveWebConfig {
  return { current: config, problem: undefined, onChange: () => {} };
}

export const WEB_CONFIG_CHECK_INTERVAL_MS = 1_000;

/**
 * Re-reads the web config file and the files it names once a second, as the exporter-toolkit (which reads
 * it on every request) does: renewed certificates (cert-manager, ACME) and changed users take effect
 * without a restart. A file that turns invalid is not used: `problem` says why, and the server answers
 * 500 until it is fixed, as the toolkit does, rather than go on with users the operator meant to remove.
 * Turning TLS on or off, or changing client_auth_type, changes how the listener is built: the previous
 * config stays in force until a restart, and a warning says so.
 */
export class WebConfigReloader implements LiveWebConfig {
  #current: WebConfig;
  #problem: string | undefined;
  /** The last state seen on disk (a config or an error), so that each change is acted on and logged once. */
  #seen: string;
  /** The files the last valid read came from, and their bytes (hashed): parsing certificates and keys
   * costs about a millisecond and a half, reading them a few microseconds. */
  #files: string[];
  #bytes: string;
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners: Array<(config: WebConfig) => void> = [];

  /** Reads the file now; throws ConfigError if it is invalid, as a start with a bad file must fail. */
  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {
    this.#current = loadWebConfig(path);
    this.#seen = fingerprint(this.#current);
    this.#files = this.#current.files;
    this.#bytes = bytesOf(this.#files);
  }

  get current(): WebConfig {
    return this.#current;
  }

  get problem(): string | undefined {
    return this.#problem;
  }

  onChange(listener: (config: WebConfig) => void): void {
    this.#listeners.push(listener);
  }

  start(intervalMs = WEB_CONFIG_CHECK_INTERVAL_MS): void {
    this.stop();
    this.#timer = setInterval(() => this.check(), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the files once and acts on what changed since the last check. */
  check(): void {
    const bytes = bytesOf(this.#files);
    if (bytes === this.#bytes && this.#problem === undefined) return;
    this.#bytes = bytes;
    let next: WebConfig;
    try {
      next = loadWebConfig(this.path);
    } catch (error) {
      // loadWebConfig reports every problem as a ConfigError: one line that names the key.
      const problem = (error as ConfigError).message;
      if (this.#see(`problem ${problem}`)) {
        this.#problem = problem;
        this.logger.error({ problem }, 'web config file is invalid: answering 500 until it is fixed');
      }
      return;
    }
    if (this.#files.join('\n') !== next.files.join('\n')) {
      // Other files now: read them again at the next check rather than miss a change made meanwhile.
      this.#files = next.files;
      this.#bytes = '';
    }
    const state = fingerprint(next);
    if (!this.#see(state)) return;
    const recovered = this.#problem !== undefined;
    this.#problem = undefined;
    const restartOnly = restartOnlyChange(this.#current, next);
    if (restartOnly) {
      this.logger.warn({ change: restartOnly }, 'web config change needs a restart; the previous config stays in force');
      return;
    }
    if (state === fingerprint(this.#current)) {
      if (recovered) this.logger.info({ path: this.path }, 'web config file is valid again');
      return;
    }
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
    this.logger.info({ path: this.path }, 'web config reloaded');
  }

  #see(state: string): boolean {
    if (state === this.#seen) return false;
    this.#seen = state;
    return true;
  }
}

function bytesOf(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    try {
      hash.update(readFileSync(file));
    } catch (error) {
      hash.update(`unreadable ${(error as NodeJS.ErrnoException).code}`);
    }
    hash.update('\0');
  }
  return hash.digest('base64');
}

function fingerprint(config: WebConfig): string {
  return JSON.stringify({ ...config, basicAuthUsers: [...config.basicAuthUsers] });
}

function restartOnlyChange(current: WebConfig, next: WebConfig): string | undefined {
  if (Boolean(current.tls) !== Boolean(next.tls)) return next.tls ? 'tls_server_config added' : 'tls_server_config removed';
  if (current.clientAuth !== next.clientAuth) return `tls_server_config.client_auth_type: ${current.clientAuth} -> ${next.clientAuth}`;
  return undefined;
}
