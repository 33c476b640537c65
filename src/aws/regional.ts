import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import { classifyAwsError, isCredentialsRefused } from './errors.js';
import { countRequests, type AwsApi, type OnRequest } from './requests.js';

// Regional APIs (CloudWatch, Bedrock) need a client per region: made when first needed, its requests
// counted, and made again after AWS refuses its keys so that the SDK's chain resolves them anew.

export interface ClientSettings {
  maxAttempts: number;
  requestTimeoutMs: number;
  endpoint?: string;
  /** Fixed keys (tests, the demo) or a provider (a role assumed); the SDK's chain when left out. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** What every client the exporter makes is given: retries, deadlines, and where it goes. */
export function clientConfig(settings: ClientSettings, region: string) {
  return {
    // A new client reads ~/.aws/credentials and ~/.aws/config again instead of the SDK's cached copy.
    ignoreCache: true,
    region,
    maxAttempts: settings.maxAttempts,
    // Without throwOnRequestTimeout the handler only warns on the console and waits for ever.
    requestHandler: { requestTimeout: settings.requestTimeoutMs, throwOnRequestTimeout: true, connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000) },
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

// Each SDK client's stack is typed by its own service's inputs and outputs.
type Client = { middlewareStack: MiddlewareStack<any, any>; destroy(): void };

export class RegionalClients<C extends Client> {
  readonly #api: AwsApi;
  readonly #make: (region: string) => C;
  readonly #onRequest: OnRequest;
  readonly #clients = new Map<string, C>();

  constructor(api: AwsApi, make: (region: string) => C, onRequest: OnRequest) {
    this.#api = api;
    this.#make = make;
    this.#onRequest = onRequest;
  }

  /** Sends with the region's client; errors come back as the exporter's one-line AWS errors. */
  async send<T>(region: string, operation: string, request: (client: C) => Promise<T>): Promise<T> {
    let client = this.#clients.get(region);
    if (client === undefined) {
      client = this.#make(region);
      countRequests(client, this.#api, this.#onRequest);
      this.#clients.set(region, client);
    }
    try {
      return await request(client);
    } catch (error) {
      if (isCredentialsRefused(error)) {
        client.destroy();
        this.#clients.delete(region);
      }
      throw classifyAwsError(error, this.#api, operation);
    }
  }

  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }
}
