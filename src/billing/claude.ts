// Claude names come in every order ('Claude3-5Haiku', 'claude-3-5-sonnet-20240620-v1:0',
// 'claude-opus-4-8', 'Claude Sonnet 4.6'); the slug is always claude-<variant words>-<version>[-vN].

/**
 * Rebuilds a Claude slug from an already lower-cased, dash-separated name that starts with 'claude'.
 * A bare `vN` before any version is the version ('ClaudeV2', 'claude-v2:1' = 2.1); after a version or
 * a release date it is the model revision ('3.5 Sonnet v2'), where v1 is the default and dropped.
 * Other digits after a release date are not part of the model.
 */
export function claudeSlug(name: string): string {
  const tokens = [...name.matchAll(/[a-z]+|\d+/g)].map((match) => match[0]).slice(1);
  const words: string[] = [];
  const version: string[] = [];
  const revision: string[] = [];
  let dated = false;
  let inRevision = false;
  for (const token of tokens) {
    if (/^\d{6,}$/.test(token)) dated = true;
    else if (token === 'v') inRevision = version.length > 0 || dated;
    else if (/^[a-z]/.test(token)) {
      words.push(token);
      inRevision = false;
    } else if (inRevision) revision.push(token);
    else if (!dated) version.push(token);
  }
  // Claude Instant had a single Bedrock line (anthropic.claude-instant-v1, runtime 'ClaudeInstant').
  // Versions arrive with X.0 already read as X ('Claude2.0' -> 'claude-2').
  const versionText = words.includes('instant') ? '' : version.join('.');
  const revisionText = revision.join('.');
  return ['claude', ...words, versionText, revisionText === '' || revisionText === '1' ? '' : `v${revisionText}`]
    .filter((part) => part !== '')
    .join('-');
}
