// The emulator's HTTP face: Cost Explorer's wire protocol (AWS JSON 1.1) on node:http, plus a
// small control plane under /__emulator/ for stats and faults. Plain node:http on purpose: faults
// need control over the wire (truncated bodies, answers that never come).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { getCostAndUsage, type QueryContext } from './cost-and-usage.js';
import type { Dataset } from './dataset.js';
import { getCostCategories, getDimensionValues, getTags } from './values.js';
import { FaultInjector, FaultRuleError, checkRule, slowDelayMs, type Fault, type FaultPlan, type FaultRule } from './faults.js';
import { getCostForecast } from './forecast.js';
import { pageNumberOf } from './page-token.js';
import { isJsonObject, type JsonObject } from './request.js';
import { ServiceError, serializationError } from './service-error.js';

export interface EmulatorOptions {
  dataset: Dataset;
  clock?: () => Date;
  /** Groups per page (GetCostAndUsage) and values per page (GetDimensionValues); default 500. */
  pageSize?: number;
  /** Allows HOURLY granularity (the account opted in); default false. */
  hourly?: boolean;
  faults?: FaultRule[];
  logger?: Logger;
  /** Seeds the fault dice; default 1. */
  seed?: number;
}

export interface EmulatorStats {
  /** Requests per operation (every page is a request), including failed and faulted ones. */
  requests: Record<string, number>;
  faults: Record<string, number>;
  /** Requests per access key id they were signed with (SigV4's Credential=), '(unsigned)' for none. */
  signedBy: Record<string, number>;
  total: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  url: string;
  faults: FaultPlan;
  stats(): EmulatorStats;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSInsightsIndexService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1 << 20;
const DEFAULT_PAGE_SIZE = 500;
const OPERATIONS: Record<string, (body: JsonObject, context: QueryContext) => JsonObject> = {
  GetCostAndUsage: getCostAndUsage,
  GetDimensionValues: getDimensionValues,
  GetTags: getTags,
  GetCostCategories: getCostCategories,
  GetCostForecast: getCostForecast,
};

// Fault answers. LimitExceededException is HTTP 400 with this message (bedrock-billing.md §5);
// InternalFailure (500), ServiceUnavailable (503) and ExpiredTokenException (400) are the AWS
// common errors; the DataUnavailableException message is the one Cost Explorer gives before data exists.
const FAULT_ERRORS: Partial<Record<Fault, ServiceError>> = {
  throttle: new ServiceError('LimitExceededException', 'Rate limit exceeded'),
  data_unavailable: new ServiceError(
    'DataUnavailableException',
    'Data is not available. Please try to adjust the time period. If just enabled Cost Explorer, data might not be ingested yet',
  ),
  http_500: new ServiceError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
  http_503: new ServiceError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
  expired_token: new ServiceError('ExpiredTokenException', 'The security token included in the request is expired'),
};

interface Answer {
  status: number;
  body: string;
  errorType?: string;
}

export async function startEmulator(options: EmulatorOptions & { host?: string; port?: number }): Promise<Emulator> {
  const { dataset, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const injector = new FaultInjector(options.faults ?? [], options.seed ?? 1);
  const requests: Record<string, number> = {};
  const faults: Record<string, number> = {};
  const signedBy: Record<string, number> = {};
  let total = 0;
  let requestNumber = 0;
  const cache = new Map<string, unknown>();
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const stats = (): EmulatorStats => ({ requests: { ...requests }, faults: { ...faults }, signedBy: { ...signedBy }, total });

  function send(res: ServerResponse, answer: Answer): void {
    requestNumber++;
    res.writeHead(answer.status, {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(answer.body),
      'x-amzn-RequestId': `00000000-0000-4000-8000-${requestNumber.toString(16).padStart(12, '0')}`,
      ...(answer.errorType ? { 'x-amzn-ErrorType': answer.errorType } : {}),
    });
    res.end(answer.body);
  }

  function answerFor(operation: string, body: JsonObject): Answer {
    const context: QueryContext = { dataset, asOf: clock(), pageSize, hourly: options.hourly ?? false, cache };
    try {
      return { status: 200, body: JSON.stringify(OPERATIONS[operation]!(body, context)) };
    } catch (error) {
      return errorAnswer(asServiceError(error));
    }
  }

  function asServiceError(error: unknown): ServiceError {
    if (error instanceof ServiceError) return error;
    logger?.error({ err: error }, 'emulator request failed');
    return new ServiceError('InternalFailure', `The emulator failed: ${(error as Error).message}`, 500);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url!.split('?')[0]!;
    if (path.startsWith('/__emulator/')) {
      control(req.method, path, await readBody(req), res);
      return;
    }
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '(unknown)';
    total++;
    requests[operation] = (requests[operation] ?? 0) + 1;
    const signer = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)';
    signedBy[signer] = (signedBy[signer] ?? 0) + 1;
    const raw = await readBody(req);
    const problem = protocolProblem(req, operation);
    if (problem) {
      send(res, errorAnswer(problem));
      return;
    }
    const body = parseBody(raw);
    const fault = injector.pick(operation, pageNumberOf(body.NextPageToken));
    if (fault) faults[fault.fault] = (faults[fault.fault] ?? 0) + 1;
    logger?.debug({ operation, fault: fault?.fault }, 'cost explorer request');
    if (fault) sufferFault(fault, res, operation, body);
    else send(res, answerFor(operation, body));
  }

  function sufferFault(fault: FaultRule, res: ServerResponse, operation: string, body: JsonObject): void {
    const preset = FAULT_ERRORS[fault.fault];
    if (preset) {
      send(res, errorAnswer(preset));
      return;
    }
    switch (fault.fault) {
      case 'hang':
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      case 'slow': {
        const timer = setTimeout(() => send(res, answerFor(operation, body)), slowDelayMs(fault));
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'truncated': {
        const answer = answerFor(operation, body);
        res.writeHead(answer.status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(answer.body) });
        res.write(answer.body.slice(0, Math.floor(answer.body.length / 2)), () => res.destroy());
        return;
      }
      default: {
        // malformed: a 200 whose body is not JSON.
        const answer = answerFor(operation, body);
        send(res, { status: 200, body: `${answer.body.slice(0, Math.floor(answer.body.length / 2))}<<not json` });
      }
    }
  }

  function control(method: string | undefined, path: string, raw: Buffer, res: ServerResponse): void {
    const reply = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (path === '/__emulator/stats' && method === 'GET') {
      reply(200, stats());
    } else if (path === '/__emulator/faults' && method === 'POST') {
      try {
        const rules: unknown = JSON.parse(raw.toString('utf8'));
        if (!Array.isArray(rules)) throw new FaultRuleError('the body must be a JSON array of fault rules');
        injector.replace(rules.map(checkRule));
        reply(200, { rules: rules.length });
      } catch (error) {
        reply(400, { message: (error as Error).message });
      }
    } else {
      reply(404, { message: `no such emulator endpoint: ${method} ${path}` });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, errorAnswer(asServiceError(error))));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = emulatorUrl(host, port);

  return {
    url,
    faults: injector,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const res of hung) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** http://HOST:PORT, with an IPv6 host in brackets. */
export function emulatorUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** What is wrong with a request at the protocol level; AWS's common error UnknownOperationException is HTTP 404. */
function protocolProblem(req: IncomingMessage, operation: string): ServiceError | undefined {
  const unknown = (message: string) => new ServiceError('UnknownOperationException', message, 404);
  if (req.method !== 'POST') return unknown(`${req.method} is not supported; Cost Explorer takes POST /.`);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== CONTENT_TYPE) return unknown(`Content-Type must be ${CONTENT_TYPE}, got ${JSON.stringify(contentType)}.`);
  if (!(operation in OPERATIONS)) {
    const served = Object.keys(OPERATIONS).map((op) => TARGET_PREFIX + op).join(', ');
    return unknown(`Unknown operation ${JSON.stringify(req.headers['x-amz-target'] ?? '')}; this emulator serves ${served}.`);
  }
  return undefined;
}

function parseBody(raw: Buffer): JsonObject {
  let body: unknown;
  try {
    body = JSON.parse(raw.length === 0 ? '{}' : raw.toString('utf8'));
  } catch {
    throw serializationError('The request body is not valid JSON.');
  }
  if (!isJsonObject(body)) throw serializationError('The request body must be a JSON object.');
  return body;
}

function errorAnswer(error: ServiceError): Answer {
  return { status: error.status, body: JSON.stringify({ __type: error.type, message: error.message }), errorType: error.type };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ServiceError('SerializationException', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
