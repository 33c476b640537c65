// Real usage types beyond test/fixtures/billing/usage-types.tsv (test/fixtures/billing/real-usage-types.tsv): the
// grammar must read strings it was not written from. Each expected parse there was reviewed by hand.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { classifyUsage } from '../../src/billing/usage-type.js';

const FIELDS = ['model', 'provider', 'region', 'kind', 'direction', 'tier', 'route', 'tokensPerUnit', 'unit'] as const;
const lines = readFileSync(new URL('../fixtures/billing/real-usage-types.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .slice(1)
  .map((line) => line.split('\t'));

t.ok(lines.length >= 250, 'the fixture is read whole');

for (const [service, usageType, ...expected] of lines) {
  t.test(`${service} / ${usageType}`, async (t) => {
    const parsed = classifyUsage(service!, usageType!);
    t.same(FIELDS.map((field) => String(parsed[field])), expected.slice(0, FIELDS.length), `source: ${expected[FIELDS.length]}`);
  });
}

t.test('a model billed under several spellings gets one slug', async (t) => {
  const slug = (service: string, usageType: string) => classifyUsage(service, usageType).model;
  const spellings: Array<[string, string, string[]]> = [
    ['glm5', 'Amazon Bedrock', ['APN1-zai.glm5-input-tokens', 'USW2-zai.glm-5-mantle-input-tokens-standard']],
    ['qwen3-next-80b-a3b', 'Amazon Bedrock', ['USE1-qwen.qwen3-next-80b-a3b-instruct-mantle-input-tokens-flex', 'APS3-qwen.qwen3-next-80b-a3b-mantle-input-tokens-standard']],
    ['llama3.1-405b', 'Amazon Bedrock', ['USE1-Llama3-1-405B-input-tokens', 'USE1-meta.llama3-1-405b-instruct-mantle-input-tokens-standard']],
    ['nova-2-sonic', 'Amazon Bedrock', ['APN1-NovaSonic2.0-speech-output-tokens', 'USE1-Nova2.0Sonic-output-audio-token-count', 'USE1-amazon.nova-2-sonic-mantle-input-tokens-standard']],
    ['mistral-large-3-675b', 'Amazon Bedrock', ['USW2-Mistral-Large-3-675b-Instruct-input-tokens', 'USW2-mistral.mistral-large-3-675b-instruct-mantle-input-tokens-batch']],
  ];
  for (const [expected, service, usageTypes] of spellings) t.same(usageTypes.map((usageType) => slug(service, usageType)), usageTypes.map(() => expected), expected);
  t.equal(slug('Amazon Bedrock', 'USE1-NovaSonic-speech-input-tokens'), 'nova-sonic', 'Nova Sonic (1) stays apart from Nova 2 Sonic');
});
