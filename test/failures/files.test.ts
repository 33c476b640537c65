// Files a user names: a web config that cannot be read stops serve with one line (exit 2); a corrupt
// ledger file costs a warning and a re-read, never the start.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { EXIT_CODES } from '../../src/errors.js';
import { dayOf } from '../../src/time.js';
import { runCli } from '../helpers/cli.js';
import { lastLine, offline } from '../helpers/failures.js';
import { freePort } from '../helpers/prometheus.js';
import { temporaryFolder } from '../helpers/temporary.js';

const dir = temporaryFolder(t, 'bue-failures-files-');

t.test('a web config that cannot be read, or names a certificate that cannot: exit 2 before listening', async (t) => {
  const env = { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await freePort()}` };
  const missing = join(dir, 'missing.yml');
  const none = await runCli(['--web.listen-address=127.0.0.1:0', `--web.config.file=${missing}`], { env });
  t.equal(none.code, EXIT_CODES.config);
  t.equal(lastLine(t, none), `bedrock-usage-exporter: web.config.file: cannot read ${JSON.stringify(missing)}: no such file or folder`);
  const web = join(dir, 'web.yml');
  writeFileSync(web, 'tls_server_config:\n  cert_file: nowhere.pem\n  key_file: nowhere-key.pem\n');
  const cert = await runCli(['check-config', `--web.config.file=${web}`], { env });
  t.equal(cert.code, EXIT_CODES.config);
  t.equal(lastLine(t, cert), `bedrock-usage-exporter: web.config.file: tls_server_config.cert_file: cannot read ${JSON.stringify(join(dir, 'nowhere.pem'))}: no such file or folder`);
});

t.test('a corrupt ledger file: a warning, then the exporter reads what it needs and serves', async (t) => {
  const ledger = join(dir, 'ledger.gz');
  writeFileSync(ledger, 'not gzip at all');
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 2, size: 'tiny', today: dayOf(Date.now()) }) });
  t.teardown(() => emulator.close());
  const result = await runCli(['--web.listen-address=127.0.0.1:0', '--log.format=json', `--ledger.file=${ledger}`, '--collection.services=Amazon Bedrock'], {
    env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url },
    until: /"msg":"refresh succeeded"/,
  });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /"level":40,[^\n]*"msg":"ignoring the ledger file, it will be rewritten: /);
  t.match(result.stdout, /"msg":"refresh succeeded"/);
});
