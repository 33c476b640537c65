import { claudeSlug } from './claude.js';

export interface ModelId {
  slug: string;
  provider: string;
}

// Family word at the start of a slug -> Bedrock's provider prefix (so runtime and mantle names agree).
// Provider names are families too: 'amazon-rerank-v1', 'cohere-rerank-v3.5', 'deepseek-v3.2'.
const FAMILIES: ReadonlyArray<readonly [family: string, provider: string]> = [
  ['claude', 'anthropic'],
  ['anthropic', 'anthropic'],
  ['nova', 'amazon'],
  ['titan', 'amazon'],
  ['amazon', 'amazon'],
  ['llama', 'meta'],
  ['meta', 'meta'],
  ['mistral', 'mistral'],
  ['mixtral', 'mistral'],
  ['pixtral', 'mistral'],
  ['magistral', 'mistral'],
  ['ministral', 'mistral'],
  ['voxtral', 'mistral'],
  ['codestral', 'mistral'],
  ['devstral', 'mistral'],
  ['command', 'cohere'],
  ['cohere', 'cohere'],
  ['jamba', 'ai21'],
  ['j2', 'ai21'],
  ['jurassic', 'ai21'],
  ['ai21', 'ai21'],
  ['stable', 'stability'],
  ['sd3', 'stability'],
  ['sdxl', 'stability'],
  ['stability', 'stability'],
  ['deepseek', 'deepseek'],
  ['gpt', 'openai'],
  ['openai', 'openai'],
  ['qwen', 'qwen'],
  ['gemma', 'google'],
  ['google', 'google'],
  ['palmyra', 'writer'],
  ['writer', 'writer'],
  ['marengo', 'twelvelabs'],
  ['pegasus', 'twelvelabs'],
  ['twelvelabs', 'twelvelabs'],
  ['grok', 'xai'],
  ['xai', 'xai'],
  ['kimi', 'moonshotai'],
  ['moonshotai', 'moonshotai'],
  ['glm', 'zai'],
  ['zai', 'zai'],
  ['nemotron', 'nvidia'],
  ['nvidia', 'nvidia'],
  ['minimax', 'minimax'],
];
const PROVIDERS = new Set(FAMILIES.map(([, provider]) => provider));

// Brand names written as two words (CamelCase, a dot, a space) that are one word, as in model ids.
const ONE_WORD_BRANDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/DeepSeek/g, 'Deepseek'],
  [/MiniMax/g, 'Minimax'],
  [/MultiModal/g, 'Multimodal'],
  [/OpenAI/g, 'Openai'],
  [/TwelveLabs/g, 'Twelvelabs'],
  [/\bxAI\b/g, 'Xai'],
  [/\bZ\.ai\b/gi, 'Zai'],
  [/\bMoonshot(?: AI)?\b/g, 'Moonshotai'],
];

const MARKETPLACE_SUFFIX = /\s*\(Amazon Bedrock Edition\)\s*$/i;
// '<provider>.<model-id>' as in Bedrock model ids and mantle usage types ('zai.glm5', 'ai21.jamba-1-5').
const PROVIDER_PREFIX = /^([a-z]+|ai21)\.(?=[a-z0-9])/;
// Cross-region inference profile ids put a geography first: 'us.anthropic.claude-sonnet-4-6'.
export const PROFILE_GEOGRAPHIES: ReadonlySet<string> = new Set(['us', 'eu', 'apac', 'global', 'jp', 'au', 'ca', 'us-gov']);
// Bedrock model id suffixes: a context window variant (':200k'), and a revision (':0') with the
// default '-v1' before it ('nova-pro-v1:0'); other versions are part of the name
// ('titan-embed-text-v2:0', 'nemotron-nano-9b-v2'), and Claude reads its own ('claude-v2:1' is 2.1).
const CONTEXT_WINDOW = /(?::\d+k)+$/i;
const MODEL_ID_REVISION = /(?:-v1)?:\d+$/;
const LISTING_DEFAULT_VERSION = /\s+v1(?:\.0)?$/i;
// Some ids count revisions after a bare release number: 'openai.gpt-oss-120b-1:0' is gpt-oss-120b.
const ID_RELEASE_REVISION = /(?<=[a-z])-1:\d+$/;


/** Provider of a model slug from its family word, or 'unknown'. */
export function providerOf(slug: string): string {
  for (const [family, provider] of FAMILIES) {
    if (startsWithWord(slug, family)) return provider;
  }
  return 'unknown';
}

/** Any spelling of a model (runtime, mantle, Bedrock model id, Marketplace service name) -> stable slug. */
export function modelSlug(name: string): string {
  return parseModel(name).slug;
}

/**
 * Slug and provider of a model name; the provider comes from a '<provider>.' prefix when present, else
 * from the family. Both are '' when nothing usable is left of the name.
 */
