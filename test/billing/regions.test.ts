import { readFileSync } from 'node:fs';
import t from 'tap';
import { BILLING_CODES, isBillingCode, regionFromCode } from '../../src/billing/regions.js';

// The table of section 4 of docs/bedrock-billing.md, one `code<TAB>region` a line.
const documented = readFileSync(new URL('../fixtures/billing/region-codes.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => line.split('\t') as [string, string]);

t.test('every documented billing code maps to its region', async (t) => {
  t.ok(documented.length >= 36, `${documented.length} codes in the doc`);
  for (const [code, region] of documented) t.equal(regionFromCode(code), region, code);
  t.same([...BILLING_CODES].sort(), documented.map(([code]) => code).sort(), 'no code more, none missing');
});

t.test('the traps: EU has no digit, APS3 is ap-south-1', async (t) => {
  t.equal(regionFromCode('EU'), 'eu-west-1');
  t.equal(regionFromCode('APS3'), 'ap-south-1');
  t.equal(regionFromCode('APS4'), 'ap-southeast-3');
  t.equal(regionFromCode('EUW1'), 'EUW1', 'there is no EUW1: kept as is');
});

t.test('an unknown code is kept as is', async (t) => {
  t.equal(regionFromCode('APS10'), 'APS10');
  t.equal(regionFromCode(''), '');
  t.equal(regionFromCode('toString'), 'toString');
});

t.test('billing code shape', async (t) => {
  for (const code of ['USE1', 'EU', 'APS3', 'UGW1', 'MXC1', 'APS10', 'TPE1']) t.ok(isBillingCode(code), code);
  for (const code of ['', 'use1', 'US-E1', 'USEAST1', 'U', 'MP:USE1', 'USE123', 'ÜSE1']) t.notOk(isBillingCode(code), code);
});
