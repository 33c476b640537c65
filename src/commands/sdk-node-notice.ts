/** Node majors the AWS SDK for JavaScript supports in its releases from January 2027 on. */
const SDK_NODE_MAJOR = 22;

/**
 * The AWS SDK prints an eight-line notice on Node 20 from its first client on. The news is one fact
 * an operator plans for, so the SDK's notice is turned off and `tell` hears it once as one line in
 * its place; nothing when the operator already turned the notice off.
 */
export function sdkNodeNotice(tell: (line: string) => void, env: NodeJS.ProcessEnv = process.env, version: string = process.version): void {
  if (env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === 'true') return;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (Number(version.slice(1).split('.')[0]) >= SDK_NODE_MAJOR) return;
  tell(`AWS SDK releases after the first week of January 2027 need Node.js ${SDK_NODE_MAJOR} or later and this is ${version}: it works today; upgrade Node to keep receiving the SDK's fixes`);
}
