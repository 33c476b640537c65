import t from 'tap';
import { sdkNodeNotice } from '../src/commands/sdk-node-notice.js';

const heard = (env: NodeJS.ProcessEnv, version: string): string[] => {
  const lines: string[] = [];
  sdkNodeNotice((line) => lines.push(line), env, version);
  return lines;
};

t.test('on Node 20 the SDK is silenced and one line says why to upgrade', async (t) => {
  const env: NodeJS.ProcessEnv = {};
  const [line, ...more] = heard(env, 'v20.20.2');
  t.match(line, /^AWS SDK releases after the first week of January 2027 need Node\.js 22 or later and this is v20\.20\.2: /);
  t.same(more, []);
  t.equal(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, 'true', 'the SDK prints nothing of its own');
  t.same(heard(env, 'v20.20.2'), [], 'said once per process');
});

t.test('on Node 22 or later there is nothing to say', async (t) => {
  t.same(heard({}, 'v22.20.0'), []);
  t.same(heard({}, 'v24.1.0'), []);
});

t.test('an operator who turned the notice off hears nothing from us either', async (t) => {
  t.same(heard({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, 'v20.0.0'), []);
});
