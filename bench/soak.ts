// The full soak: `npm run soak` (node --import @tapjs/typescript/import bench/soak.ts [--days=60]
// [--size=small] [--probability=0.2] [--seed=1]). Many refreshes with random faults on an advancing
// clock, then the final snapshot must equal the ground truth and memory and handles must stay level.
import { parseArgs } from 'node:util';
import { runSoak } from '../test/reliability/soak-run.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '60' },
    size: { type: 'string', default: 'small' },
    probability: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '1' },
    'check-every': { type: 'string', default: '1' },
  },
});
const size = values.size as 'tiny' | 'small' | 'demo' | 'large';
const result = await runSoak({
  days: Number(values.days),
  size,
  faultProbability: Number(values.probability),
  seed: Number(values.seed),
  checkEvery: Number(values['check-every']),
  progress: (line) => console.log(line),
});
console.log(JSON.stringify(result, null, 2));

const growth = result.heapMiB.end - result.heapMiB.warm;
const handleGrowth = Object.entries(result.handles.end).filter(([type, count]) => count > (result.handles.warm[type] ?? 0) + 5);
const failures = [
  ...(result.finalDifferences.length > 0 ? [`final snapshot differs from the truth: ${result.finalDifferences.slice(0, 5).join('; ')}`] : []),
  ...result.mismatches.map((m) => `a good refresh differed from the truth: ${m}`),
  ...(result.changedByFailure > 0 ? [`${result.changedByFailure} failed refreshes changed /metrics`] : []),
  ...result.problems,
  ...(growth > 16 ? [`heap grew by ${growth.toFixed(1)} MiB after warm-up`] : []),
  ...handleGrowth.map(([type, count]) => `${type} handles grew from ${result.handles.warm[type] ?? 0} to ${count}`),
];
console.log(failures.length === 0 ? `soak passed: ${result.refreshes} refreshes (${result.failed} failed) in ${result.seconds} s, heap ${result.heapMiB.warm} -> ${result.heapMiB.end} MiB` : `soak FAILED:\n${failures.join('\n')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
