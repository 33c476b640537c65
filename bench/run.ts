// `npm run bench`: scrapes, Cost Explorer requests, who spends at scale, then the live plane's CloudWatch cost; tables on stdout, progress on stderr.
import { cpus, loadavg } from 'node:os';
import { runAllocationBench } from './allocation.js';
import { runLiveSpendBench } from './live-spend.js';
import { runRequestsBench } from './requests.js';
import { runScrapeBench } from './scrape.js';
import { progress } from './stats.js';

const load = (): string => loadavg().map((value) => value.toFixed(1)).join(' ');
const started = performance.now();
const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, load average before: ${load()}`;

const scrapes = await runScrapeBench();
const requests = await runRequestsBench();
const allocation = await runAllocationBench();
const liveSpend = await runLiveSpendBench();
console.log([machine, '', scrapes, '', requests, '', allocation, '', liveSpend, '', `load average after: ${load()}; took ${((performance.now() - started) / 60_000).toFixed(1)} min`].join('\n'));
progress('done');
