// The AWS Price List's Bedrock products for a region, with the real SDK against the emulator: both
// service codes, every page, held for a day, one-line failures.
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import t, { type Test } from 'tap';
import type { AwsRequest } from '../../src/aws/requests.js';
import { CATALOGUE } from '../../src/emulator/catalogue.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { PriceList } from '../../src/pricing/price-list.js';
import { answering } from '../helpers/stand-in.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY_MS = 86_400_000;

async function setup(t: Test) {
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 4, size: 'tiny', today: '2026-11-20' }), clock: () => NOW });
  const requests: AwsRequest[] = [];
  const priceList = new PriceList({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 5, relistAfterMs: DAY_MS, onRequest: (request) => requests.push(request), endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const client = new PricingClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  t.teardown(async () => {
    priceList.destroy();
    client.destroy();
    await emulator.close();
  });
  return { emulator, priceList, client, requests };
}

const usageTypeOf = (product: string): string => (JSON.parse(product) as { product: { attributes: { usagetype: string } } }).product.attributes.usagetype;

t.test("a region's products of both service codes, once a day, free", async (t) => {
  const { priceList, requests } = await setup(t);
  const products = await priceList.products('eu-central-1', NOW);
  const expected = CATALOGUE.filter((entry) => entry.regions.includes('EUC1') && !entry.service.includes('AgentCore'));
  t.equal(products.length, expected.length, 'every Bedrock usage type of the region');
  t.ok(products.every((product) => usageTypeOf(product).startsWith('EUC1-')), 'of that region only');
  t.ok(products.some((product) => usageTypeOf(product).includes('-MP:')), 'Marketplace models too');
  t.same(requests.map(({ api, operation, costUsd }) => [api, operation, costUsd]), [['pricing', 'GetProducts', 0], ['pricing', 'GetProducts', 0]], 'one request per service code, not billed');
  t.equal(await priceList.products('eu-central-1', new Date(NOW.getTime() + DAY_MS - 1)), products, 'held for a day');
  await priceList.products('eu-central-1', new Date(NOW.getTime() + DAY_MS));
  t.equal(requests.length, 4, 'then read again');
});

t.test('the emulator pages, filters and refuses as the Price List does', async (t) => {
  const { emulator, priceList, client } = await setup(t);
  const read: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', MaxResults: 10, NextToken: token }));
    read.push(...(page.PriceList ?? []).map(String));
    token = page.NextToken;
    pages++;
  } while (token !== undefined);
  t.ok(pages > 3, `${pages} pages of 10 without a filter`);
  t.equal(new Set(read).size, read.length);
  const one = usageTypeOf(read[0]!);
  t.same((await client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', Filters: [{ Type: 'TERM_MATCH', Field: 'usagetype', Value: one }] }))).PriceList!.map((product: unknown) => usageTypeOf(String(product))), [one], 'by usage type');
  await t.rejects(client.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2' })), { name: 'InvalidParameterException' });
  await t.rejects(client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', MaxResults: 500 })), { name: 'InvalidParameterException' });
  for (const bad of ['-', '-z']) await t.rejects(client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', NextToken: bad })), { name: 'InvalidNextTokenException' });
  const second = (await client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', MaxResults: 10 }))).NextToken;
  await t.rejects(client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrockFoundationModels', MaxResults: 10, NextToken: second })), { name: 'InvalidNextTokenException' }, 'a token belongs to its request');
  emulator.faults.add({ fault: 'http_500', operation: 'GetProducts', page: 2, count: 1 });
  await t.rejects(client.send(new GetProductsCommand({ ServiceCode: 'AmazonBedrock', MaxResults: 10, NextToken: second })), { name: 'InternalFailure' }, 'a fault on the second page');
  emulator.faults.add({ fault: 'expired_token', operation: 'GetProducts', count: 1 });
  await t.rejects(priceList.products('us-east-1', NOW), { code: 'BUE_ERR_AWS_CREDENTIALS', message: /^AWS refused the credentials \(ExpiredTokenException: / }, 'one line');
});

t.test('an answer without products is none', async (t) => {
  const endpoint = await answering(t, [], 'application/x-amz-json-1.1');
  const priceList = new PriceList({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 5, relistAfterMs: DAY_MS, onRequest: () => {}, endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  t.teardown(() => priceList.destroy());
  t.same(await priceList.products('us-east-1', NOW), []);
});
