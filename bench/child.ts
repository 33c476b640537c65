// Servers under measurement run in processes of their own, so that the scrapers and the emulator do
// not share their event loop. A child answers each message with one message, over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { on, once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface Child<Reply> {
  /** The next message the child sends (the first is sent when it is ready). */
  next(): Promise<Reply>;
  send(message: unknown): void;
  close(): Promise<void>;
}

/**
 * Starts `bench/<file>` with the same TypeScript loader (transpiling only: `tsc --noEmit` checks the
 * types, and checking them again in every child costs seconds), and gc exposed for memory figures.
 */
export function startChild<Reply>(file: string, args: string[]): Child<Reply> {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: [...process.execArgv, '--expose-gc', '--no-warnings'],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const queue: Reply[] = [];
  const waiting: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  child.on('message', (message) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message as Reply);
    else queue.push(message as Reply);
  });
  child.on('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`bench/${file} exited with code ${code}`));
  });
  return {
    next: () => {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (exited()) return Promise.reject(new Error(`bench/${file} has exited`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    send: (message) => void child.send(message as object),
    close: async () => {
      if (exited()) return;
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      await exit;
    },
  };
}

/** In a child: answers the parent. */
export const reply = (message: unknown): void => void process.send?.(message);

/** In a child: messages from the parent, until it goes away. */
export async function* messages(): AsyncGenerator<unknown> {
  process.once('disconnect', () => process.exit(0));
  for await (const [message] of on(process, 'message')) yield message;
}
