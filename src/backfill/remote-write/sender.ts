import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteWriteError } from '../../errors.js';

// One remote-write request at a time, as the protocol's 1.0 specification asks of a sender: retried
// with exponential backoff while the receiver is unreachable, overloaded (5xx) or rate-limiting (429),
// and given up at once when it refuses the data (other 4xx), since sending it again changes nothing.

export interface SenderOptions {
  url: string;
  /** Sent with every request: the receiver's authentication, a tenant (X-Scope-OrgID), ... */
  headers: Record<string, string>;
  /** Attempts for one request before the backfill stops (it resumes from there when run again). */
  attempts: number;
  /** The first pause between attempts, doubled after each, up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** How long one request may take. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Told of each attempt that will be tried again, and why. */
  onRetry?: (attempt: number, why: string, backoffMs: number) => void;
}

const PROTOCOL_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

/** What the receiver said, on one line and not too long. */
async function said(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim().replace(/\s+/g, ' ');
  return `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 300)}` : ''}`;
}

/** The pause a 429 or 503 asks for with Retry-After (seconds), if any. */
const retryAfterMs = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
};

export class RemoteWriteSender {
  readonly #options: SenderOptions;
  readonly #headers: Record<string, string>;
  /** Requests that the receiver accepted. */
  sent = 0;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#headers = { 'User-Agent': 'bedrock-usage-exporter-backfill', ...options.headers, ...PROTOCOL_HEADERS };
  }

  /** Sends one compressed WriteRequest; resolves once the receiver has accepted it, or throws RemoteWriteError. */
  async send(body: Uint8Array<ArrayBuffer>): Promise<void> {
    const { url, attempts, minBackoffMs, maxBackoffMs, timeoutMs, signal } = this.#options;
    let backoffMs = minBackoffMs;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let why: string;
      let asked: number | undefined;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        const response = await fetch(url, { method: 'POST', headers: this.#headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        if (response.ok) {
          await response.body?.cancel();
          this.sent += 1;
          return;
        }
        why = await said(response);
        if (response.status !== 429 && response.status < 500) {
          throw new RemoteWriteError(`the receiver at ${url} refused the history: ${why}${hint(response.status, why)}`);
        }
        asked = retryAfterMs(response);
      } catch (error) {
        if (error instanceof RemoteWriteError) throw error;
        signal?.throwIfAborted();
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      }
      if (attempt >= attempts) throw new RemoteWriteError(`the receiver at ${url} did not take the history after ${attempts} attempts (${why}); run the backfill again to go on from where it stopped`);
      const pause = Math.min(asked ?? backoffMs, maxBackoffMs);
      this.#options.onRetry?.(attempt, why, pause);
      await sleep(pause, undefined, signal ? { signal } : undefined).catch((error: unknown) => {
        signal?.throwIfAborted();
        throw error;
      });
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }
}

/** What to do about a refusal a user can fix. */
function hint(status: number, why: string): string {
  if (status === 401 || status === 403) return ' (check --remote-write.bearer-token-file, --remote-write.basic-auth-* or --remote-write.header)';
  if (status === 404) return ' (Prometheus takes remote writes at /api/v1/write when started with --web.enable-remote-write-receiver)';
  if (/out of (bounds|order)|too old/i.test(why)) return ' (let the receiver take old samples: an out-of-order time window longer than the history, README "History into a scaled-out store")';
  return '';
}
