// Today's minutes per series: the latest value of each, only today's, forgotten at midnight UTC.
import t from 'tap';
import { MinuteCounts } from '../../src/sources/live/minutes.js';

const at = (iso: string): number => Date.parse(iso);

t.test('a minute counts once with its latest value; other days are not today', async (t) => {
  const minutes = new MinuteCounts();
  minutes.startDay(new Date('2026-11-20T12:00:30Z'));
  t.equal(minutes.dayStartMs, at('2026-11-20T00:00:00Z'));
  minutes.record('a', 'us-east-1', at('2026-11-20T11:57:00Z'), 8);
  minutes.record('a', 'us-east-1', at('2026-11-20T11:57:00Z'), 10);
  minutes.record('a', 'us-east-1', at('2026-11-20T11:58:00Z'), 5);
  minutes.record('a', 'us-east-1', at('2026-11-19T23:59:00Z'), 1000);
  minutes.record('b', 'eu-west-1', at('2026-11-20T11:50:00Z'), 3);
  const read = () => [...minutes.entries()].map(([series, values]) => [series, [...values]]);
  t.same(read(), [['a', [[at('2026-11-20T11:57:00Z'), 10], [at('2026-11-20T11:58:00Z'), 5]]], ['b', [[at('2026-11-20T11:50:00Z'), 3]]]]);
  t.same([...minutes.through()], [['us-east-1', at('2026-11-20T11:59:00Z')], ['eu-west-1', at('2026-11-20T11:51:00Z')]]);
  minutes.startDay(new Date('2026-11-20T23:59:59Z'));
  t.equal(read().length, 2, 'the same day keeps its minutes');
  minutes.startDay(new Date('2026-11-21T00:00:01Z'));
  t.same(read(), [], 'a new day starts from nothing');
  t.same([...minutes.through()], []);
});
