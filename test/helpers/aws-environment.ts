// Credential tests start from an environment with no AWS settings of the developer's, but keep the switch that
// silences the SDK's Node version notice (npm test sets it; the notice would otherwise fill the test output).
const KEEP = new Set(['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']);

export function forgetAwsEnvironment(): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_') && !KEEP.has(name)) delete process.env[name];
}
