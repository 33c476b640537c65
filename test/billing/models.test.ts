import fc from 'fast-check';
import t, { type Test } from 'tap';
import { modelSlug, parseModel, providerOf } from '../../src/billing/models.js';

/** Asserts that every spelling gives `slug`. */
function sameModel(t: Test, slug: string, spellings: readonly string[]): void {
  for (const spelling of spellings) t.equal(modelSlug(spelling), slug, spelling);
}

t.test('the contract example: one slug in every grammar and billing path', async (t) => {
  sameModel(t, 'claude-sonnet-4.6', [
    'Claude4.6Sonnet',
    'Claude Sonnet 4.6 (Amazon Bedrock Edition)',
    'Claude Sonnet 4.6',
    'anthropic.claude-sonnet-4-6',
    'us.anthropic.claude-sonnet-4-6',
    'global.anthropic.claude-sonnet-4-6',
  ]);
});

t.test('Claude is claude-<variant>-<version>', async (t) => {
  sameModel(t, 'claude-haiku-3.5', ['Claude3-5Haiku', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku']);
  sameModel(t, 'claude-haiku-3', [
    'Claude3Haiku',
    'anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0:200k',
    'Claude 3 Haiku',
  ]);
  sameModel(t, 'claude-sonnet-3.5', ['anthropic.claude-3-5-sonnet', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'Claude3-5Sonnet']);
  sameModel(t, 'claude-opus-4.8', ['anthropic.claude-opus-4-8', 'Claude4.8Opus', 'Claude Opus 4.8']);
  sameModel(t, 'claude-opus-5', ['anthropic.claude-opus-5', 'Claude5Opus', 'Claude Opus 5']);
  sameModel(t, 'claude-opus-4.7', ['Claude Opus 4.7', 'Claude Opus 4.7 (Amazon Bedrock Edition)', 'anthropic.claude-opus-4-7']);
  sameModel(t, 'claude-sonnet-4', ['Claude4Sonnet', 'anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4']);
  sameModel(t, 'claude-haiku-5.5', ['anthropic.claude-haiku-5-5', 'Claude5.5Haiku']);
});

t.test('Claude version X.0 is X; v2 and v2:1 are versions 2 and 2.1', async (t) => {
  sameModel(t, 'claude-2', ['Claude2.0', 'ClaudeV2', 'anthropic.claude-v2', 'Claude 2', 'Claude v2']);
  sameModel(t, 'claude-2.1', ['Claude2.1', 'anthropic.claude-v2:1', 'Claude 2.1']);
  sameModel(t, 'claude-instant', ['ClaudeInstant', 'anthropic.claude-instant-v1', 'Claude Instant']);
});

t.test('a Claude revision after the version is part of the model', async (t) => {
  sameModel(t, 'claude-sonnet-3.5-v2', [
    'anthropic.claude-3-5-sonnet-20241022-v2:0',
    'anthropic.claude-3-5-sonnet-v2:0',
    'Claude 3.5 Sonnet v2',
    'Claude3-5SonnetV2',
  ]);
  t.not(modelSlug('Claude 3.5 Sonnet v2'), modelSlug('Claude 3.5 Sonnet'));
  t.equal(modelSlug('Claude 3.5 Sonnet v2.1'), 'claude-sonnet-3.5-v2.1');
  t.equal(modelSlug('anthropic.claude-3-5-sonnet-20240620-1'), 'claude-sonnet-3.5', 'digits after a release date are no version');
});

t.test('runtime CamelCase and mantle ids agree', async (t) => {
  sameModel(t, 'nova-2-lite', ['Nova2.0Lite', 'amazon.nova-2-lite', 'amazon.nova-2-lite-v1:0', 'Amazon Nova 2 Lite']);
  sameModel(t, 'nova-pro', ['NovaPro', 'amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0:300k', 'Amazon Nova Pro']);
  sameModel(t, 'titan-text-g1-express', ['TitanTextG1-Express']);
  sameModel(t, 'qwen3-32b', ['Qwen3-32B', 'qwen.qwen3-32b', 'qwen.qwen3-32b-v1:0']);
  sameModel(t, 'llama3.1-405b', ['Llama3-1-405B', 'meta.llama3-1-405b']);
  sameModel(t, 'mistral-large-3-675b', ['Mistral-Large-3-675b-Instruct', 'mistral.mistral-large-3-675b-instruct']);
  sameModel(t, 'gpt-oss-120b', ['gpt-oss-120b', 'openai.gpt-oss-120b']);
  sameModel(t, 'qwen3-vl-235b-a22b', ['Qwen3-VL-235B-A22B', 'qwen.qwen3-vl-235b-a22b']);
  sameModel(t, 'deepseek-v3.2', ['deepseek.v3.2', 'DeepSeek-V3.2']);
  sameModel(t, 'deepseek-r1', ['deepseek.r1', 'DeepSeek-R1', 'deepseek.r1-v1:0']);
  sameModel(t, 'glm5', ['zai.glm5', 'GLM5']);
  sameModel(t, 'kimi-k2.5', ['moonshotai.kimi-k2-5', 'Kimi-K2.5']);
  sameModel(t, 'command-r-plus', ['cohere.command-r-plus-v1:0', 'Cohere Command R+', 'Command R+']);
  sameModel(t, 'jamba-1.5-large', ['ai21.jamba-1-5-large-v1:0', 'Jamba 1.5 Large', 'AI21 Jamba 1.5 Large']);
  sameModel(t, 'amazon-rerank-v1', ['AmazonRerank-v1', 'amazon.rerank-v1']);
  sameModel(t, 'titan-embedding-v2-text', ['amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text-v2', 'TitanEmbeddingV2-Text']);
  sameModel(t, 'minimax-m2', ['minimax.minimax-m2', 'MiniMax-M2']);
});

t.test('CamelCase splits words and versions between words, keeps versions glued before a dash', async (t) => {
  t.equal(modelSlug('NovaPro'), 'nova-pro');
  t.equal(modelSlug('ClaudeUSE1v1:0USE1 (Amazon Bedrock Edition)'), modelSlug(modelSlug('ClaudeUSE1v1:0USE1 (Amazon Bedrock Edition)')), 'a slug is its own slug, even for odd names (found by fast-check)');
  t.equal(modelSlug('claude.v1:0 (Amazon Bedrock Edition)'), 'claude-1', 'a provider prefix before an id of no family, then settled (found by fast-check)');
  t.equal(modelSlug('Stable Diffusion 3.5 Large v1.0 (Amazon Bedrock Edition)'), 'stable-diffusion-3.5-large', "a listing's default version is no model version");
  t.equal(modelSlug('Cohere Rerank v3.5 (Amazon Bedrock Edition)'), 'cohere-rerank-v3.5', 'a real version stays');
  t.equal(modelSlug('Nova2.0Omni'), 'nova-2-omni');
  t.equal(modelSlug('TitanEmbeddingsG1-Text'), 'titan-embeddings-g1-text');
  t.equal(modelSlug('TitanEmbeddingV2-Text'), 'titan-embedding-v2-text');
  t.equal(modelSlug('TitanImageGeneratorG1'), 'titan-image-generator-g1');
  t.equal(modelSlug('NovaMultiModalEmbeddings'), 'nova-multimodal-embeddings');
  t.equal(modelSlug('Llama4-Maverick-17B'), 'llama4-maverick-17b');
  t.equal(modelSlug('Llama3-2-11B-Vision'), 'llama3.2-11b-vision');
  t.equal(modelSlug('Qwen3-235B-A22B-2507'), 'qwen3-235b-a22b-2507', 'a date is no minor version');
  t.equal(modelSlug('XMLModelPro'), 'xml-model-pro');
});

t.test('bare versions and unknown families keep their provider, so providers never collide', async (t) => {
  t.equal(modelSlug('deepseek.v3.2'), 'deepseek-v3.2');
  t.equal(modelSlug('acme.v3.2'), 'acme-v3.2');
  t.equal(modelSlug('cohere.rerank-v3-5:0'), 'cohere-rerank-v3.5');
  t.equal(modelSlug('Cohere Rerank v3.5'), 'cohere-rerank-v3.5');
  t.equal(modelSlug('luma.ray-v2'), 'luma-ray-v2');
  t.equal(modelSlug('luma.luma-ray-v2'), 'luma-ray-v2');
  t.not(modelSlug('cohere.embed-english-v3'), modelSlug('amazon.embed-english-v3'));
});

t.test('provider comes from the dotted prefix, else from the family', async (t) => {
  t.same(parseModel('zai.glm5'), { slug: 'glm5', provider: 'zai' });
  t.same(parseModel('moonshot.kimi-k2-thinking'), { slug: 'kimi-k2-thinking', provider: 'moonshot' });
  t.same(parseModel('luma.ray-v2'), { slug: 'luma-ray-v2', provider: 'luma' });
  t.same(parseModel('Stable Diffusion 3.5 Large v1.0 (Amazon Bedrock Edition)'), {
    slug: 'stable-diffusion-3.5-large',
    provider: 'stability',
  });
  t.same(parseModel('OSS'), { slug: 'oss', provider: 'unknown' });
});

t.test('providerOf knows the families of the contract', async (t) => {
  const families: Record<string, string> = {
    'claude-sonnet-4.6': 'anthropic',
    'nova-pro': 'amazon',
    'titan-text-g1-express': 'amazon',
    'llama3.1-405b': 'meta',
    'mistral-large-3': 'mistral',
    'mixtral-8x7b': 'mistral',
    'pixtral-large': 'mistral',
    'magistral-small': 'mistral',
    'ministral-8b': 'mistral',
    'voxtral-mini': 'mistral',
    'command-r-plus': 'cohere',
    'cohere-rerank-v3.5': 'cohere',
    'jamba-1.5-large': 'ai21',
    'j2-ultra': 'ai21',
    'stable-diffusion-3.5-large': 'stability',
    'sd3-large': 'stability',
    'stable-image-ultra': 'stability',
    'deepseek-v3.2': 'deepseek',
    'gpt-oss-120b': 'openai',
    'qwen3-32b': 'qwen',
    'gemma-3-27b-it': 'google',
    'palmyra-x5': 'writer',
    'marengo-embed-2.7': 'twelvelabs',
    'pegasus-1.2': 'twelvelabs',
    'grok-4.3': 'xai',
    'kimi-k3': 'moonshotai',
    'glm5': 'zai',
    'nemotron-nano-9b-v2': 'nvidia',
    'minimax-m2': 'minimax',
  };
  for (const [slug, provider] of Object.entries(families)) t.equal(providerOf(slug), provider, slug);
  for (const slug of ['', 'oss', 'novastar-1', 'gptx', 'r1', 'ray-v2']) t.equal(providerOf(slug), 'unknown', slug);
});

t.test('nothing usable gives an empty slug and no provider', async (t) => {
  for (const name of ['', '   ', '...', '-', ' (Amazon Bedrock Edition)', '!!!', '(.)']) {
    t.same(parseModel(name), { slug: '', provider: '' }, JSON.stringify(name));
  }
});

t.test('a slug is its own slug, and slugs are lowercase words with dots only in versions', async (t) => {
  const spellings = fc.oneof(
    fc.constantFrom('Claude4.6Sonnet', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'Nova2.0Lite', 'Llama3-1-405B', 'deepseek.v3.2'),
    fc.constantFrom('Cohere Command R+', 'Qwen3-VL-235B-A22B', 'AmazonRerank-v1', 'ClaudeInstant', 'luma.ray-v2'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.stringMatching(/^[a-z]{2,8}\.[a-z0-9][a-z0-9:.-]{0,12}$/),
  );
  fc.assert(
    fc.property(spellings, (name) => {
      const slug = modelSlug(name);
      const dotsInVersions = !/(?<!\d)\.|\.(?!\d)/.test(slug);
      return /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*)?$/.test(slug) && dotsInVersions && modelSlug(slug) === slug;
    }),
    { numRuns: 3000 },
  );
  t.pass('idempotent and well-formed');
});
