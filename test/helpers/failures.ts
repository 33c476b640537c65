// Shared by the tests of test/failures/: every command fails with one line and a documented exit code,
// tried through the real binary as a user meets it.
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Test } from 'tap';
import type { CliResult } from './cli.js';

/** The last line of stderr, and that stderr holds no stack trace. */
export function lastLine(t: Test, result: CliResult): string {
  t.notMatch(result.stderr, /^\s+at /m, 'no stack trace');
  return result.stderr.trimEnd().split('\n').at(-1)!;
}

/** A port something else holds until the test ends. */
export async function holdPort(t: Test): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}


/** Keys that are never checked (the endpoint is local) and no retries, so a failure is quick. */
export const offline = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', BEDROCK_EXPORTER_AWS_MAX_ATTEMPTS: '1' };
