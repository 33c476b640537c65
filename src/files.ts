import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FileError } from './errors.js';

// A command that must write a file checks first, before it spends paid requests or minutes: the file
// (or, for one not there yet, the nearest folder that exists on its way) must be writable.

async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  let current = resolve(path);
  for (;;) {
    try {
      return { path: current, isDirectory: (await stat(current)).isDirectory() };
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
}

/** Throws FileError unless `path` can be written as a file (`kind` file) or hold files (`kind` folder). */
export async function checkWritable(what: string, path: string, kind: 'file' | 'folder'): Promise<void> {
  const failure = (code: string): FileError => new FileError(what, path, Object.assign(new Error(code), { code }));
  let existing: { path: string; isDirectory: boolean };
  try {
    existing = await nearestExisting(path);
  } catch (error) {
    throw new FileError(what, path, error as NodeJS.ErrnoException);
  }
  const isTarget = existing.path === resolve(path);
  if (isTarget && kind === 'file' && existing.isDirectory) throw failure('EISDIR');
  if (!existing.isDirectory && !(isTarget && kind === 'file')) throw failure('ENOTDIR');
  // A file is replaced by renaming a temporary one beside it: its folder must take a new file. A real
  // write is the only honest probe: access(2) says yes to root on read-only trees such as /sys.
  const folder = isTarget && kind === 'file' ? dirname(existing.path) : existing.path;
  const probe = join(folder, `.bue-write-check-${process.pid}`);
  try {
    await (await open(probe, 'wx')).close();
    await unlink(probe);
  } catch (error) {
    throw new FileError(what, path, error as NodeJS.ErrnoException);
  }
}

/** Awaits a write; a failure of the file system (an error with a syscall) becomes a FileError naming `what`. */
export async function writing<T>(what: string, path: string, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw typeof (error as NodeJS.ErrnoException).syscall === 'string' ? new FileError(what, path, error as NodeJS.ErrnoException) : error;
  }
}

/** Writes what `produce` hands over to `file`, waiting when the disk is slower than the producer. */
export async function writeFileInChunks<T>(file: string, produce: (write: (chunk: string) => Promise<void> | void) => Promise<T>): Promise<T> {
  const stream = createWriteStream(file);
  // `once` rejects when the stream fails (it cannot open, the disk is full) while it waits.
  const closed = once(stream, 'close');
  try {
    return await produce((chunk) => (stream.write(chunk) ? undefined : once(stream, 'drain').then(() => undefined)));
  } finally {
    stream.end();
    await closed;
  }
}
