// Child process: the Cost Explorer emulator with the large organization, frozen at one instant, so
// that its work does not run on the event loop under measurement. Usage: emulator-process.ts ISO-TIME PAGE-SIZE
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { dayOf } from '../src/time.js';
import { messages, reply } from './child.js';

const [time = '', pageSize = ''] = process.argv.slice(2);
const now = new Date(time);
const emulator = await startEmulator({ dataset: generateDataset({ seed: 7, size: 'large', today: dayOf(now) }), clock: () => now, pageSize: Number(pageSize) });
reply({ url: emulator.url });
for await (const _ of messages());
