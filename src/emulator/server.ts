// The emulator's HTTP face: Cost Explorer's, Service Quotas' and the Price List's wire protocol (AWS
// JSON 1.1) and CloudWatch's (AWS JSON 1.0) told apart by X-Amz-Target, Bedrock's control plane (REST
// JSON) by path, STS (Query protocol) by its form body, plus a small control plane under /__emulator/
// for stats and faults. Plain node:http on purpose: faults need control over the wire (truncated
// bodies, answers that never come).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { bedrockAnswer } from './bedrock.js';
import { cachedMinutes, getMetricData, listMetrics } from './cloudwatch.js';
import { getCostAndUsage, type QueryContext } from './cost-and-usage.js';
import type { Dataset } from './dataset.js';
import { getCostCategories, getDimensionValues, getTags } from './values.js';
import { FaultInjector, FaultRuleError, checkRule, slowDelayMs, type Fault, type FaultPlan, type FaultRule } from './faults.js';
import { getCostForecast } from './forecast.js';
import { pageNumberOf } from './page-token.js';
import { isJsonObject, type JsonObject } from './request.js';
import { ServiceError, serializationError } from './service-error.js';
import { listServiceQuotas } from './live/quotas.js';
import { getProducts } from './pricing.js';
import { stsAnswer, stsError } from './sts.js';

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
  /** The account whose CloudWatch sees every other account's metrics (cross-account observability). */
  monitoringAccount?: string;
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

const MAX_BODY_BYTES = 1 << 20;
const DEFAULT_PAGE_SIZE = 500;
const COST_EXPLORER_OPERATIONS: Record<string, (body: JsonObject, context: QueryContext) => JsonObject> = {
  GetCostAndUsage: getCostAndUsage,
  GetDimensionValues: getDimensionValues,
  GetTags: getTags,
  GetCostCategories: getCostCategories,
  GetCostForecast: getCostForecast,
};

/** Bedrock's control plane by path (REST JSON). */
const BEDROCK_OPERATIONS: Record<string, string> = { '/inference-profiles': 'ListInferenceProfiles', '/listTagsForResource': 'ListTagsForResource' };

/** Who asks: the instant, the region the request was signed for, and the account its keys belong to. */
interface Call {
  asOf: Date;
  region: string;
  account: string;
}

/** An AWS JSON service: its X-Amz-Target prefix, content type, operations and page token member. */
interface JsonService {
  name: string;
  targetPrefix: string;
  contentType: string;
  pageToken: string;
  /** Errors carry `x-amzn-query-error` (services that moved from the Query protocol, as CloudWatch). */
  queryCompatible: boolean;
  operations: Record<string, (body: JsonObject, call: Call) => JsonObject>;
}

const UNKNOWN_SERVICE: JsonService = { name: 'AWS', targetPrefix: '', contentType: 'application/x-amz-json-1.1', pageToken: '', queryCompatible: false, operations: {} };
// SigV4's credential scope: Credential=KEY/DATE/REGION/SERVICE/aws4_request.
const CREDENTIAL = /Credential=([^/,\s]+)\/\d+\/([a-z0-9-]+)\//;
const ACCOUNT_IN_KEY = /(\d{12})$/;

// Fault answers. LimitExceededException is HTTP 400 with this message (bedrock-billing.md §5);
// InternalFailure (500), ServiceUnavailable (503), ExpiredTokenException and AccessDeniedException
// (400) are the AWS common errors; the DataUnavailableException message is the one Cost Explorer gives before data exists.
const FAULT_ERRORS: Partial<Record<Fault, ServiceError>> = {
  throttle: new ServiceError('LimitExceededException', 'Rate limit exceeded'),
  data_unavailable: new ServiceError(
    'DataUnavailableException',
    'Data is not available. Please try to adjust the time period. If just enabled Cost Explorer, data might not be ingested yet',
  ),
  http_500: new ServiceError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
  http_503: new ServiceError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
  expired_token: new ServiceError('ExpiredTokenException', 'The security token included in the request is expired'),
  access_denied: new ServiceError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/emulator is not authorized to perform this action'),
};

/** STS names its common errors its own way. */
const STS_FAULT_ERRORS: Partial<Record<Fault, ServiceError>> = {
  throttle: new ServiceError('Throttling', 'Rate exceeded'),
  expired_token: new ServiceError('ExpiredToken', 'The security token included in the request is expired'),
  access_denied: new ServiceError('AccessDenied', 'User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole', 403),
  http_500: new ServiceError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
  http_503: new ServiceError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
};

