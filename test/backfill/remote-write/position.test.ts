// The saved position: what differs from this run is named as the flags that give it.
import t from 'tap';
import { differences } from '../../../src/backfill/remote-write/position.js';

t.test('each setting that differs, as its flag, the saved value first', async (t) => {
  const run = { url: 'http://a/api/v1/write', job: 'j', instance: 'i', from: '2026-11-01', untilMs: Date.UTC(2026, 10, 20), lookbackMs: 300_000 };
  t.same(differences(run, { ...run }), []);
  t.same(differences(run, { ...run, url: 'http://b/api/v1/write', instance: 'k', untilMs: Date.UTC(2026, 10, 21), lookbackMs: 60_000 }), [
    'remote-write: http://a/api/v1/write, now http://b/api/v1/write',
    'instance: i, now k',
    'until: 2026-11-20T00:00:00.000Z, now 2026-11-21T00:00:00.000Z',
    'lookback-delta: 300s, now 60s',
  ]);
});
