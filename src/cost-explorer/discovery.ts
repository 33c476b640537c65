import type { Logger } from '../log.js';
import type { Day } from '../time.js';
import type { CostSource } from './client.js';

// Which Bedrock services the bill holds (each Marketplace model is a SERVICE of its own), found with
// GetDimensionValues once a day and shared by every Cost Explorer source of the process: a source
// grouped by a tag reads the same services as the one grouped by usage type, without paying again.

export interface DiscoveryOptions {
  client: Pick<CostSource, 'discoverServices'>;
  logger: Logger;
  /** SERVICE values to read; empty: discover them with `search`, again after `rediscoverMs`. */
  services: readonly string[];
  search: string;
  rediscoverMs: number;
  clock?: () => Date;
}

export class ServiceDiscovery {
  readonly #options: DiscoveryOptions;
  readonly #clock: () => Date;
  #found: { names: string[]; at: number } | undefined;
  #inFlight: Promise<string[]> | undefined;

  constructor(options: DiscoveryOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The services billed in days [start, end): the configured ones, or the last discovery while it is fresh. */
  async services(start: Day, end: Day, signal?: AbortSignal): Promise<string[]> {
    const { services, rediscoverMs } = this.#options;
    if (services.length > 0) return [...services];
    if (this.#found && this.#clock().getTime() - this.#found.at < rediscoverMs) return [...this.#found.names];
    // Sources asking at the same time share one discovery.
    this.#inFlight ??= this.#discover(start, end, signal).finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #discover(start: Day, end: Day, signal?: AbortSignal): Promise<string[]> {
    const { client, search, logger } = this.#options;
    const at = this.#clock().getTime();
    const names = await client.discoverServices(search, start, end, signal);
    if (this.#found?.names.join('\n') !== names.join('\n')) logger.info({ services: names }, 'discovered Bedrock services in Cost Explorer');
    this.#found = { names, at };
    return [...names];
  }
}
