import closeWithGrace from 'close-with-grace';
import { oneLine } from '../errors.js';
import type { Logger } from '../log.js';

/** How long a shutdown may take: a request or a file system that hangs must not keep the process alive. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

// Past the deadline, or on a second signal, the process ends with SIGKILL (exit status 137): a file
// system call that never returns holds a thread of libuv's pool, and Node's normal exit waits for it.
const exitNow = (): void => {
  process.kill(process.pid, 'SIGKILL');
};

/**
 * Closes gracefully on a signal or an error nothing caught, as fastify/demo does: exit 0 once closed,
 * 1 after an error or a failed close; past the deadline, on a second signal or a second error, at once.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  closeWithGrace(
    {
      delay: SHUTDOWN_DEADLINE_MS,
      // close-with-grace logs through this only when the close itself fails.
      logger: { error: (error: unknown) => logger.error({ err: error }, `shutdown failed: ${oneLine(error)}`) },
      onSecondError: (error) => {
        logger.error({ err: error }, `another error while shutting down: ${oneLine(error)}`);
        exitNow();
      },
      onSecondSignal: (signal) => {
        logger.warn({ signal }, `second ${signal}: exiting now`);
        exitNow();
      },
      onTimeout: (delay) => {
        logger.error({ delayMs: delay }, `shutdown did not finish within ${delay / 1000}s: exiting now`);
        exitNow();
      },
    },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, `unexpected error, shutting down: ${oneLine(err)}`);
      else logger.info({ signal }, 'shutting down');
      await close();
    },
  );
}
