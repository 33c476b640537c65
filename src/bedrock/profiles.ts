import { BedrockClient, ListInferenceProfilesCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { allPages } from '../aws/pages.js';
import { clientConfig, RegionalClients, type ClientSettings } from '../aws/regional.js';
import type { AwsApi, OnRequest } from '../aws/requests.js';
import type { QuotaScope, Route } from '../billing/model-ids.js';

// Application inference profiles name no model in their id: Bedrock's control plane says which
// foundation model each routes to. CloudWatch counts their calls under the profile's ARN, so the live
// plane looks them up, a region's whole list at once, and again when it meets one it does not know;
// with allocation tags configured, also each profile's tags (the team that made it, say).

export const BEDROCK: AwsApi = {
  api: 'bedrock',
  title: 'Bedrock',
  operations: ['ListInferenceProfiles', 'ListTagsForResource'],
  iamPrefix: 'bedrock',
  endpointVariable: 'AWS_ENDPOINT_URL_BEDROCK',
  // Control-plane reads are not billed.
  price: () => 0,
};

export interface ResolvedProfile {
  /** The foundation model's id, as CloudWatch would name a direct call. */
  modelId: string;
  /** Global when the profile routes through a global system profile (a foundation model ARN with no region). */
  route: Route;
  /** The model's token quota its calls count against: global, a geography's (models in several regions), or one region's. */
  quota: QuotaScope;
  /** The profile's values of the configured allocation tags it carries. */
  tags: Readonly<Record<string, string>>;
  /** Why its tags could not be read (then `tags` is empty); the region is listed again after a while. */
  tagsError?: unknown;
}

/** What the live source needs from Bedrock; the real one is BedrockProfiles. */
export interface ProfileDirectory {
  /** A profile by ARN or id in a region, or undefined when Bedrock does not list it. */
  resolve(region: string, profile: string, now: Date, signal?: AbortSignal): Promise<ResolvedProfile | undefined>;
}

export interface BedrockOptions extends ClientSettings {
  maxPages: number;
  onRequest: OnRequest;
  /** How long a region's list serves before a profile it lacks may have it listed again. */
  relistAfterMs: number;
  /** Cost allocation tag keys to read on each profile (ListTagsForResource); none, no request. */
  tagKeys: readonly string[];
}

const FOUNDATION_MODEL = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):\d*:foundation-model\/(.+)$/;

interface Listing {
  atMs: number;
  profiles: Map<string, ResolvedProfile>;
  /** Some tags could not be read: listed again after a while even if every profile is known. */
  tagsFailed: boolean;
}

export class BedrockProfiles implements ProfileDirectory {
  readonly #relistAfterMs: number;
  readonly #maxPages: number;
  readonly #tagKeys: readonly string[];
  readonly #clients: RegionalClients<BedrockClient>;
  readonly #listings = new Map<string, Listing>();

  constructor(options: BedrockOptions) {
    this.#relistAfterMs = options.relistAfterMs;
    this.#maxPages = options.maxPages;
    this.#tagKeys = options.tagKeys;
    this.#clients = new RegionalClients(BEDROCK, (region) => new BedrockClient(clientConfig(options, region)), options.onRequest);
  }

  async resolve(region: string, profile: string, now: Date, signal?: AbortSignal): Promise<ResolvedProfile | undefined> {
    let listing = this.#listings.get(region);
    if (listing === undefined || ((listing.tagsFailed || !listing.profiles.has(profile)) && now.getTime() - listing.atMs >= this.#relistAfterMs)) {
      listing = { atMs: now.getTime(), ...(await this.#list(region, signal)) };
      this.#listings.set(region, listing);
    }
    return listing.profiles.get(profile);
  }

  async #list(region: string, signal?: AbortSignal): Promise<Pick<Listing, 'profiles' | 'tagsFailed'>> {
    const profiles = new Map<string, ResolvedProfile>();
    // A refusal of the tags (a policy without bedrock:ListTagsForResource) costs the tags, not the models.
    let tagsError: unknown;
    const pages = await allPages(
      (token) =>
        this.#clients.send(region, 'ListInferenceProfiles', (client) =>
          client.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: 1000, nextToken: token }), { abortSignal: signal }),
        ),
      (page) => page.nextToken,
      { maxPages: this.#maxPages, tooMany: `more than ${this.#maxPages} pages of ListInferenceProfiles in ${region}`, repeated: 'Bedrock repeated a nextToken' },
    );
    for (const page of pages) {
      for (const summary of page.inferenceProfileSummaries ?? []) {
        const models = (summary.models ?? []).map((model) => FOUNDATION_MODEL.exec(model.modelArn ?? '')).filter((match) => match !== null);
        if (models.length === 0) continue;
        const route: Route = models.some((match) => match[1] === '') ? 'global' : 'regional';
        const quota: QuotaScope = route === 'global' ? 'global' : models.length > 1 ? 'cross_region' : 'on_demand';
        let tags: Record<string, string> = {};
        if (summary.inferenceProfileArn && tagsError === undefined) tags = await this.#tagsOf(region, summary.inferenceProfileArn, signal).catch((error: unknown) => ((tagsError = error), {}));
        const resolved: ResolvedProfile = { modelId: models[0]![2]!, route, quota, tags, ...(tagsError === undefined ? {} : { tagsError }) };
        for (const key of [summary.inferenceProfileArn, summary.inferenceProfileId]) if (key) profiles.set(key, resolved);
      }
    }
    return { profiles, tagsFailed: tagsError !== undefined };
  }

  async #tagsOf(region: string, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    if (this.#tagKeys.length === 0) return {};
    const answer = await this.#clients.send(region, 'ListTagsForResource', (client) => client.send(new ListTagsForResourceCommand({ resourceARN: arn }), { abortSignal: signal }));
    const wanted = new Set(this.#tagKeys);
    return Object.fromEntries((answer.tags ?? []).filter((tag) => tag.key !== undefined && tag.value !== undefined && wanted.has(tag.key)).map((tag) => [tag.key!, tag.value!]));
  }

  destroy(): void {
    this.#clients.destroy();
  }
}
