import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config.js';

export type { Logger };

// Credentials must never reach a log line, whichever object carries them.
const REDACT = [
  'accessKeyId', 'secretAccessKey', 'sessionToken', 'password', 'authorization',
  '*.accessKeyId', '*.secretAccessKey', '*.sessionToken', '*.password', '*.authorization', '*.credentials',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  '*.headers.authorization', '*.headers["x-amz-security-token"]',
  // A request Node could not parse keeps its raw bytes, Authorization header included.
  'err.rawPacket', '*.rawPacket',
];

export function createLogger(options: { level: LogLevel; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (options.format === 'text') {
    return pino(base, pretty({ sync: true, colorize: false, destination: options.destination ?? process.stdout }));
  }
  return pino(base, options.destination ?? process.stdout);
}
