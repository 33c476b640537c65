import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { clientConfig, RegionalClients, type ClientSettings } from '../aws/regional.js';
import type { AwsApi, OnRequest } from '../aws/requests.js';
import { allPages } from '../aws/pages.js';

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

export interface CloudWatchOptions extends ClientSettings {
  maxPages: number;
  onRequest: OnRequest;
}

/** CloudWatch's metrics are regional: a client per region. */
export class CloudWatchMetrics implements LiveMetrics {
  readonly #maxPages: number;
  readonly #clients: RegionalClients<CloudWatchClient>;

  constructor(options: CloudWatchOptions) {
    this.#maxPages = options.maxPages;
    this.#clients = new RegionalClients(CLOUDWATCH, (region) => new CloudWatchClient(clientConfig(options, region)), options.onRequest);
  }

  async read(region: string, queries: readonly MetricQuery[], startMs: number, endMs: number, signal?: AbortSignal): Promise<MetricSeries[]> {
    const series = new Map<string, MetricSeries>();
    const metricDataQueries: MetricDataQuery[] = queries.map(({ id, expression, label }) => ({ Id: id, Expression: expression, Label: label, ReturnData: true }));
    const pages = await allPages(
      (token) =>
        this.#clients.send(region, 'GetMetricData', (client) =>
          client.send(
            new GetMetricDataCommand({ StartTime: new Date(startMs), EndTime: new Date(endMs), ScanBy: 'TimestampAscending', MetricDataQueries: metricDataQueries, NextToken: token }),
            { abortSignal: signal },
          ),
        ),
      (page) => page.NextToken,
      { maxPages: this.#maxPages, tooMany: `more than ${this.#maxPages} pages of GetMetricData in ${region}`, repeated: 'CloudWatch repeated a NextToken' },
    );
    for (const page of pages) {
      for (const result of page.MetricDataResults ?? []) {
        const label = result.Label ?? '';
        const entry = series.get(label) ?? { label, points: [] };
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let index = 0; index < Math.min(timestamps.length, values.length); index++) entry.points.push([timestamps[index]!.getTime(), values[index]!]);
        series.set(label, entry);
      }
    }
    return [...series.values()];
  }

  destroy(): void {
    this.#clients.destroy();
  }
}
