import type { MiddlewareStack } from '@smithy/types';

// What the exporter sends to AWS and what it pays for it, the same for every API a source calls: each
// attempt that reaches the wire is one request (retries too), and an answered one costs what that
// API bills for it. A new source's client counts its requests with countRequests and nothing else.

export type Outcome = 'success' | 'throttled' | 'error';

/** One attempt: `api` is the exporter's name for the service (`cost_explorer`, `cloudwatch`). */
export interface AwsRequest {
  api: string;
  operation: string;
  outcome: Outcome;
  /** What AWS bills for it in US dollars; refused and failed requests cost nothing. */
  costUsd: number;
}

export type OnRequest = (request: AwsRequest) => void;

/** An API the exporter calls: its names, what it needs, and what it costs. */
export interface AwsApi {
  /** The `api` label: cost_explorer, cloudwatch. */
  api: string;
  /** How people name it: Cost Explorer, CloudWatch. */
  title: string;
  /** The operations the exporter calls, each counted from 0 at start. */
  operations: readonly string[];
  /** The IAM service prefix of its actions (ce, cloudwatch): an operation needs `prefix:Operation`. */
  iamPrefix: string;
  /** The SDK's variable that points the client at another endpoint. */
  endpointVariable: string;
  /** The price of one answered request, from the operation, its input and its answer. */
  price(operation: string, input: unknown, output: unknown): number;
}

const THROTTLING = new Set(['LimitExceededException', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

/** Reports every attempt `client` sends, in the deserialize step inside the SDK's retry loop. */
export function countRequests<I extends object, O extends object>(client: { middlewareStack: MiddlewareStack<I, O> }, api: AwsApi, onRequest: OnRequest): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      try {
        const output = await next(args);
        onRequest({ api: api.api, operation, outcome: 'success', costUsd: api.price(operation, args.input, output.output) });
        return output;
      } catch (error) {
        onRequest({ api: api.api, operation, outcome: isThrottling(error) ? 'throttled' : 'error', costUsd: 0 });
        throw error;
      }
    },
    { step: 'deserialize', name: 'bedrockExporterRequestCounter', priority: 'high' },
  );
}
