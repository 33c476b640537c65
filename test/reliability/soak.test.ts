// Refreshes every 4-8 hours with random faults: three simulated weeks in the suite, and as long as
// asked with `npm run soak` (60 days; SOAK_DAYS, SOAK_SIZE, SOAK_PROBABILITY, SOAK_SEED change it).
import t from 'tap';
import { runSoak } from './soak-run.js';

const env = process.env;
const days = Number(env.SOAK_DAYS ?? 21);

t.test(`${days} simulated days of refreshes with random faults`, async (t) => {
  const result = await runSoak({
    days,
    size: (env.SOAK_SIZE ?? 'small') as 'small',
    faultProbability: Number(env.SOAK_PROBABILITY ?? 0.3),
    seed: Number(env.SOAK_SEED ?? 7),
    checkEvery: 1,
    ...(env.SOAK_DAYS ? { progress: (line: string) => t.comment(line) } : {}),
  });
  t.comment(`${result.refreshes} refreshes (${result.failed} failed, faults ${JSON.stringify(result.faults)}) in ${result.seconds} s; heap ${result.heapMiB.warm} -> ${result.heapMiB.end} MiB, RSS ${result.rssMiB.warm} -> ${result.rssMiB.end} MiB`);
  t.ok(result.refreshes > 60, 'many refreshes');
  t.ok(result.failed > 5, 'and the faults made some fail');
  t.equal(result.changedByFailure, 0, 'no failed refresh changed /metrics');
  t.same(result.mismatches, [], 'every good refresh equalled the ground truth');
  t.same(result.finalDifferences, [], 'and so does the final snapshot');
  t.same(result.problems, [], 'no unhandled rejection, uncaught error or listener leak');
  // After a forced GC the heap moves by under 1 MiB here; 8 MiB over the ~40 refreshes of the second
  // half catches anything that keeps 200 KiB per refresh.
  t.ok(result.heapMiB.end - result.heapMiB.warm < 8, `heap after GC stays level (${result.heapMiB.warm} -> ${result.heapMiB.end} MiB)`);
  for (const [type, count] of Object.entries(result.handles.end)) {
    t.ok(count <= (result.handles.warm[type] ?? 0) + 5, `${type} handles stay level (${result.handles.warm[type] ?? 0} -> ${count})`);
  }
});
