// A listen address that cannot be had: serve, demo and the emulator say so in one line, exit 3.
import t from 'tap';
import { EXIT_CODES } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { holdPort, lastLine, offline } from '../helpers/failures.js';
import { freePort } from '../helpers/prometheus.js';

t.test('a listen port in use: serve, demo and the emulator exit 3 with one line', async (t) => {
  const port = await holdPort(t);
  const address = `127.0.0.1:${port}`;
  const runs: Array<[string[], string]> = [
    [['serve', `--web.listen-address=${address}`, '--log.level=error'], '--web.listen-address'],
    [['demo', `--web.listen-address=${address}`, '--log.level=error'], '--web.listen-address'],
    [['emulator', `--listen=${address}`, '--log.level=error'], '--listen'],
  ];
  for (const [argv, flag] of runs) {
    const result = await runCli(argv, { env: { ...offline, AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await freePort()}` } });
    t.equal(result.code, EXIT_CODES.listen, argv[0]!);
    t.equal(lastLine(t, result), `bedrock-usage-exporter: cannot listen on ${address}: the port is in use; stop what holds it or choose another with ${flag}`, argv[0]!);
  }
});