export function parseModel(name: string): ModelId {
  const text = name.replace(MARKETPLACE_SUFFIX, '').trim();
  const prefix = /\s/.test(text) ? null : PROVIDER_PREFIX.exec(text);
  if (prefix === null) {
    // A listing's default version ('Stable Diffusion 3.5 Large v1.0') names no other model.
    const slug = settled(slugOf(/\s/.test(text) ? text.replace(LISTING_DEFAULT_VERSION, '') : text));
    return { slug, provider: slug === '' ? '' : providerOf(slug) };
  }
  const provider = prefix[1] as string;
  const id = text.slice(prefix[0].length);
  if (PROFILE_GEOGRAPHIES.has(provider) && PROVIDER_PREFIX.test(id)) return parseModel(id);
  const idSlug = asBilled(slugOf(id.replace(ID_RELEASE_REVISION, ''))); // never empty: the id starts with a letter or digit
  // An id that names no known family ('v3.2', 'r1', 'rerank-v3-5') keeps its provider, so that
  // models of different providers never share a slug.
  const known = providerOf(idSlug) !== 'unknown' || startsWithWord(idSlug, provider);
  return { slug: known ? idSlug : settled(`${provider}-${idSlug}`), provider };
}

/** A slug is its own slug; odd names (a revision glued to other words, 'claude.v1:0') may need a second pass. */
function settled(slug: string): string {
  for (let pass = 0, again = slugOf(slug); again !== slug && pass < 3; pass++, again = slugOf(slug)) slug = again;
  return slug;
}

function slugOf(text: string): string {
  const name = text.replace(CONTEXT_WINDOW, '');
  const slug = withoutProviderWord(wordsOf(name));
  if (/^claude(?![a-z])/.test(slug)) return claudeSlug(slug);
  return oneSpelling(withoutProviderWord(wordsOf(name.replace(MODEL_ID_REVISION, ''))));
}

/**
 * Where a model id and the bill name one model in other words, the bill's: Titan's first generation is
 * '-v1' in ids and 'G1' on the bill, its embeddings 'embed-text' and 'Embeddings G1-Text' (V2: singular);
 * Stable Diffusion is 'sd' in ids; Mistral's first Bedrock release (2402) has no release on the bill;
 * Nova Multimodal Embeddings' id has a generation its name does not.
 */
function asBilled(slug: string): string {
  return slug
    .replace(/^titan-embed-([a-z]+)-v1$/, 'titan-embeddings-g1-$1')
    .replace(/^titan-embed-([a-z]+)-(v\d+)$/, 'titan-embedding-$2-$1')
    .replace(/^titan-text-([a-z]+)-v1$/, 'titan-text-g1-$1')
    .replace(/^(titan-[a-z-]+)-v1$/, '$1-g1')
    .replace(/^sd(?=\d)/, 'stable-diffusion-')
    .replace(/^(mistral-(?:small|large))-2402$/, '$1')
    .replace(/^nova-2-multimodal-embeddings$/, 'nova-multimodal-embeddings');
}

/**
 * Spellings of one model that differ only in form, seen in real bills: model ids add '-instruct' where
 * usage types leave it out ('meta.llama3-1-405b-instruct' = 'Llama3-1-405B', 'qwen3-next-80b-a3b' both
 * ways); Llama, Qwen and GLM glue their version to the family ('zai.glm5' = 'zai.glm-5'); Nova puts its
 * generation first ('nova-2-lite', 'amazon.nova-2-sonic') where a usage type may append it ('NovaSonic2.0');
 * first-generation names carry none, so 'NovaReel1.1' is Nova Reel's own version 1.1.
 */
function oneSpelling(slug: string): string {
  return slug
    .replace(/-instruct$/, '')
    .replace(/^(llama|qwen|glm)-(?=\d)/, '$1')
    .replace(/^nova-([a-z]+)((?:[2-9]|\d{2,})(?:\.\d+)*)(?=-|$)/, 'nova-$2-$1');
}

/** 'Nova2.0Lite' -> 'nova-2-lite', 'Llama3-1-405B' -> 'llama3.1-405b', 'Command R+' -> 'command-r-plus'. */
function wordsOf(text: string): string {
  const words = ONE_WORD_BRANDS.reduce((name, [brand, word]) => name.replace(brand, word), text)
    .replaceAll('+', '-plus')
    .replace(/([a-z])(\d+(?:\.\d+)*)(?=[A-Z][a-z])/g, '$1-$2-') // a version between two words
    .replace(/([a-z])(?=[A-Z])/g, '$1-') // camelCase
    .replace(/([A-Z]+)(?=[A-Z][a-z])/g, '$1-') // ACRONYMWord
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/(?<!\d)\.|\.(?!\d)/g, '-') // dots only in versions
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return dottedVersions(words);
}

/** Runtime 'N-M' between digits is version N.M, and version X.0 is X; repeated until stable. */
function dottedVersions(words: string): string {
  let current = words;
  for (;;) {
    const next = current.replace(/(\d)\.0+(?![\d.])/g, '$1').replace(/(^|[^\d.])(\d{1,2})-(\d{1,2})(?=-|$)/g, '$1$2.$3');
    if (next === current) return current;
    current = next;
  }
}

/** 'amazon-nova-pro' -> 'nova-pro', but 'amazon-rerank-v1' stays (the rest names no family). */
function withoutProviderWord(slug: string): string {
  const dash = slug.indexOf('-');
  if (dash < 0) return slug;
  const first = slug.slice(0, dash);
  const rest = slug.slice(dash + 1);
  return PROVIDERS.has(first) && providerOf(rest) === first ? rest : slug;
}

function startsWithWord(slug: string, word: string): boolean {
  return slug.startsWith(word) && !/[a-z]/.test(slug.charAt(word.length));
}
