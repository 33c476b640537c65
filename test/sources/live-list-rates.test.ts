// The Price List read with the bill's grammar: every token product of the emulator's catalogue gives
// the catalogue's price per token under the labels the catalogue's truth names; other products none.
import t from 'tap';
import { memoizedClassifier } from '../../src/billing/classifier.js';
import { CATALOGUE, usageTypeIn } from '../../src/emulator/catalogue.js';
import { getProducts } from '../../src/emulator/pricing.js';
import { REGION_BY_CODE } from '../../src/emulator/regions.js';
import { ListedRates, listRates } from '../../src/sources/live/list-rates.js';
import { rateKey } from '../../src/sources/live/rates.js';

const classify = memoizedClassifier();
const productsIn = (region: string): string[] =>
  ['AmazonBedrock', 'AmazonBedrockFoundationModels'].flatMap((code) => getProducts({ ServiceCode: code, Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }] }).PriceList as string[]);

t.test("each token usage type's list price per token, labelled as the bill labels it", async (t) => {
  const rates = listRates(productsIn('eu-central-1'), classify);
  const expected = CATALOGUE.filter((entry) => entry.truth.kind === 'tokens' && entry.regions.includes('EUC1') && !entry.service.includes('AgentCore'));
  t.ok(expected.length > 10, `${expected.length} token usage types in eu-central-1`);
  for (const entry of expected) {
    const { model, provider, direction, route, tier, tokensPerUnit } = entry.truth;
    const rate = rates.get(rateKey('eu-central-1', model, direction, route, tier));
    const prices = expected.filter((other) => other.truth.model === model && other.truth.direction === direction && other.truth.route === route && other.truth.tier === tier).map((other) => other.price / other.truth.tokensPerUnit);
    t.ok(rate !== undefined && prices.some((price) => Math.abs(price - rate.usdPerToken) < 1e-15), `${usageTypeIn(entry, 'EUC1')}: ${entry.price} USD per ${tokensPerUnit} tokens`);
    t.equal(rate?.provider, provider);
  }
  t.ok([...rates.values()].every((rate) => rate.region === 'eu-central-1'), 'the region asked for');
});

t.test('products without tokens, a price or a usage type give nothing', async (t) => {
  const usageType = usageTypeIn(CATALOGUE.find((entry) => entry.truth.kind === 'tokens' && entry.service === 'Amazon Bedrock')!, 'USE1');
  const product = (attributes: object, dimension: object) => JSON.stringify({ product: { attributes }, terms: { OnDemand: { a: { priceDimensions: { b: dimension } } } } });
  t.same(listRates([
    product({}, { pricePerUnit: { USD: '0.001' } }),
    product({ usagetype: usageType }, { pricePerUnit: { USD: '0' } }),
    product({ usagetype: usageType }, { pricePerUnit: {} }),
    product({ usagetype: usageType }, { beginRange: '1000000', pricePerUnit: { USD: '0.001' } }),
    product({ usagetype: 'USE1-Guardrail-ContentPolicyUnitsConsumed' }, { pricePerUnit: { USD: '0.1' } }),
    JSON.stringify({ product: { attributes: { usagetype: usageType } }, terms: { OnDemand: { a: {} } } }),
    JSON.stringify({}),
  ], classify).size, 0);
  t.equal(listRates([product({ usagetype: usageType }, { pricePerUnit: { USD: '0.002' } })], classify).size, 1, 'a first tier without a range is the price');
});

t.test('a region is parsed again only when its products change', async (t) => {
  const [same, changed] = [productsIn('us-east-1'), productsIn('us-east-1')];
  const answers = [same, same, changed];
  const listed = new ListedRates({ products: async () => answers.shift()! }, classify);
  const first = await listed.rates('us-east-1', new Date());
  t.equal(await listed.rates('us-east-1', new Date()), first, 'the same products: the same rates');
  const again = await listed.rates('us-east-1', new Date());
  t.not(again, first, 'new products: parsed again');
  t.same(again, first);
});
