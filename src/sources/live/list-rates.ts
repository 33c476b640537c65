import type { Classifier } from '../../billing/classifier.js';
import type { PriceCatalogue } from '../../pricing/price-list.js';
import { rateKey, type BillRate } from './rates.js';

// Where the bill has not priced a model yet (new in a region, or called for the first time today), the
// AWS Price List does: each of its products names its usage type as the bill does (AmazonBedrock for
// first-party and open models, AmazonBedrockFoundationModels for Marketplace ones, whose model is in
// `servicename`), so the bill's grammar reads both. A list price has no discount in it: the bill's
// own rate wins wherever it exists.

interface PriceDimension {
  unit?: string;
  beginRange?: string;
  pricePerUnit?: { USD?: string };
}

interface Product {
  product?: { attributes?: Record<string, string | undefined> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, PriceDimension> }> };
}

const FIRST_PARTY = 'Amazon Bedrock';

/** The price of a token per rateKey from Price List products (GetProducts' JSON strings); products without tokens or a price give none. */
export function listRates(products: Iterable<string>, classify: Classifier): Map<string, BillRate> {
  const rates = new Map<string, BillRate>();
  for (const text of products) {
    const { product, terms } = JSON.parse(text) as Product;
    const usageType = product?.attributes?.usagetype;
    // The first tier of the on-demand price: Bedrock's token prices have one.
    const dimension = Object.values(terms?.OnDemand ?? {})
      .flatMap((term) => Object.values(term.priceDimensions ?? {}))
      .find((candidate) => (candidate.beginRange ?? '0') === '0');
    const price = Number(dimension?.pricePerUnit?.USD);
    if (usageType === undefined || !(price > 0)) continue;
    const usage = classify(product?.attributes?.servicename ?? FIRST_PARTY, usageType, dimension?.unit ?? '');
    if (usage.kind !== 'tokens' || usage.tokensPerUnit <= 0) continue;
    const { region, model, provider, direction, route, tier } = usage;
    rates.set(rateKey(region, model, direction, route, tier), { region, model, provider, direction, route, tier, usdPerToken: price / usage.tokensPerUnit });
  }
  return rates;
}

/** A region's list rates, read again only when the Price List's products for it change (once a day). */
export class ListedRates {
  readonly #catalogue: PriceCatalogue;
  readonly #classify: Classifier;
  readonly #parsed = new Map<string, { products: readonly string[]; rates: Map<string, BillRate> }>();

  constructor(catalogue: PriceCatalogue, classify: Classifier) {
    this.#catalogue = catalogue;
    this.#classify = classify;
  }

  async rates(region: string, now: Date, signal?: AbortSignal): Promise<ReadonlyMap<string, BillRate>> {
    const products = await this.#catalogue.products(region, now, signal);
    let parsed = this.#parsed.get(region);
    if (parsed?.products !== products) {
      parsed = { products, rates: listRates(products, this.#classify) };
      this.#parsed.set(region, parsed);
    }
    return parsed.rates;
  }
}
