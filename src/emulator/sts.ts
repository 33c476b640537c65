// STS, the part the exporter calls to read other accounts: AssumeRole, in the Query protocol the SDK
// speaks for STS (a form-encoded POST, an XML answer). A role in one of the data set's accounts can
// be assumed; the keys it hands out end in that account's id, which is how the emulator knows whose
// CloudWatch and Bedrock a later request reads. They expire by the wall clock.
import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';
import { ServiceError } from './service-error.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsCall {
  asOf: Date;
  /** The account whose keys signed the request. */
  account: string;
  requestId: string;
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The XML answer to a form-encoded STS request, or the ServiceError to answer with. */
export function stsAnswer(dataset: Dataset, form: URLSearchParams, call: StsCall): string {
  const action = form.get('Action');
  if (action !== 'AssumeRole') throw new ServiceError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`);
  const roleArn = form.get('RoleArn') ?? '';
  const session = form.get('RoleSessionName') ?? '';
  const role = ROLE_ARN.exec(roleArn);
  if (role === null) throw new ServiceError('ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a role ARN`);
  if (!SESSION_NAME.test(session)) throw new ServiceError('ValidationError', `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  const [, account = '', name = ''] = role;
  if (!dataset.accounts.some((known) => known.id === account)) {
    throw new ServiceError('AccessDenied', `User: arn:aws:iam::${call.account}:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const seconds = Number(form.get('DurationSeconds') ?? 3600);
  const secret = createHash('sha256').update(`${roleArn}|${session}|${call.asOf.getTime()}`).digest('base64url');
  const roleId = `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
  return [
    `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>`,
    '<Credentials>',
    `<AccessKeyId>ASIAEMUL${account}</AccessKeyId>`,
    `<SecretAccessKey>${secret.slice(0, 40)}</SecretAccessKey>`,
    `<SessionToken>${secret}</SessionToken>`,
    // The SDK holds keys against the wall clock, whatever time the emulator plays.
    `<Expiration>${new Date(Date.now() + seconds * 1000).toISOString()}</Expiration>`,
    '</Credentials>',
    `<AssumedRoleUser><AssumedRoleId>${roleId}:${escapeXml(session)}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(name)}/${escapeXml(session)}</Arn></AssumedRoleUser>`,
    `</AssumeRoleResult><ResponseMetadata><RequestId>${call.requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  ].join('');
}

/** An error as the Query protocol answers it. */
export function stsError(error: ServiceError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${error.type}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
