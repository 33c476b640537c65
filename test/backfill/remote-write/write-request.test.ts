// The WriteRequest bytes as the protobuf encoding defines them, checked on a message small enough to
// spell out by hand; the real Prometheus reads longer ones in test/backfill-remote-write.test.ts.
import SnappyJS from 'snappyjs';
import t from 'tap';
import { encodeWriteRequest, writeRequestBody } from '../../../src/backfill/remote-write/write-request.js';
import { decodeWriteRequest } from '../../helpers/receiver.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

t.test('one series, one sample: the bytes the protobuf encoding gives', async (t) => {
  const bytes = encodeWriteRequest([{ labels: [['__name__', 'a']], times: [1], values: [1] }]);
  const label = '0a08' + Buffer.from('__name__').toString('hex') + '120161'; // name = 1, value = 2
  const sample = '09' + '000000000000f03f' + '1001'; // value = 1 (double, little-endian), timestamp = 2 (varint)
  const series = `0a0d${label}120b${sample}`; // labels = 1, samples = 2
  t.equal(hex(bytes), `0a1c${series}`, 'timeseries = 1');
});

t.test('labels sorted by name, millisecond timestamps as varints, the staleness marker as its own NaN', async (t) => {
  const time = Date.UTC(2026, 11, 6, 22, 20);
  const bytes = encodeWriteRequest([{ labels: [['job', 'j'], ['__name__', 'm'], ['instance', 'i']], times: [time, time + 300_000], values: [0.5, null] }]);
  t.ok(hex(bytes).includes('0200000000' + '00f07f'), 'the marker is 0x7ff0000000000002, not the NaN JavaScript writes');
  const [series] = decodeWriteRequest(SnappyJS.compress(bytes));
  t.same(series, { labels: [['__name__', 'm'], ['instance', 'i'], ['job', 'j']], times: [time, time + 300_000], values: [0.5, null] });
});

t.test('the body is the request, snappy-compressed (block format)', async (t) => {
  const series = Array.from({ length: 50 }, (_, i) => ({ labels: [['__name__', 'bedrock_tokens_daily'], ['model', `m${i}`]] as Array<[string, string]>, times: [1000, 2000], values: [i, i + 0.25] }));
  const body = writeRequestBody(series);
  t.ok(body.length < encodeWriteRequest(series).length / 2, 'repetitive series compress');
  t.same(decodeWriteRequest(body), series);
});

t.test('a time it cannot write as a varint is refused, not written wrong', async (t) => {
  t.throws(() => encodeWriteRequest([{ labels: [['__name__', 'a']], times: [-1000], values: [1] }]), RangeError);
  t.throws(() => encodeWriteRequest([{ labels: [['__name__', 'a']], times: [0.5], values: [1] }]), RangeError);
});
