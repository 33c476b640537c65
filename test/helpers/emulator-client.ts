import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { Test } from 'tap';
import type { Dataset } from '../../src/emulator/dataset.js';
import { startEmulator, type EmulatorOptions } from '../../src/emulator/server.js';

/** An emulator on loopback and the real SDK client pointed at it (no retries), both closed by the test. */
export async function emulatorWithClient(t: Test, dataset: Dataset, now: Date, options: Partial<EmulatorOptions> = {}) {
  const emulator = await startEmulator({ dataset, clock: () => now, ...options });
  const client = new CostExplorerClient({
    region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1,
  });
  t.teardown(async () => {
    client.destroy();
    await emulator.close();
  });
  return { emulator, client };
}
