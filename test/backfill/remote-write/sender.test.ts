// How backfill talks to a remote-write receiver: the protocol's headers and the user's, one request at
// a time, again after a pause while the receiver is down, busy or rate-limiting, never again once it
// refused the data, with a line that says what to do.
import t from 'tap';
import { RemoteWriteSender, type SenderOptions } from '../../../src/backfill/remote-write/sender.js';
import { RemoteWriteError } from '../../../src/errors.js';
import { freePort } from '../../helpers/prometheus.js';
import { receiver, type Answer } from '../../helpers/receiver.js';

const body = new Uint8Array([1, 2, 3]);

function sender(url: string, options: Partial<SenderOptions> = {}) {
  const retries: Array<[number, string, number]> = [];
  const remote = new RemoteWriteSender({ url, headers: {}, attempts: 4, minBackoffMs: 1, maxBackoffMs: 4, timeoutMs: 5_000, signal: undefined, onRetry: (...retry) => void retries.push(retry), ...options });
  return { remote, retries };
}

t.test("the protocol's headers, the user's, and the body as given", async (t) => {
  const { url, received } = await receiver(t);
  const { remote } = sender(url, { headers: { 'X-Scope-OrgID': 'team-a', Authorization: 'Bearer s3cret' } });
  await remote.send(body);
  t.equal(received.length, 1);
  t.match(received[0]!.headers, {
    'content-encoding': 'snappy',
    'content-type': 'application/x-protobuf',
    'x-prometheus-remote-write-version': '0.1.0',
    'x-scope-orgid': 'team-a',
    authorization: 'Bearer s3cret',
    'user-agent': 'bedrock-usage-exporter-backfill',
  });
  t.same([...received[0]!.body], [...body]);
  t.equal(remote.sent, 1);
});

t.test('down, busy or rate-limiting: tried again after a growing pause, or the one the receiver asks for', async (t) => {
  const answers: Answer[] = [{ status: 503, body: 'busy' }, { status: 429, headers: { 'retry-after': '0.002' } }, { status: 500 }, { status: 200 }];
  const { url, received } = await receiver(t, (n) => answers[n]!);
  const { remote, retries } = sender(url, { attempts: 5 });
  await remote.send(body);
  t.equal(received.length, 4);
  t.same(retries.map(([attempt, , pause]) => [attempt, pause]), [[1, 1], [2, 2], [3, 4]], 'doubling, the 429 pause as asked (2 ms), never above the longest');
  t.match(retries[0]![1], '503 Service Unavailable: busy');
});

t.test('refused (4xx): given up at once, with what the receiver said and what to do', async (t) => {
  const cases: Array<[Answer, RegExp]> = [
    [{ status: 400, body: 'out of bounds' }, /400 Bad Request: out of bounds \(let the receiver take old samples: an out-of-order time window/],
    [{ status: 401 }, /401 Unauthorized \(check --remote-write.bearer-token-file/],
    [{ status: 404 }, /404 Not Found \(Prometheus takes remote writes at \/api\/v1\/write when started with --web.enable-remote-write-receiver\)/],
    [{ status: 413, body: 'too large' }, /413 Payload Too Large: too large$/],
  ];
  for (const [answer, message] of cases) {
    const { url, received } = await receiver(t, () => answer);
    const { remote, retries } = sender(url);
    const error = await remote.send(body).catch((e: unknown) => e);
    t.type(error, RemoteWriteError);
    t.match((error as RemoteWriteError).message, message);
    t.match((error as RemoteWriteError).message, `the receiver at ${url} refused the history`);
    t.same([received.length, retries.length], [1, 0], `${answer.status}: not sent again`);
  }
});

t.test('out of reach through every attempt: the last reason, and how to go on', async (t) => {
  const { remote, retries } = sender(`http://127.0.0.1:${await freePort()}/api/v1/write`, { attempts: 3 });
  const error = (await remote.send(body).catch((e: unknown) => e)) as RemoteWriteError;
  t.equal(error.code, 'BUE_ERR_REMOTE_WRITE');
  t.match(error.message, /did not take the history after 3 attempts \(ECONNREFUSED\); run the backfill again to go on from where it stopped/);
  t.equal(retries.length, 2);
  const blocked = await sender('http://127.0.0.1:9/api/v1/write', { attempts: 1 }).remote.send(body).catch((e: unknown) => e);
  t.match((blocked as Error).message, '(bad port)', 'a port fetch will not use');
  const refused = await sender('http://127.0.0.1:9/api/v1/write', { attempts: 1, headers: { 'X-Tenant': 'a\u0000b' } }).remote.send(body).catch((e: unknown) => e);
  t.match((refused as Error).message, /\(.*invalid header value.*\)/, 'a header fetch will not send');
});

t.test('a receiver that does not answer in time counts as a failed attempt', async (t) => {
  const { url } = await receiver(t, () => ({ status: 204, delayMs: 2_000 }));
  const { remote } = sender(url, { attempts: 1, timeoutMs: 50 });
  await t.rejects(remote.send(body), /after 1 attempts \(no answer within 0.05 s\)/);
});

t.test("stopped by a signal: no more attempts, the signal's reason", async (t) => {
  const { url } = await receiver(t, () => ({ status: 503 }));
  const controller = new AbortController();
  const { remote } = sender(url, { signal: controller.signal, minBackoffMs: 60_000, maxBackoffMs: 60_000, onRetry: () => controller.abort(new Error('stop')) });
  await t.rejects(remote.send(body), /stop/);
});

t.test('stopped by a signal while a request is under way: the request abandoned, the reason', async (t) => {
  const { url } = await receiver(t, () => ({ status: 204, delayMs: 5_000 }));
  const controller = new AbortController();
  const { remote } = sender(url, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('stopped while sending')), 50);
  await t.rejects(remote.send(body), /stopped while sending/);
});
