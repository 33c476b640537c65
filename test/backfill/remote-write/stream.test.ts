// The history as requests: series cut into requests of at most the batch size, a staleness marker at the
// first instant a series has no sample (within a week, at a week's turn, or when a week leaves it out),
// none where the history ends, and the requests a previous run had sent made again but not sent.
import t from 'tap';
import { RemoteWriteStream } from '../../../src/backfill/remote-write/stream.js';
import type { WriteSeries } from '../../../src/backfill/remote-write/write-request.js';
import { SAMPLE_LEAD_MS } from '../../../src/backfill/history.js';
import { decodeWriteRequest } from '../../helpers/receiver.js';

const STEP = 300_000;
const WEEK = 7 * 24 * 3_600_000;
const STEPS_PER_WEEK = WEEK / STEP;
/** Weeks since the epoch start at multiples of this; the history's instants are counted in steps from here. */
const T0 = 2900 * WEEK;
/** Sample times of the instants `from` (inclusive) to `to` (exclusive), in steps. */
const times = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => T0 + (from + i) * STEP - SAMPLE_LEAD_MS);
const instant = (time: number): number => (time + SAMPLE_LEAD_MS - T0) / STEP;
/** Weeks `from` to `to`, in steps. */
const window = (from: number, to: number) => ({ startMs: T0 + from * STEP, endMs: T0 + to * STEP });

function stream(options: { batchSamples?: number; sent?: { requests: number; digest: string } } = {}) {
  const sent: WriteSeries[][] = [];
  const accepted: number[] = [];
  const digests: string[] = [];
  const remote = new RemoteWriteStream({
    send: async (body) => void sent.push(decodeWriteRequest(body)),
    lookbackMs: STEP,
    batchSamples: options.batchSamples ?? 1_000_000,
    sent: options.sent ?? { requests: 0, digest: '' },
    onAccepted: async (n, digest) => {
      accepted.push(n);
      digests.push(digest);
    },
  });
  return { remote, sent, accepted, digests };
}

/** Every sample sent for the series named `name`, in order, as [time, value]. */
const samplesOf = (sent: WriteSeries[][], name: string): Array<[number, number | null]> =>
  sent.flat().filter((series) => series.labels.some(([k, v]) => k === '__name__' && v === name)).flatMap((series) => series.times.map((time, i): [number, number | null] => [time, series.values[i]!]));

t.test('a marker where a series stops within a week, at its end, and after a gap', async (t) => {
  const { remote, sent } = stream();
  const week = remote.week(window(0, STEPS_PER_WEEK));
  const some = [...times(0, 3), ...times(5, 6)];
  await week.series('gappy', [['job', 'j']], some, some.map(() => 1));
  await week.series('whole', [['job', 'j']], times(0, STEPS_PER_WEEK), times(0, STEPS_PER_WEEK).map(() => 2));
  await week.end!();
  t.same(samplesOf(sent, 'gappy').map(([time, value]) => [instant(time), value]), [[0, 1], [1, 1], [2, 1], [3, null], [5, 1], [6, null]], 'marked at the first instant without a sample');
  t.same(samplesOf(sent, 'whole').filter(([, value]) => value === null), [], 'a series that reaches the end of the week waits for the next');
  t.same(sent[0]!.find((series) => series.labels.some(([, v]) => v === 'gappy'))!.labels, [['__name__', 'gappy'], ['job', 'j']], 'the name among the labels');
});

t.test("at a week's turn: marked when the next week starts without it or leaves it out", async (t) => {
  const { remote, sent } = stream();
  const first = remote.week(window(0, STEPS_PER_WEEK));
  for (const name of ['goes-on', 'pauses', 'stops']) await first.series(name, [], times(STEPS_PER_WEEK - 2, STEPS_PER_WEEK), [1, 1]);
  await first.end!();
  const second = remote.week(window(STEPS_PER_WEEK, 2 * STEPS_PER_WEEK));
  await second.series('goes-on', [], times(STEPS_PER_WEEK, STEPS_PER_WEEK + 2), [2, 2]);
  await second.series('pauses', [], times(STEPS_PER_WEEK + 3, STEPS_PER_WEEK + 4), [2]);
  await second.end!();
  const markers = (name: string) => samplesOf(sent, name).filter(([, value]) => value === null).map(([time]) => instant(time));
  t.same(markers('goes-on'), [STEPS_PER_WEEK + 2], 'only where it ends in the second week');
  t.same(markers('pauses'), [STEPS_PER_WEEK, STEPS_PER_WEEK + 4]);
  t.same(markers('stops'), [STEPS_PER_WEEK], 'a series the second week leaves out is marked when it ends');
  t.equal(sent.length, 2, "one request a week: each week's requests are sent when it ends");
});

t.test('a series without samples, a week without series: no request', async (t) => {
  const { remote, sent } = stream();
  const week = remote.week(window(0, 10));
  await week.series('none', [], [], []);
  await week.end!();
  t.same([sent.length, remote.requests], [0, 0]);
});

t.test('no marker where the history ends: the live scrape goes on from there', async (t) => {
  const { remote, sent } = stream();
  const last = remote.week(window(0, 10));
  await last.series('live', [], times(0, 10), Array(10).fill(1));
  await last.end!();
  t.same(samplesOf(sent, 'live').filter(([, value]) => value === null), []);
});

t.test('requests of at most the batch size, a long series cut across them, in time order', async (t) => {
  const { remote, sent, accepted } = stream({ batchSamples: 4 });
  const week = remote.week(window(0, 20));
  await week.series('a', [], times(0, 3), [1, 2, 3]);
  await week.series('b', [], times(0, 10), Array.from({ length: 10 }, (_, i) => i));
  await week.end!();
  t.same(sent.map((request) => request.reduce((n, series) => n + series.times.length, 0)), [4, 4, 4, 3], 'full requests, then the rest (the markers count)');
  t.same(samplesOf(sent, 'b').map(([, value]) => value), [...Array.from({ length: 10 }, (_, i) => i), null]);
  t.same(accepted, [1, 2, 3, 4], 'each accepted request counted');
  t.same([remote.requests, remote.samples], [4, 15]);
});

t.test('the requests a previous run sent are made again, in order, and not sent; the last one checked', async (t) => {
  const thirteen = async (remote: RemoteWriteStream) => {
    const week = remote.week(window(0, 20));
    await week.series('b', [], times(0, 13), Array.from({ length: 13 }, (_, i) => i));
    await week.end!();
  };
  const whole = stream({ batchSamples: 4 });
  await thirteen(whole.remote);
  t.equal(whole.digests.length, 4);
  const resumed = stream({ batchSamples: 4, sent: { requests: 2, digest: whole.digests[1]! } });
  await thirteen(resumed.remote);
  t.same(resumed.sent, whole.sent.slice(2), 'the rest, exactly');
  t.same(resumed.accepted, [3, 4]);
  t.same([resumed.remote.requests, resumed.remote.digest], [whole.remote.requests, whole.remote.digest]);

  const changed = stream({ batchSamples: 4, sent: { requests: 2, digest: whole.digests[0]! } });
  await t.rejects(thirteen(changed.remote), { code: 'BUE_ERR_REMOTE_WRITE', message: /^the history is not what was sent before \(Cost Explorer has revised a day of it since\): remove the position file/ });
  t.same(changed.sent, [], 'nothing sent');
});
