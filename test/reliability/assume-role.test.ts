// The usual deployment: the exporter runs in one account and reads Cost Explorer in the management
// (payer) account through a role, from a profile in the shared config file (role_arn + source_profile).
// A stand-in for STS on loopback issues short-lived keys; the real SDK assumes the role, signs Cost
// Explorer requests with the role's keys, and assumes it again as they near expiry, without a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseExposition } from '../helpers/exposition.js';
import { startProxy, startRig, truthDifferences, type Proxy } from '../helpers/rig.js';
import { forgetAwsEnvironment } from '../helpers/aws-environment.js';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/bedrock-usage-exporter';

interface Assumption {
  signer: string;
  roleArn: string | null;
  sessionName: string | null;
  externalId: string | null;
}

/** AssumeRole as STS answers it (AWS Query protocol: a form in, XML out); each call issues new keys. */
async function startSts(lifetimeMs: number) {
  const assumptions: Assumption[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const signer = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)';
      assumptions.push({ signer, roleArn: form.get('RoleArn'), sessionName: form.get('RoleSessionName'), externalId: form.get('ExternalId') });
      const n = assumptions.length;
      const body = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAROLE${n}</AccessKeyId>
      <SecretAccessKey>role-secret-${n}</SecretAccessKey>
      <SessionToken>role-session-token-${n}</SessionToken>
      <Expiration>${new Date(Date.now() + lifetimeMs).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/bedrock-usage-exporter/${form.get('RoleSessionName')}</Arn>
      <AssumedRoleId>AROAEXAMPLE:${form.get('RoleSessionName')}</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-4000-8000-00000000000${n}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    assumptions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bue-role-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
forgetAwsEnvironment();

t.test('a role in the payer account, from the shared config file', async (t) => {
  // Keys that last a second: by the second refresh they have expired, so only a renewal lets it sign.
  const sts = await startSts(1_000);
  t.teardown(() => sts.close());
  writeFileSync(join(dir, 'credentials'), '[exporter-base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n');
  writeFileSync(join(dir, 'config'), `[profile payer]\nrole_arn = ${ROLE_ARN}\nsource_profile = exporter-base\nexternal_id = bedrock-usage\nrole_session_name = bedrock-usage-exporter\nregion = us-east-1\n`);
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_PROFILE: 'payer',
    AWS_ENDPOINT_URL_STS: sts.url,
  });

  let proxy: Proxy | undefined;
  const rig = await startRig({ size: 'tiny', credentials: 'sdk-chain', endpoint: async (emulatorUrl) => (proxy = await startProxy(emulatorUrl)).url });
  t.teardown(async () => {
    await rig.close();
    await proxy!.close();
  });

  t.ok(await rig.exporter.collector.refresh(), 'the refresh succeeds through the role');
  t.ok(sts.assumptions.length >= 1);
  t.same(sts.assumptions[0], { signer: 'AKIDBASE', roleArn: ROLE_ARN, sessionName: 'bedrock-usage-exporter', externalId: 'bedrock-usage' }, 'the base keys ask for the profile\'s role, with its external id');
  t.ok(proxy!.signers.length > 0 && proxy!.signers.every((signer) => /^ASIAROLE\d+$/.test(signer)), 'Cost Explorer sees only the role\'s keys, never the base keys');

  const assumedBefore = sts.assumptions.length;
  const sentBefore = proxy!.signers.length;
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  t.ok(await rig.exporter.collector.refresh(), 'the next refresh too');
  t.ok(proxy!.signers.length > sentBefore, 'it sent requests');
  t.ok(sts.assumptions.length > assumedBefore, 'expired keys are renewed through STS without a restart');
  t.ok(new Set(proxy!.signers).size > 1, 'and the renewed keys sign');
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), [], 'the payer account\'s data, equal to the ground truth');
});
