import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { classifyAwsError, isCredentialsRefused } from '../aws/errors.js';
import { countRequests, type AwsApi, type OnRequest } from '../aws/requests.js';
import { AwsError } from '../errors.js';

/** GetMetricData bills every metric it returns: $0.01 per 1,000. */
export const GET_METRIC_DATA_PRICE_USD_PER_METRIC = 0.01 / 1000;

export const CLOUDWATCH: AwsApi = {
  api: 'cloudwatch',
  title: 'CloudWatch',
  operations: ['GetMetricData'],
  iamPrefix: 'cloudwatch',
  endpointVariable: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  price: (_operation, _input, output) => ((output as GetMetricDataCommandOutput | undefined)?.MetricDataResults?.length ?? 0) * GET_METRIC_DATA_PRICE_USD_PER_METRIC,
};

/** One metric's datapoints as read: its label (the query's, dynamic properties filled in), oldest first. */
export interface MetricSeries {
  label: string;
  points: Array<[atMs: number, value: number]>;
}

/** A query of GetMetricData: a SEARCH expression, with a label that names each metric it finds. */
export interface MetricQuery {
  id: string;
  expression: string;
  label: string;
}

/** What the live source needs from CloudWatch; the real one is CloudWatchMetrics. */
export interface LiveMetrics {
  read(region: string, queries: readonly MetricQuery[], startMs: number, endMs: number, signal?: AbortSignal): Promise<MetricSeries[]>;
}

export interface CloudWatchOptions {
  maxAttempts: number;
  requestTimeoutMs: number;
  maxPages: number;
  onRequest: OnRequest;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

// As the Cost Explorer client: a new client reads the shared credential files again.
const READ_SHARED_FILES_AGAIN = { ignoreCache: true };

class CloudWatchPaginationError extends AwsError {
  constructor(message: string) {
    super('BUE_ERR_AWS_ANSWER', message);
  }
}

/** CloudWatch's metrics are regional: one client per region, made when first needed. */
export class CloudWatchMetrics implements LiveMetrics {
  readonly #options: CloudWatchOptions;
  readonly #clients = new Map<string, CloudWatchClient>();

  constructor(options: CloudWatchOptions) {
    this.#options = options;
  }

  #client(region: string): CloudWatchClient {
    let client = this.#clients.get(region);
    if (client === undefined) {
      const options = this.#options;
      client = new CloudWatchClient({
        ...READ_SHARED_FILES_AGAIN,
        region,
        maxAttempts: options.maxAttempts,
        requestHandler: { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true, connectionTimeout: Math.min(options.requestTimeoutMs, 10_000) },
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      countRequests(client, CLOUDWATCH, options.onRequest);
      this.#clients.set(region, client);
    }
    return client;
  }

  async read(region: string, queries: readonly MetricQuery[], startMs: number, endMs: number, signal?: AbortSignal): Promise<MetricSeries[]> {
    const series = new Map<string, MetricSeries>();
    const seen = new Set<string>();
    const metricDataQueries: MetricDataQuery[] = queries.map(({ id, expression, label }) => ({ Id: id, Expression: expression, Label: label, ReturnData: true }));
    let token: string | undefined;
    let pages = 0;
    do {
      if (++pages > this.#options.maxPages) throw new CloudWatchPaginationError(`more than ${this.#options.maxPages} pages of GetMetricData in ${region}`);
      const page = await this.#send(region, () =>
        this.#client(region).send(
          new GetMetricDataCommand({ StartTime: new Date(startMs), EndTime: new Date(endMs), ScanBy: 'TimestampAscending', MetricDataQueries: metricDataQueries, NextToken: token }),
          { abortSignal: signal },
        ),
      );
      for (const result of page.MetricDataResults ?? []) {
        const label = result.Label ?? '';
        const entry = series.get(label) ?? { label, points: [] };
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let index = 0; index < Math.min(timestamps.length, values.length); index++) entry.points.push([timestamps[index]!.getTime(), values[index]!]);
        series.set(label, entry);
      }
      token = page.NextToken || undefined;
      if (token !== undefined) {
        if (seen.has(token)) throw new CloudWatchPaginationError('CloudWatch repeated a NextToken');
        seen.add(token);
      }
    } while (token !== undefined);
    return [...series.values()];
  }

  async #send<T>(region: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      // Refused keys: a new client resolves them again through the SDK's chain.
      if (isCredentialsRefused(error)) {
        this.#clients.get(region)?.destroy();
        this.#clients.delete(region);
      }
      throw classifyAwsError(error, CLOUDWATCH, 'GetMetricData');
    }
  }

  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }
}