interface Answer {
  status: number;
  body: string;
  errorType?: string;
  queryError?: string;
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

  const minutes = cachedMinutes(dataset);
  const services: JsonService[] = [
    {
      name: 'Cost Explorer',
      targetPrefix: 'AWSInsightsIndexService.',
      contentType: 'application/x-amz-json-1.1',
      pageToken: 'NextPageToken',
      queryCompatible: false,
      operations: Object.fromEntries(
        Object.entries(COST_EXPLORER_OPERATIONS).map(([name, operation]) => [
          name,
          (body: JsonObject, call: Call) => operation(body, { dataset, asOf: call.asOf, pageSize, hourly: options.hourly ?? false, cache }),
        ]),
      ),
    },
    {
      name: 'CloudWatch',
      targetPrefix: 'GraniteServiceVersion20100801.',
      contentType: 'application/x-amz-json-1.0',
      pageToken: 'NextToken',
      queryCompatible: true,
      operations: {
        GetMetricData: (body, call) => getMetricData(body, { ...call, monitoring: call.account === options.monitoringAccount, minutes }),
        ListMetrics: (body, call) => listMetrics(body, { ...call, monitoring: call.account === options.monitoringAccount, minutes }),
      },
    },
    {
      name: 'Service Quotas',
      targetPrefix: 'ServiceQuotasV20190624.',
      contentType: 'application/x-amz-json-1.1',
      pageToken: 'NextToken',
      queryCompatible: false,
      operations: { ListServiceQuotas: listServiceQuotas },
    },
    {
      name: 'AWS Price List',
      targetPrefix: 'AWSPriceListService.',
      contentType: 'application/x-amz-json-1.1',
      pageToken: 'NextToken',
      queryCompatible: false,
      operations: { GetProducts: getProducts },
    },
  ];

  /** The account a request's keys belong to: one of the data set's accounts named at the key's end, else the first. */
  const accountOf = (accessKeyId: string): string => {
    const named = ACCOUNT_IN_KEY.exec(accessKeyId)?.[1];
    return dataset.accounts.find((account) => account.id === named)?.id ?? dataset.accounts[0]?.id ?? '000000000000';
  };

  const nextRequestId = (): string => `00000000-0000-4000-8000-${(++requestNumber).toString(16).padStart(12, '0')}`;

  const stats = (): EmulatorStats => ({ requests: { ...requests }, faults: { ...faults }, signedBy: { ...signedBy }, total });

  function send(res: ServerResponse, service: JsonService, answer: Answer): void {
    res.writeHead(answer.status, {
      'Content-Type': service.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
      'x-amzn-RequestId': nextRequestId(),
      ...(answer.errorType ? { 'x-amzn-ErrorType': answer.errorType } : {}),
      ...(answer.errorType && service.queryCompatible ? { 'x-amzn-query-error': `${answer.errorType};${answer.status >= 500 ? 'Receiver' : 'Sender'}` } : {}),
    });
    res.end(answer.body);
  }

