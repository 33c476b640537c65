import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsError, oneLine } from '../errors.js';
import { classifyAwsError } from './errors.js';
import { clientConfig, type ClientSettings } from './regional.js';
import { countRequests, type AwsApi, type OnRequest } from './requests.js';

// Another account's CloudWatch and Bedrock are read with a role in that account, assumed with the
// exporter's own credentials, and assumed again shortly before its keys expire.

export const STS: AwsApi = {
  api: 'sts',
  title: 'STS',
  operations: ['AssumeRole'],
  iamPrefix: 'sts',
  endpointVariable: 'AWS_ENDPOINT_URL_STS',
  price: () => 0,
};

const SESSION_NAME = 'bedrock-usage-exporter';
/** The role's keys last an hour, the most a chain of roles allows. */
const DURATION_SECONDS = 3600;
/** Keys this close to expiring are renewed first (the SDK's own margin). */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface AssumedRole {
  credentials: AwsCredentialIdentityProvider;
  destroy(): void;
}

/** Keys of `roleArn`, asked of STS in `region` with the exporter's own credentials. */
export function assumeRole(roleArn: string, settings: ClientSettings & { region: string; onRequest: OnRequest }): AssumedRole {
  const sts = new STSClient(clientConfig(settings, settings.region));
  countRequests(sts, STS, settings.onRequest);
  const ask = async (): Promise<AwsCredentialIdentity> => {
    try {
      const { Credentials: keys } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: DURATION_SECONDS }));
      if (!keys?.AccessKeyId || !keys.SecretAccessKey) throw new AwsError('BUE_ERR_AWS_ANSWER', 'STS answered AssumeRole without keys');
      return { accessKeyId: keys.AccessKeyId, secretAccessKey: keys.SecretAccessKey, ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}), ...(keys.Expiration ? { expiration: keys.Expiration } : {}) };
    } catch (error) {
      throw assumeRoleError(roleArn, error);
    }
  };
  // One set of keys for every client of the account (CloudWatch's and Bedrock's, in every region).
  let held: AwsCredentialIdentity | undefined;
  let asking: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (keys: AwsCredentialIdentity): boolean => keys.expiration === undefined || keys.expiration.getTime() - Date.now() > RENEW_BEFORE_MS;
  return {
    credentials: async () => {
      if (held !== undefined && fresh(held)) return held;
      asking ??= ask()
        .then((keys) => (held = keys))
        .finally(() => (asking = undefined));
      return asking;
    },
    destroy: () => sts.destroy(),
  };
}

function assumeRoleError(roleArn: string, error: unknown): AwsError {
  const classified = classifyAwsError(error, STS, 'AssumeRole');
  if (!(classified instanceof AwsError)) return new AwsError('BUE_ERR_AWS_ANSWER', `cannot assume ${roleArn}: ${oneLine(error)}`, { cause: error });
  const why =
    classified.code === 'BUE_ERR_AWS_ACCESS_DENIED'
      ? `AWS denied AssumeRole (${oneLine(error).replace(/^\w+: /, '')}); the identity needs sts:AssumeRole and the role must trust it`
      : classified.message;
  return new AwsError(classified.code, `cannot assume ${roleArn}: ${why}`, { cause: error });
}
