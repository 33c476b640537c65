// Bedrock's control plane, the part the exporter reads (REST JSON, as the current SDK speaks it): the
// teams' application inference profiles, listed per region and account (ListInferenceProfiles with
// type APPLICATION) with the models they route to, and their tags (ListTagsForResource).
import { addDays, dayOf, type Day } from '../time.js';
import type { Dataset } from './dataset.js';
import { callerOf, MODEL_IDS } from './live/callers.js';
import type { JsonObject } from './request.js';
import { ServiceError } from './service-error.js';

export interface ApplicationProfile {
  arn: string;
  id: string;
  name: string;
  region: string;
  account: string;
  /** The foundation models it routes to: its own region's, or for a global profile also the region-less one. */
  modelArns: string[];
  tags: Record<string, string>;
}

const PAGE_SIZE = 1000;

/** The application profiles the organization's teams call on the runtime (seen on the bill yesterday or today). */
export function applicationProfiles(dataset: Dataset, today: Day, asOf: Date): Map<string, ApplicationProfile> {
  const profiles = new Map<string, ApplicationProfile>();
  for (const day of [addDays(today, -1), today]) {
    for (const item of dataset.itemsOn(day, asOf)) {
      // The profiles the teams call: a tier suffix is how a call asks for a tier, not part of the profile.
      const arn = callerOf(item)?.dimensions.ModelId?.replace(/\+\w+$/, '');
      const team = item.tags?.team;
      const base = MODEL_IDS[item.truth.model];
      if (arn === undefined || !arn.includes(':application-inference-profile/') || profiles.has(arn) || team === undefined || base === undefined) continue;
      const global = item.truth.route === 'global';
      profiles.set(arn, {
        arn,
        id: arn.slice(arn.lastIndexOf('/') + 1),
        name: `${team}-${base.replace(/[^a-z0-9]+/g, '-')}${global ? '-global' : ''}`,
        region: item.region,
        account: item.account,
        modelArns: [`arn:aws:bedrock:${item.region}::foundation-model/${base}`, ...(global ? [`arn:aws:bedrock:::foundation-model/${base}`] : [])],
        tags: Object.fromEntries(Object.entries(item.tags!).filter(([key]) => PROFILE_TAGS.has(key))),
      });
    }
  }
  return profiles;
}

export interface BedrockCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: JsonObject;
  asOf: Date;
  region: string;
  account: string;
}

/** Tags of the profile itself; a cost center is the calling principal's. */
const PROFILE_TAGS = new Set(['team', 'application']);

/** The answer to a Bedrock control-plane request (ListInferenceProfiles or ListTagsForResource). */
export function bedrockAnswer(dataset: Dataset, call: BedrockCall): JsonObject {
  const profiles = () => [...applicationProfiles(dataset, dayOf(call.asOf), call.asOf).values()];
  if (call.method === 'GET' && call.path === '/inference-profiles') {
    const type = call.query.get('type') ?? 'SYSTEM_DEFINED';
    if (type !== 'APPLICATION' && type !== 'SYSTEM_DEFINED') throw new ServiceError('ValidationException', `1 validation error detected: Value '${type}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]`);
    const mine = type === 'APPLICATION' ? profiles().filter((profile) => profile.region === call.region && profile.account === call.account) : [];
    const size = Math.min(Number(call.query.get('maxResults') ?? PAGE_SIZE), PAGE_SIZE);
    const offset = Number(call.query.get('nextToken') ?? 0);
    const page = mine.slice(offset, offset + size);
    return {
      inferenceProfileSummaries: page.map((profile) => ({
        inferenceProfileName: profile.name,
        inferenceProfileArn: profile.arn,
        inferenceProfileId: profile.id,
        models: profile.modelArns.map((modelArn) => ({ modelArn })),
        status: 'ACTIVE',
        type: 'APPLICATION',
      })),
      ...(offset + size < mine.length ? { nextToken: String(offset + size) } : {}),
    };
  }
  if (call.method === 'POST' && call.path === '/listTagsForResource') {
    const arn = String(call.body.resourceARN);
    const profile = profiles().find((candidate) => candidate.arn === arn);
    if (profile === undefined) throw new ServiceError('ResourceNotFoundException', `The resource ${arn} was not found.`, 404);
    return { tags: Object.entries(profile.tags).map(([key, value]) => ({ key, value })) };
  }
  throw new ServiceError('UnknownOperationException', `${call.method} ${call.path} is not an operation of this emulator's Bedrock.`, 404);
}
