import { AwsError } from '../errors.js';
import type { AwsApi } from './requests.js';

// What the AWS SDK throws, sorted into what a person can act on. Anything else passes through: the
// SDK's own name and message say it best (throttling, a 5xx, a validation error).

const CREDENTIALS_REFUSED = new Set(['ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch']);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
}

/** Credentials the service refused: new keys (from the chain, read again) may fix it. */
export function isCredentialsRefused(error: unknown): boolean {
  return CREDENTIALS_REFUSED.has((error as SdkError | undefined)?.name ?? '');
}

const firstLine = (e: SdkError): string => String(e.message).split('\n')[0]!;

/** The error a person reads for what the SDK threw; `operation` is the call to `api`, e.g. GetCostAndUsage. */
export function classifyAwsError(error: unknown, api: AwsApi, operation: string): unknown {
  const e = error as SdkError | undefined;
  if (e === undefined || e === null || typeof e !== 'object') return error;
  if (e.name === 'CredentialsProviderError') {
    return new AwsError('BUE_ERR_AWS_CREDENTIALS', 'no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role', { cause: error });
  }
  if (isCredentialsRefused(error)) {
    return new AwsError('BUE_ERR_AWS_CREDENTIALS', `AWS refused the credentials (${e.name}: ${firstLine(e)}); check AWS_PROFILE or the access keys, and renew a session token`, { cause: error });
  }
  if (ACCESS_DENIED.has(e.name ?? '')) {
    return new AwsError('BUE_ERR_AWS_ACCESS_DENIED', `AWS denied ${operation} (${firstLine(e)}); the identity needs ${api.iamPrefix}:${operation}, see deploy/iam-policy.json`, { cause: error });
  }
  if (UNREACHABLE.has(e.code ?? '') || e.name === 'TimeoutError') {
    return new AwsError('BUE_ERR_AWS_UNREACHABLE', `${api.title} is unreachable (${e.code ?? e.name}: ${firstLine(e)}); check the network or proxy, and ${api.endpointVariable} if set`, { cause: error });
  }
  return error;
}
