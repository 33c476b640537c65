// Bedrock's token quota names read into the scope and the model the bill names, checked against the
// real model ids whose calls count against them: two ways to the same model, neither written here.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseModelId } from '../../src/billing/model-ids.js';
import { parseModel } from '../../src/billing/models.js';
import { parseQuotaName } from '../../src/billing/quota-names.js';

const rows = readFileSync(new URL('../fixtures/quotas/quota-names.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('quota_name\t'))
  .map((line) => line.split('\t') as [string, string]);

t.test('every per-minute token quota names the model and the scope of the calls that count against it', async (t) => {
  t.ok(rows.filter(([, id]) => id !== '-').length >= 14, 'the fixture has its rows');
  for (const [name, modelId] of rows) {
    if (modelId === '-') continue;
    const invoked = parseModelId(modelId);
    t.ok(invoked.kind === 'model', modelId);
    if (invoked.kind !== 'model') continue;
    t.same(parseQuotaName(name), { scope: invoked.quota, model: invoked.model, provider: invoked.provider }, name);
  }
});

t.test('other quotas are not token quotas: requests, daily, input or output only, long-context variants', async (t) => {
  for (const [name, modelId] of rows) if (modelId === '-') t.equal(parseQuotaName(name), undefined, name);
  t.equal(parseQuotaName('On-demand InvokeModel tokens per minute for'), undefined, 'no model');
  t.equal(parseQuotaName('On-demand InvokeModel tokens per minute for (Preview)'), undefined, 'a note only');
});

t.test('notes in brackets and two-word brands are read as in model ids', async (t) => {
  t.same(parseQuotaName('On-demand InvokeModel tokens per minute for Amazon Nova Premier (Preview)'), { scope: 'on_demand', model: 'nova-premier', provider: 'amazon' });
  for (const [display, modelId] of [['Z.ai GLM 4.6', 'zai.glm-4-6'], ['xAI Grok 4', 'xai.grok-4'], ['Moonshot AI Kimi K2 Thinking', 'moonshotai.kimi-k2-thinking'], ['Moonshot Kimi K2 Thinking', 'moonshotai.kimi-k2-thinking']] as const) {
    const invoked = parseModelId(modelId);
    t.same(parseModel(display), { slug: invoked.kind === 'model' ? invoked.model : '', provider: invoked.kind === 'model' ? invoked.provider : '' }, `${display} = ${modelId}`);
  }
});
