// The container's health check. The exporter is alive when it answers on its port, whatever its web
// config asks of a client: TLS with a certificate of its own, a client certificate (a TLS alert is an
// answer), basic auth (401 is an answer). Refused, silent or a 5xx is not. Exit 0 alive, 1 not.
// Usage: node healthcheck.mjs PORT
import { request as http } from 'node:http';
import { request as https } from 'node:https';

const port = Number(process.argv[2]);

/** 'alive', 'dead', or 'plain' when the port speaks HTTP without TLS. */
const ask = (request) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/-/healthy', rejectUnauthorized: false, timeout: 4000 }, (res) => {
      res.resume();
      resolve(res.statusCode < 500 ? 'alive' : 'dead');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => {
      if (/wrong version number|packet length too long/i.test(error.message)) resolve('plain');
      else resolve(error.code?.startsWith('ERR_SSL_') && /alert/i.test(error.code) ? 'alive' : 'dead');
    });
    req.end();
  });

const overTls = await ask(https);
process.exit((overTls === 'plain' ? await ask(http) : overTls) === 'alive' ? 0 : 1);
