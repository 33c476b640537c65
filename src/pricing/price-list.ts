import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { HeldByRegion } from '../aws/held.js';
import { allPages } from '../aws/pages.js';
import { clientConfig, RegionalClients, type ClientSettings } from '../aws/regional.js';
import type { AwsApi, OnRequest } from '../aws/requests.js';

// The AWS Price List's Bedrock products in a region, for the models the bill has not priced yet.
// Public list prices change seldom: a region's products serve for a day. The Price List API answers
// in us-east-1 for every region.

export const PRICING: AwsApi = {
  api: 'pricing',
  title: 'AWS Price List',
  operations: ['GetProducts'],
  iamPrefix: 'pricing',
  endpointVariable: 'AWS_ENDPOINT_URL_PRICING',
  // The Price List API is not billed.
  price: () => 0,
};

/** First-party and open models; Marketplace models (Claude, ...), whose model is in `servicename`. */
export const BEDROCK_SERVICE_CODES = ['AmazonBedrock', 'AmazonBedrockFoundationModels'] as const;
const API_REGION = 'us-east-1';

/** What the live source needs from the Price List; the real one is PriceList. */
export interface PriceCatalogue {
  /** The region's Bedrock products as GetProducts gives them (JSON strings); the same array while they serve. */
  products(region: string, now: Date, signal?: AbortSignal): Promise<readonly string[]>;
}

export interface PriceListOptions extends ClientSettings {
  maxPages: number;
  onRequest: OnRequest;
  /** How long a region's products serve. */
  relistAfterMs: number;
}

export class PriceList implements PriceCatalogue {
  readonly #options: PriceListOptions;
  readonly #clients: RegionalClients<PricingClient>;
  readonly #held: HeldByRegion<readonly string[]>;

  constructor(options: PriceListOptions) {
    this.#options = options;
    this.#held = new HeldByRegion(options.relistAfterMs);
    this.#clients = new RegionalClients(PRICING, (region) => new PricingClient(clientConfig(options, region)), options.onRequest);
  }

  products(region: string, now: Date, signal?: AbortSignal): Promise<readonly string[]> {
    return this.#held.get(region, now, () => this.#list(region, signal));
  }

  async #list(region: string, signal?: AbortSignal): Promise<string[]> {
    const products: string[] = [];
    for (const serviceCode of BEDROCK_SERVICE_CODES) {
      const pages = await allPages(
        (token) =>
          this.#clients.send(API_REGION, 'GetProducts', (client) =>
            client.send(
              new GetProductsCommand({ ServiceCode: serviceCode, Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }], FormatVersion: 'aws_v1', MaxResults: 100, NextToken: token }),
              { abortSignal: signal },
            ),
          ),
        (page) => page.NextToken,
        { maxPages: this.#options.maxPages, tooMany: `more than ${this.#options.maxPages} pages of GetProducts for ${serviceCode} in ${region}`, repeated: 'the Price List repeated a NextToken' },
      );
      for (const page of pages) products.push(...(page.PriceList ?? []).map(String));
    }
    return products;
  }

  destroy(): void {
    this.#clients.destroy();
  }
}
