import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { ServiceDiscovery } from '../../src/cost-explorer/discovery.js';

// One discovery for every Cost Explorer source of the process: asked by two sources at once, it sends
// one GetDimensionValues; asked again within the rediscovery interval, none.

function setup(services: string[] = []) {
  const clock = { now: new Date('2026-11-20T12:00:00Z') };
  const calls: string[] = [];
  let answer = ['Amazon Bedrock', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)'];
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
  const client = {
    discoverServices: async (search: string, start: string, end: string) => {
      calls.push(`${search} ${start}..${end}`);
      await new Promise((resolve) => setImmediate(resolve));
      return answer;
    },
  };
  const discovery = new ServiceDiscovery({ client, logger, services, search: 'Bedrock', rediscoverMs: 86_400_000, clock: () => clock.now });
  return { clock, calls, discovery, lines, answer: (names: string[]) => (answer = names) };
}

t.test('sources asking at once share one request; a fresh answer is reused for a day', async (t) => {
  const { clock, calls, discovery, lines, answer } = setup();
  const [a, b] = await Promise.all([discovery.services('2026-11-01', '2026-11-21'), discovery.services('2026-11-01', '2026-11-21')]);
  t.same(a, ['Amazon Bedrock', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)']);
  t.same(b, a);
  t.same(calls, ['Bedrock 2026-11-01..2026-11-21'], 'one request for both');
  clock.now = new Date('2026-11-21T11:00:00Z');
  await discovery.services('2026-11-01', '2026-11-22');
  t.equal(calls.length, 1, 'within a day: the last answer');
  clock.now = new Date('2026-11-21T12:00:00Z');
  await discovery.services('2026-11-01', '2026-11-22');
  t.equal(calls.length, 2, 'a day later: asked again');
  t.equal(lines.filter((line) => line.includes('discovered Bedrock services')).length, 1, 'the same services are logged once');
  answer(['Amazon Bedrock']);
  clock.now = new Date('2026-11-22T12:00:00Z');
  t.same(await discovery.services('2026-11-01', '2026-11-23'), ['Amazon Bedrock']);
  t.equal(lines.filter((line) => line.includes('discovered Bedrock services')).length, 2, 'a change is logged');
});

t.test('configured services are read as given, with no request', async (t) => {
  const { calls, discovery } = setup(['Amazon Bedrock']);
  t.same(await discovery.services('2026-11-01', '2026-11-21'), ['Amazon Bedrock']);
  t.same(calls, []);
});

t.test('a failed discovery is not kept: the next call asks again', async (t) => {
  let fail = true;
  const calls: number[] = [];
  const client = {
    discoverServices: async () => {
      calls.push(1);
      if (fail) throw new Error('throttled');
      return ['Amazon Bedrock'];
    },
  };
  const discovery = new ServiceDiscovery({ client, logger: pino({ level: 'silent' }), services: [], search: 'Bedrock', rediscoverMs: 86_400_000 });
  await t.rejects(discovery.services('2026-11-01', '2026-11-21'), /throttled/);
  fail = false;
  t.same(await discovery.services('2026-11-01', '2026-11-21'), ['Amazon Bedrock']);
  t.equal(calls.length, 2);
});
