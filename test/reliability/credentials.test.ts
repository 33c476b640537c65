// Credentials from the SDK's own chain (a shared credentials file) that expire, disappear and come back:
// the exporter keeps the last good snapshot, sends nothing without credentials, and picks up the new
// keys without a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseExposition } from '../helpers/exposition.js';
import { dataPart, gauge, startProxy, startRig, truthDifferences, watchProcess, type Proxy } from '../helpers/rig.js';
import { forgetAwsEnvironment } from '../helpers/aws-environment.js';

const dir = mkdtempSync(join(tmpdir(), 'bue-creds-'));
const file = join(dir, 'credentials');
forgetAwsEnvironment();
Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'config') });
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const writeKeys = (accessKeyId: string) =>
  writeFileSync(file, `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = secret-of-${accessKeyId}\n`);

t.test('expired, then missing, then renewed credentials', async (t) => {
  const watcher = watchProcess();
  t.teardown(() => watcher.stop());
  writeKeys('AKIDFIRST');
  let proxy: Proxy | undefined;
  const rig = await startRig({
    size: 'small',
    credentials: 'sdk-chain',
    endpoint: async (emulatorUrl) => (proxy = await startProxy(emulatorUrl)).url,
  });
  t.teardown(async () => {
    await rig.close();
    await proxy!.close();
  });
  const { collector } = rig.exporter;
  const keys = proxy!.signers;
  t.ok(await collector.refresh(), 'the first refresh succeeds with the file\'s keys');
  t.same(new Set(keys), new Set(['AKIDFIRST']));
  const good = dataPart(await rig.metricsText());

  // The keys are rotated in the file; the ones in use expire.
  writeKeys('AKIDSECOND');
  rig.emulator.faults.add({ fault: 'expired_token', count: 1 });
  rig.clock.now = new Date(rig.clock.now.getTime() + 3_600_000);
  t.notOk(await collector.refresh(), 'the refresh with expired keys fails');
  t.match(collector.status.lastError, /^AWS refused the credentials \(ExpiredTokenException: /);
  t.equal(dataPart(await rig.metricsText()), good, 'the last good snapshot stays');

  // The file disappears before the next refresh.
  rmSync(file);
  keys.length = 0;
  t.notOk(await collector.refresh(), 'no credentials: the refresh fails');
  t.equal(collector.status.lastError, 'no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role');
  t.same(keys, [], 'nothing is sent without credentials');
  const stale = await rig.metricsText();
  t.equal(dataPart(stale), good, 'the last good snapshot still stays');
  t.equal(gauge(stale, 'bedrock_exporter_refresh_success'), 0);

  writeKeys('AKIDSECOND');
  t.ok(await collector.refresh(), 'the renewed file is picked up without a restart');
  t.same(new Set(keys), new Set(['AKIDSECOND']), 'and only the new keys sign');
  const recovered = await rig.metricsText();
  t.equal(gauge(recovered, 'bedrock_exporter_refresh_success'), 1);
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(recovered)), [], 'the recovered snapshot equals the ground truth');
  t.same(watcher.problems, []);
});
