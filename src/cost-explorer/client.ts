import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostCategoriesCommand,
  GetDimensionValuesCommand,
  GetTagsCommand,
  type Expression,
} from '@aws-sdk/client-cost-explorer';
import type { Config } from '../config.js';
import { allPages } from '../aws/pages.js';
import { clientConfig } from '../aws/regional.js';
import { countRequests, type AwsApi, type OnRequest } from '../aws/requests.js';
import { AwsError } from '../errors.js';
import { classifyAwsError, isCredentialsRefused } from '../aws/errors.js';
import type { Day } from '../time.js';
import { decodeCostAndUsagePage, decodeCostCategoriesPage, decodeDimensionValuesPage, decodeTagsPage, type DecodedBucket } from './decode.js';
import type { PlannedQuery } from './plan.js';

/** Cost Explorer bills every answered request (every page) at the same price. */
export const COST_EXPLORER: AwsApi = {
  api: 'cost_explorer',
  title: 'Cost Explorer',
  operations: ['GetCostAndUsage', 'GetDimensionValues', 'GetTags', 'GetCostCategories'],
  iamPrefix: 'ce',
  endpointVariable: 'AWS_ENDPOINT_URL_COST_EXPLORER',
  price: () => COST_EXPLORER_PRICE_USD,
};
export const COST_EXPLORER_PRICE_USD = 0.01;

/** What the collector needs from Cost Explorer; the real one is CostExplorerSource. */
export interface CostSource {
  discoverServices(search: string, start: Day, end: Day, signal?: AbortSignal): Promise<string[]>;
  fetchDaily(query: PlannedQuery, start: Day, end: Day, signal?: AbortSignal): Promise<DecodedBucket[]>;
  /** Cost allocation tag keys with spend in [start, end), or with `key` that key's values. */
  listTags(start: Day, end: Day, key?: string, signal?: AbortSignal): Promise<string[]>;
  /** Cost categories in [start, end), or with `name` that category's values. */
  listCostCategories(start: Day, end: Day, name?: string, signal?: AbortSignal): Promise<string[]>;
}

export interface CostExplorerSourceOptions {
  region: string;
  maxAttempts: number;
  requestTimeoutMs: number;
  maxPages: number;
  onRequest: OnRequest;
  /** Tests and the demo point the client at the emulator; otherwise the SDK's own resolution applies. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The source a configuration describes: AWS settings, the page cap, and where to report requests. */
export function sourceOptions(
  config: Pick<Config, 'aws' | 'collection'>,
  onRequest: CostExplorerSourceOptions['onRequest'],
  target: Pick<CostExplorerSourceOptions, 'endpoint' | 'credentials'> = {},
): CostExplorerSourceOptions {
  return {
    region: config.aws.region,
    maxAttempts: config.aws.maxAttempts,
    requestTimeoutMs: config.aws.requestTimeoutMs,
    maxPages: config.collection.maxPages,
    onRequest,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

export class CostExplorerSource implements CostSource {
  readonly #options: CostExplorerSourceOptions;
  readonly #maxPages: number;
  #client: CostExplorerClient;

  constructor(options: CostExplorerSourceOptions) {
    this.#options = options;
    this.#maxPages = options.maxPages;
    this.#client = this.#createClient();
  }

  #createClient(): CostExplorerClient {
    const options = this.#options;
    const client = new CostExplorerClient(clientConfig(options, options.region));
    countRequests(client, COST_EXPLORER, options.onRequest);
    return client;
  }

  // Refused credentials: the next request resolves them again through the SDK's chain, which
  // otherwise keeps keys without an expiry (environment, shared files) for the life of the client.
  async #guard<T>(operation: string, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      if (isCredentialsRefused(error)) {
        this.#client.destroy();
        this.#client = this.#createClient();
      }
      throw classifyAwsError(error, COST_EXPLORER, operation);
    }
  }

  #pages<P extends { NextPageToken?: string | undefined }>(send: (token: string | undefined) => Promise<P>): Promise<P[]> {
    return allPages(send, (page) => page.NextPageToken, {
      maxPages: this.#maxPages,
      tooMany: `more than ${this.#maxPages} pages; raise collection.max_pages if this is expected`,
      repeated: 'Cost Explorer repeated a NextPageToken',
    });
  }

  async discoverServices(search: string, start: Day, end: Day, signal?: AbortSignal): Promise<string[]> {
    const pages = await this.#pages((token) =>
      this.#guard(
        'GetDimensionValues',
        this.#client.send(
          new GetDimensionValuesCommand({ Dimension: 'SERVICE', SearchString: search, Context: 'COST_AND_USAGE', TimePeriod: { Start: start, End: end }, NextPageToken: token }),
          { abortSignal: signal },
        ),
      ),
    );
    return [...new Set(pages.flatMap(decodeDimensionValuesPage))].sort();
  }

  async fetchDaily(query: PlannedQuery, start: Day, end: Day, signal?: AbortSignal): Promise<DecodedBucket[]> {
    const filter: Expression = { Dimensions: { Key: 'SERVICE', Values: query.services } };
    const pages = await this.#pages((token) =>
      this.#guard(
        'GetCostAndUsage',
        this.#client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: start, End: end },
            Granularity: 'DAILY',
            Metrics: ['UnblendedCost', 'UsageQuantity'],
            Filter: filter,
            GroupBy: [{ Type: query.groupBy.type, Key: query.groupBy.key }, { Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
            NextPageToken: token,
          }),
          { abortSignal: signal },
        ),
      ),
    );
    const service = query.services.length === 1 ? query.services[0] : undefined;
    return mergeBuckets(pages.flatMap((page) => decodeCostAndUsagePage(page, query.groupBy, service)));
  }

  async listTags(start: Day, end: Day, key?: string, signal?: AbortSignal): Promise<string[]> {
    const pages = await this.#pages((token) =>
      this.#guard('GetTags', this.#client.send(new GetTagsCommand({ TimePeriod: { Start: start, End: end }, ...(key === undefined ? {} : { TagKey: key }), NextPageToken: token }), { abortSignal: signal })),
    );
    return [...new Set(pages.flatMap(decodeTagsPage))].sort();
  }

  async listCostCategories(start: Day, end: Day, name?: string, signal?: AbortSignal): Promise<string[]> {
    const pages = await this.#pages((token) =>
      this.#guard(
        'GetCostCategories',
        this.#client.send(new GetCostCategoriesCommand({ TimePeriod: { Start: start, End: end }, ...(name === undefined ? {} : { CostCategoryName: name }), NextPageToken: token }), { abortSignal: signal }),
      ),
    );
    const field = name === undefined ? 'CostCategoryNames' : 'CostCategoryValues';
    return [...new Set(pages.flatMap((page) => decodeCostCategoriesPage(page, field)))].sort();
  }

  destroy(): void {
    this.#client.destroy();
  }
}

/** A bucket's groups may be spread over several pages. */
export function mergeBuckets(buckets: readonly DecodedBucket[]): DecodedBucket[] {
  const byDay = new Map<Day, DecodedBucket>();
  for (const bucket of buckets) {
    const seen = byDay.get(bucket.day);
    if (seen) {
      for (const row of bucket.rows) seen.rows.push(row);
      seen.estimated ||= bucket.estimated;
    } else {
      byDay.set(bucket.day, { day: bucket.day, estimated: bucket.estimated, rows: [...bucket.rows] });
    }
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}
