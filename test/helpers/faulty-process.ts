// Preloaded into a child to stand in for a bug, once the exporter says it listens: BUE_TEST_FAULT
// "uncaught" throws an error nothing catches, twice; "close" makes the close on SIGTERM fail.
const fault = process.env.BUE_TEST_FAULT;
const write = process.stdout.write.bind(process.stdout);
let armed = false;
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  if (!armed && String(chunk).includes('"msg":"exporter listening"')) {
    armed = true;
    if (fault === 'uncaught') {
      setImmediate(() => {
        // The rejection is seen once the throw has started the shutdown.
        void Promise.reject(new RangeError('another bug'));
        throw new TypeError('a bug');
      });
    }
    if (fault === 'close') {
      // The refresh loop's stop aborts its signal: a stand-in for a part that fails to close.
      AbortController.prototype.abort = () => {
        throw new Error('loop stuck');
      };
      setImmediate(() => process.kill(process.pid, 'SIGTERM'));
    }
  }
  return write(chunk, ...rest);
}) as typeof process.stdout.write;
