import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { HeldByRegion } from '../aws/held.js';
import { allPages } from '../aws/pages.js';
import { clientConfig, RegionalClients, type ClientSettings } from '../aws/regional.js';
import type { AwsApi, OnRequest } from '../aws/requests.js';
import type { QuotaScope } from '../billing/model-ids.js';
import { parseQuotaName } from '../billing/quota-names.js';

// Bedrock's tokens-per-minute quotas per model, account and region, from Service Quotas: the applied
// value where the account has one, else AWS's default. They change when someone asks AWS, so a
// region's list serves for an hour.

export const SERVICE_QUOTAS: AwsApi = {
  api: 'service_quotas',
  title: 'Service Quotas',
  operations: ['ListServiceQuotas'],
  iamPrefix: 'servicequotas',
  endpointVariable: 'AWS_ENDPOINT_URL_SERVICE_QUOTAS',
  // Service Quotas is not billed.
  price: () => 0,
};

export interface TokenQuota {
  /** The account the quota is applied to (from its ARN). */
  account: string;
  model: string;
  provider: string;
  scope: QuotaScope;
  tokensPerMinute: number;
}

/** What the live source needs from Service Quotas; the real one is ServiceQuotas. */
export interface QuotaDirectory {
  /** Bedrock's per-minute token quotas in a region, for the account of the credentials. */
  tokenQuotas(region: string, now: Date, signal?: AbortSignal): Promise<readonly TokenQuota[]>;
}

export interface ServiceQuotasOptions extends ClientSettings {
  maxPages: number;
  onRequest: OnRequest;
  /** How long a region's list serves. */
  relistAfterMs: number;
}

// 'arn:aws:servicequotas:us-east-1:123456789012:bedrock/L-12345678' (any partition).
const QUOTA_ARN = /^arn:aws[a-z-]*:servicequotas:[a-z0-9-]*:(\d{12}):/;

export class ServiceQuotas implements QuotaDirectory {
  readonly #options: ServiceQuotasOptions;
  readonly #clients: RegionalClients<ServiceQuotasClient>;
  readonly #held: HeldByRegion<readonly TokenQuota[]>;

  constructor(options: ServiceQuotasOptions) {
    this.#options = options;
    this.#held = new HeldByRegion(options.relistAfterMs);
    this.#clients = new RegionalClients(SERVICE_QUOTAS, (region) => new ServiceQuotasClient(clientConfig(options, region)), options.onRequest);
  }

  tokenQuotas(region: string, now: Date, signal?: AbortSignal): Promise<readonly TokenQuota[]> {
    return this.#held.get(region, now, () => this.#list(region, signal));
  }

  async #list(region: string, signal?: AbortSignal): Promise<TokenQuota[]> {
    const pages = await allPages(
      (token) =>
        this.#clients.send(region, 'ListServiceQuotas', (client) =>
          client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 100, NextToken: token }), { abortSignal: signal }),
        ),
      (page) => page.NextToken,
      { maxPages: this.#options.maxPages, tooMany: `more than ${this.#options.maxPages} pages of ListServiceQuotas in ${region}`, repeated: 'Service Quotas repeated a NextToken' },
    );
    const quotas: TokenQuota[] = [];
    for (const { QuotaName: name, QuotaArn: arn, Value: value } of pages.flatMap((page) => page.Quotas ?? [])) {
      const parsed = parseQuotaName(name ?? '');
      const account = QUOTA_ARN.exec(arn ?? '')?.[1];
      if (parsed === undefined || account === undefined || value === undefined) continue;
      quotas.push({ account, ...parsed, tokensPerMinute: value });
    }
    return quotas;
  }

  destroy(): void {
    this.#clients.destroy();
  }
}
