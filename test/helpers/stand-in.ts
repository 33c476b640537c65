// An AWS API stand-in for answers the emulator never gives (parts missing, odd shapes): it answers
// each request with the next of a list of bodies, listens on 127.0.0.1 and closes when the test ends.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/** Answers each request with the next of `bodies`, then `rest`; resolves to its URL. */
export async function answering(t: Test, bodies: string[], contentType: string, rest = '{}'): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = bodies.shift() ?? rest;
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
