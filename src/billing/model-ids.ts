import { parseModel, PROFILE_GEOGRAPHIES } from './models.js';

// What CloudWatch's `ModelId` dimension (and Bedrock's modelId parameter) names, read into the labels
// the bill gives the same usage: the model slug and provider of the usage-type parser, the route
// (a `global.` profile is billed as global, a geography's as regional) and the service tier.

export type Route = 'regional' | 'global';
/** Which of a model's token quotas a call counts against: in one region, a geography's profile, or global. */
export type QuotaScope = 'on_demand' | 'cross_region' | 'global';

export interface InvokedModel {
  kind: 'model';
  model: string;
  provider: string;
  route: Route;
  tier: string;
  quota: QuotaScope;
}

/** An application inference profile: its model and tags come from Bedrock (GetInferenceProfile). */
export interface ApplicationProfile {
  kind: 'application_profile';
  /** As CloudWatch gives it: the profile's ARN or its bare id. */
  id: string;
  tier: string;
}

/** A provisioned, custom or imported model: the id names no model. */
export interface OtherResource {
  kind: 'other';
  id: string;
  tier: string;
}

export type ModelIdParse = InvokedModel | ApplicationProfile | OtherResource;

// 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6' (any partition).
const ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/;
// Service tiers are a suffix: 'anthropic.claude-sonnet-4-6+priority', '...+flex'.
const TIER_SUFFIX = /\+([a-z_-]+)$/i;
// An application inference profile's id: twelve lowercase letters and digits, no provider prefix.
const PROFILE_ID = /^[a-z0-9]{12}$/;

/** One `ModelId` value read; never throws. */
export function parseModelId(modelId: string): ModelIdParse {
  const suffix = TIER_SUFFIX.exec(modelId);
  const tier = suffix ? suffix[1]!.toLowerCase().replaceAll('-', '_') : 'standard';
  const id = suffix ? modelId.slice(0, suffix.index) : modelId;
  const arn = ARN.exec(id);
  if (arn !== null) {
    const [, , , resource, name] = arn as unknown as [string, string, string, string, string];
    if (resource === 'foundation-model' || resource === 'inference-profile') return invoked(name, tier);
    if (resource === 'application-inference-profile') return { kind: 'application_profile', id, tier };
    return { kind: 'other', id, tier };
  }
  if (PROFILE_ID.test(id)) return { kind: 'application_profile', id, tier };
  return invoked(id, tier);
}

function invoked(id: string, tier: string): InvokedModel {
  const dot = id.indexOf('.');
  const geography = dot > 0 ? id.slice(0, dot) : '';
  const route: Route = geography === 'global' ? 'global' : 'regional';
  const profile = PROFILE_GEOGRAPHIES.has(geography);
  const { slug, provider } = parseModel(profile ? id.slice(dot + 1) : id);
  const quota: QuotaScope = route === 'global' ? 'global' : profile ? 'cross_region' : 'on_demand';
  return { kind: 'model', model: slug, provider, route, tier, quota };
}
