import t, { type Test } from 'tap';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { generateDataset, type Dataset } from '../../src/emulator/dataset.js';
import { emulatorUrl, startEmulator } from '../../src/emulator/server.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const DATASET = generateDataset({ seed: 1, size: 'tiny', today: '2026-11-20' });
const JSON_11 = 'application/x-amz-json-1.1';
const TARGET = 'AWSInsightsIndexService.GetCostAndUsage';
const VALID = { TimePeriod: { Start: '2026-11-01', End: '2026-11-03' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };

async function setup(t: Test, dataset: Dataset = DATASET, logger?: pino.Logger) {
  const emulator = await startEmulator({ dataset, clock: () => NOW, logger });
  t.teardown(() => emulator.close());
  const call = async (init: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const response = await fetch(`${emulator.url}/`, { method: 'POST', ...init });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as { __type: string; message: string } };
  };
  const post = (body: unknown, target = TARGET, contentType = JSON_11) =>
    call({ headers: { 'content-type': contentType, 'x-amz-target': target }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { emulator, call, post };
}

t.test('a well-formed request gets a JSON 1.1 answer', async (t) => {
  const { post } = await setup(t);
  const answer = await post(VALID);
  t.equal(answer.status, 200);
  t.equal(answer.headers.get('content-type'), JSON_11);
  t.match(answer.headers.get('x-amzn-requestid'), /^[0-9a-f-]{36}$/);
  t.equal(JSON.parse(answer.text).ResultsByTime.length, 2);
  const again = await post(VALID, TARGET, `${JSON_11}; charset=utf-8`);
  t.equal(again.status, 200, 'content-type parameters are fine');
  t.not(again.headers.get('x-amzn-requestid'), answer.headers.get('x-amzn-requestid'));
});

t.test('requests are counted by the access key that signed them', async (t) => {
  const { emulator, call } = await setup(t);
  const headers = { 'content-type': JSON_11, 'x-amz-target': TARGET };
  const signed = 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261120/us-east-1/ce/aws4_request, SignedHeaders=host, Signature=0';
  await call({ headers: { ...headers, authorization: signed }, body: JSON.stringify(VALID) });
  await call({ headers, body: JSON.stringify(VALID) });
  t.same(emulator.stats().signedBy, { AKIAEXAMPLE: 1, '(unsigned)': 1 });
});

t.test('protocol errors are AWS-style answers, never crashes', async (t) => {
  const { emulator, call, post } = await setup(t);
  const get = await call({ method: 'GET' });
  t.equal(get.status, 404);
  t.same(get.json(), { __type: 'UnknownOperationException', message: "GET is not supported; the emulator's AWS APIs take POST /." });
  t.equal(get.headers.get('x-amzn-errortype'), 'UnknownOperationException');

  const wrongType = await post(VALID, TARGET, 'application/json');
  t.equal(wrongType.status, 404);
  t.same(wrongType.json(), { __type: 'UnknownOperationException', message: 'Content-Type must be application/x-amz-json-1.1, got "application/json".' });
  const noType = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const req = request(`${emulator.url}/`, { method: 'POST', headers: { 'x-amz-target': TARGET } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(VALID));
  });
  t.equal(noType.status, 404);
  t.same(JSON.parse(noType.body), { __type: 'UnknownOperationException', message: 'Content-Type must be application/x-amz-json-1.1, got "".' });

  const noTarget = await call({ headers: { 'content-type': JSON_11 }, body: '{}' });
  t.equal(noTarget.status, 404);
  t.match(noTarget.json(), { __type: 'UnknownOperationException', message: /^Unknown operation ""; this emulator serves AWSInsightsIndexService\.GetCostAndUsage/ });
  const unknown = await post({}, 'AWSInsightsIndexService.GetReservationCoverage');
  t.match(unknown.json(), { __type: 'UnknownOperationException', message: /^Unknown operation "AWSInsightsIndexService.GetReservationCoverage"/ });
  const otherService = await post({}, 'DynamoDB_20120810.ListTables');
  t.equal(otherService.json().__type, 'UnknownOperationException');

  const badJson = await post('{"TimePeriod": ');
  t.equal(badJson.status, 400);
  t.same(badJson.json(), { __type: 'SerializationException', message: 'The request body is not valid JSON.' });
  t.same((await post('[1, 2]')).json(), { __type: 'SerializationException', message: 'The request body must be a JSON object.' });
  t.same((await post('')).json(), {
    __type: 'ValidationException', message: "1 validation error detected: Value null at 'timePeriod' failed to satisfy constraint: Member must not be null",
  }, 'an empty body is an empty request');

  const big = await post(`{"pad": "${'x'.repeat(1_100_000)}"}`);
  t.equal(big.status, 413);
  t.same(big.json(), { __type: 'SerializationException', message: 'The request body is larger than 1048576 bytes.' });

  t.same(emulator.stats().requests, { '(unknown)': 3, GetCostAndUsage: 6, GetReservationCoverage: 1 });
  t.equal((await post(VALID)).status, 200, 'still serving');
});

t.test('members of the wrong type are SerializationExceptions', async (t) => {
  const { post } = await setup(t);
  const cases: Array<[unknown, string]> = [
    [{ ...VALID, TimePeriod: 'last week' }, "Expected a structure at 'timePeriod'"],
    [{ ...VALID, TimePeriod: { Start: 20261101, End: '2026-11-03' } }, "Expected a string at 'timePeriod.start'"],
    [{ ...VALID, Metrics: 'UnblendedCost' }, "Expected a list at 'metrics'"],
    [{ ...VALID, Metrics: [1] }, "Expected a string at 'metrics.1'"],
    [{ ...VALID, GroupBy: { Type: 'DIMENSION' } }, "Expected a list at 'groupBy'"],
    [{ ...VALID, GroupBy: ['SERVICE'] }, "Expected a structure at 'groupBy.1'"],
    [{ ...VALID, GroupBy: [{ Type: 'DIMENSION', Key: 5 }] }, "Expected a string at 'groupBy.1.key'"],
    [{ ...VALID, Filter: [] }, "Expected a structure at 'filter'"],
    [{ ...VALID, Filter: { And: {} } }, "Expected a list at 'filter.and'"],
    [{ ...VALID, Filter: { Dimensions: { Key: 'SERVICE', Values: 'Amazon Bedrock' } } }, "Expected a list at 'filter.dimensions.values'"],
    [{ ...VALID, Filter: { Dimensions: { Key: 'SERVICE', Values: [1] } } }, "Expected a string at 'filter.dimensions.values.1'"],
    [{ ...VALID, Filter: { Dimensions: { Key: 'SERVICE', Values: ['a'], MatchOptions: 'EQUALS' } } }, "Expected a list at 'filter.dimensions.matchOptions'"],
    [{ ...VALID, Filter: { Dimensions: { Key: 'SERVICE', Values: ['a'], MatchOptions: [null] } } }, "Expected a string at 'filter.dimensions.matchOptions.1'"],
  ];
  for (const [body, message] of cases) t.same((await post(body)).json(), { __type: 'SerializationException', message }, message);
  const nullMembers = await post({ ...VALID, GroupBy: null, Filter: null, NextPageToken: null });
  t.equal(nullMembers.status, 200, 'null members are absent members');
  t.equal((await post({ ...VALID, NextPageToken: 42 })).json().__type, 'InvalidNextTokenException');
});

t.test('a failing data set is an InternalFailure, and logged', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } }));
  const broken: Dataset = { accounts: [], isSettled: () => false, itemsOn: () => { throw new Error('disk on fire'); } };
  const { emulator, post } = await setup(t, broken, logger);
  emulator.faults.add({ fault: 'throttle', count: 1 });
  t.equal((await post(VALID)).json().__type, 'LimitExceededException');
  const answer = await post(VALID);
  t.equal(answer.status, 500);
  t.same(answer.json(), { __type: 'InternalFailure', message: 'The emulator failed: disk on fire' });
  t.ok(lines.some((line) => line.includes('emulator request failed') && line.includes('disk on fire')));
  t.ok(lines.some((line) => line.includes('Cost Explorer request') && line.includes('"fault":"throttle"')));
});

t.test('URLs put IPv6 hosts in brackets', async (t) => {
  t.equal(emulatorUrl('127.0.0.1', 4510), 'http://127.0.0.1:4510');
  t.equal(emulatorUrl('::1', 4510), 'http://[::1]:4510');
});
