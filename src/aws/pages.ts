import { AwsError } from '../errors.js';

/** Pagination that would not end: a repeated token or more pages than allowed. */
export class PaginationError extends AwsError {
  constructor(message: string) {
    super('BUE_ERR_AWS_ANSWER', message);
  }
}

export interface PageLimits {
  maxPages: number;
  /** What to say when there are more than maxPages. */
  tooMany: string;
  /** What to say when the service hands back a token it gave before. */
  repeated: string;
}

/** Every page of an answer, in order: `send` asks for the page a token names, `next` reads the page's token. */
export async function allPages<P>(send: (token: string | undefined) => Promise<P>, next: (page: P) => string | undefined, limits: PageLimits): Promise<P[]> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    if (pages.length >= limits.maxPages) throw new PaginationError(limits.tooMany);
    const page = await send(token);
    pages.push(page);
    token = next(page) || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new PaginationError(limits.repeated);
      seen.add(token);
    }
  } while (token !== undefined);
  return pages;
}
