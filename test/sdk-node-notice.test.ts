import t from 'tap';
import { sdkNodeNotice } from '../src/commands/sdk-node-notice.js';

t.test('on Node 20 the SDK is silenced and one line says why to upgrade', async (t) => {
  const env: NodeJS.ProcessEnv = {};
  t.match(sdkNodeNotice(env, 'v20.20.2'), /^AWS SDK releases after the first week of January 2027 need Node\.js 22 or later and this is v20\.20\.2: /);
  t.equal(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, 'true', 'the SDK prints nothing of its own');
  t.equal(sdkNodeNotice(env, 'v20.20.2'), undefined, 'said once per process');
});

t.test('on Node 22 or later there is nothing to say', async (t) => {
  t.equal(sdkNodeNotice({}, 'v22.20.0'), undefined);
  t.equal(sdkNodeNotice({}, 'v24.1.0'), undefined);
});

t.test('an operator who turned the notice off hears nothing from us either', async (t) => {
  t.equal(sdkNodeNotice({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, 'v20.0.0'), undefined);
});
