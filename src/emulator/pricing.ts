// The AWS Price List for the emulator's catalogue (AWS JSON 1.1, GetProducts): each usage type of the
// catalogue in each of its regions at its catalogue price, as the products of AmazonBedrock
// (first-party and open models) and AmazonBedrockFoundationModels (Marketplace models, named by
// `servicename`), filtered by region. The bill charges the same prices, so a price list rate and a
// bill rate agree here; on AWS a bill may carry discounts.
import { CATALOGUE, usageTypeIn, type CatalogueEntry } from './catalogue.js';
import { nextTokenPage } from './page-token.js';
import { hashKeys } from './random.js';
import { REGION_BY_CODE } from './regions.js';
import type { JsonObject } from './request.js';
import { ServiceError } from './service-error.js';

const PAGE = 100;
const MARKETPLACE = /\(Amazon Bedrock Edition\)$/;

const serviceCodeOf = (entry: CatalogueEntry): string | undefined =>
  MARKETPLACE.test(entry.service) ? 'AmazonBedrockFoundationModels' : entry.service.startsWith('Amazon Bedrock') && !entry.service.includes('AgentCore') ? 'AmazonBedrock' : undefined;

/** One product as GetProducts writes it: a JSON string. */
function product(entry: CatalogueEntry, serviceCode: string, code: string): string {
  const usagetype = usageTypeIn(entry, code);
  const sku = (hashKeys(serviceCode, usagetype) >>> 0).toString(36).toUpperCase().padStart(8, '0');
  const term = `${sku}.JRTCKXETXF`;
  return JSON.stringify({
    product: { productFamily: 'Amazon Bedrock', attributes: { servicecode: serviceCode, servicename: entry.service, regionCode: REGION_BY_CODE[code], usagetype, operation: 'Usage' }, sku },
    serviceCode,
    terms: { OnDemand: { [term]: { priceDimensions: { [`${term}.6YS6EN2CT7`]: { unit: entry.unit, beginRange: '0', endRange: 'Inf', pricePerUnit: { USD: String(entry.price) }, description: `${usagetype} at ${entry.price} USD per ${entry.unit}` } }, sku, offerTermCode: 'JRTCKXETXF' } } },
    version: '20261201000000',
    publicationDate: '2026-12-01T00:00:00Z',
  });
}

/** GetProducts: a service's products, narrowed by TERM_MATCH filters on regionCode or usagetype. */
export function getProducts(body: JsonObject): JsonObject {
  const serviceCode = body.ServiceCode;
  if (serviceCode !== 'AmazonBedrock' && serviceCode !== 'AmazonBedrockFoundationModels') throw new ServiceError('InvalidParameterException', `Input ServiceCode ${String(serviceCode)} is not valid.`);
  const filters = Array.isArray(body.Filters) ? (body.Filters as JsonObject[]) : [];
  const wanted = (field: string): string | undefined => filters.find((filter) => filter.Field === field)?.Value as string | undefined;
  const size = typeof body.MaxResults === 'number' ? body.MaxResults : PAGE;
  if (!Number.isInteger(size) || size < 1 || size > PAGE) throw new ServiceError('InvalidParameterException', `MaxResults must be between 1 and ${PAGE}.`);
  const products: string[] = [];
  for (const entry of CATALOGUE) {
    if (serviceCodeOf(entry) !== serviceCode) continue;
    for (const code of entry.regions) {
      if (wanted('regionCode') !== undefined && REGION_BY_CODE[code] !== wanted('regionCode')) continue;
      if (wanted('usagetype') !== undefined && usageTypeIn(entry, code) !== wanted('usagetype')) continue;
      products.push(product(entry, serviceCode, code));
    }
  }
  const invalid = 'InvalidNextTokenException';
  const { page, nextToken } = nextTokenPage('GetProducts', body, products, size, { invalid, changed: invalid });
  return { FormatVersion: 'aws_v1', PriceList: page, ...(nextToken !== undefined ? { NextToken: nextToken } : {}) };
}