  function answerFor(service: JsonService, operation: string, body: JsonObject, call: Call): Answer {
    try {
      return { status: 200, body: JSON.stringify(service.operations[operation]!(body, call)) };
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
    const service = services.find(({ targetPrefix }) => typeof target === 'string' && target.startsWith(targetPrefix));
    const rest = BEDROCK_OPERATIONS[path];
    // The Query protocol (STS): a form-encoded POST whose Action names the operation.
    const queryProtocol = target === undefined && rest === undefined && req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
    const form = queryProtocol ? new URLSearchParams((await readBody(req)).toString('utf8')) : undefined;
    const operation = rest ?? form?.get('Action') ?? (service && typeof target === 'string' ? target.slice(service.targetPrefix.length) : '(unknown)');
    total++;
    requests[operation] = (requests[operation] ?? 0) + 1;
    const credential = CREDENTIAL.exec(req.headers.authorization ?? '');
    const signer = credential?.[1] ?? '(unsigned)';
    signedBy[signer] = (signedBy[signer] ?? 0) + 1;
    const caller = { asOf: clock(), region: credential?.[2] ?? 'us-east-1', account: accountOf(signer) };
    if (form !== undefined) {
      sts(res, form, operation, caller);
      return;
    }
    const raw = await readBody(req);
    if (rest !== undefined) {
      bedrock(req, res, raw, rest, caller);
      return;
    }
    const problem = protocolProblem(req, service, operation, services);
    if (problem) {
      send(res, service ?? UNKNOWN_SERVICE, errorAnswer(problem));
      return;
    }
    const known = service!;
    const body = parseBody(raw);
    const call: Call = caller;
    const fault = injector.pick(operation, pageNumberOf(body[known.pageToken]));
    if (fault) faults[fault.fault] = (faults[fault.fault] ?? 0) + 1;
    logger?.debug({ operation, fault: fault?.fault }, `${known.name} request`);
    const answer = () => answerFor(known, operation, body, call);
    if (fault) sufferFault(fault, res, known, answer);
    else send(res, known, answer());
  }

  /** The error a fault picked for `operation` answers with, where every fault is an error answer (Bedrock, STS). */
  function faultError(operation: string, service: string, presets: Partial<Record<Fault, ServiceError>>): ServiceError | undefined {
    const fault = injector.pick(operation, 1);
    if (!fault) return undefined;
    faults[fault.fault] = (faults[fault.fault] ?? 0) + 1;
    return presets[fault.fault] ?? new ServiceError('InternalFailure', `The emulator answers a ${fault.fault} fault on ${service} with this error.`, 500);
  }

  /** Bedrock's control plane speaks REST JSON: the path names the operation. */
  function bedrock(req: IncomingMessage, res: ServerResponse, raw: Buffer, operation: string, caller: Call): void {
    const reply = (status: number, value: unknown, errorType?: string): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}) });
      res.end(text);
    };
    // Every fault is an error answer here: Bedrock is read once an hour at most, its wire faults matter less.
    const failure = faultError(operation, 'Bedrock', FAULT_ERRORS);
    try {
      if (failure) throw failure;
      const url = new URL(req.url!, 'http://emulator');
      const body = raw.length === 0 ? {} : parseBody(raw);
      reply(200, bedrockAnswer(dataset, { ...caller, method: req.method!, path: url.pathname, query: url.searchParams, body }));
    } catch (error) {
      const failure = asServiceError(error);
      reply(failure.status, { message: failure.message }, failure.type);
    }
  }

  /** STS speaks the Query protocol: XML answers and errors; every fault is an error answer, as on Bedrock. */
  function sts(res: ServerResponse, form: URLSearchParams, operation: string, caller: Call): void {
    const requestId = nextRequestId();
    const reply = (status: number, text: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': requestId });
      res.end(text);
    };
    const failure = faultError(operation, 'STS', STS_FAULT_ERRORS);
    try {
      if (failure) throw failure;
      reply(200, stsAnswer(dataset, form, { ...caller, requestId }));
    } catch (error) {
      const failure = asServiceError(error);
      reply(failure.status, stsError(failure, requestId));
    }
  }

  function sufferFault(fault: FaultRule, res: ServerResponse, service: JsonService, answerFor: () => Answer): void {
    const preset = FAULT_ERRORS[fault.fault];
    if (preset) {
      send(res, service, errorAnswer(preset));
      return;
    }
    switch (fault.fault) {
      case 'hang':
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      case 'slow': {
        const timer = setTimeout(() => send(res, service, answerFor()), slowDelayMs(fault));
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'truncated': {
        const answer = answerFor();
        res.writeHead(answer.status, { 'Content-Type': service.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
        res.write(answer.body.slice(0, Math.floor(answer.body.length / 2)), () => res.destroy());
        return;
      }
      default: {
        // malformed: a 200 whose body is not JSON.
        const answer = answerFor();
        send(res, service, { status: 200, body: `${answer.body.slice(0, Math.floor(answer.body.length / 2))}<<not json` });
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
    handle(req, res).catch((error: unknown) => send(res, UNKNOWN_SERVICE, errorAnswer(asServiceError(error))));
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
function protocolProblem(req: IncomingMessage, service: JsonService | undefined, operation: string, services: readonly JsonService[]): ServiceError | undefined {
  const unknown = (message: string) => new ServiceError('UnknownOperationException', message, 404);
  if (req.method !== 'POST') return unknown(`${req.method} is not supported; the emulator's AWS APIs take POST /.`);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const expected = service?.contentType ?? UNKNOWN_SERVICE.contentType;
  if (contentType !== expected) return unknown(`Content-Type must be ${expected}, got ${JSON.stringify(contentType)}.`);
  if (service === undefined || !(operation in service.operations)) {
    const served = services.flatMap(({ targetPrefix, operations }) => Object.keys(operations).map((op) => targetPrefix + op)).join(', ');
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
