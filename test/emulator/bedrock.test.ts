// The emulator's Bedrock control plane with the real SDK (REST JSON), and the exporter's profile
// directory over it: the teams' application inference profiles per region and account, their models
// and tags, consistent with the ModelIds CloudWatch counts.
import { BedrockClient, ListTagsForResourceCommand, paginateListInferenceProfiles, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import t, { type Test } from 'tap';
import { BedrockProfiles } from '../../src/bedrock/profiles.js';
import { parseModelId } from '../../src/billing/model-ids.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { callerOf } from '../../src/emulator/live/callers.js';
import { startEmulator } from '../../src/emulator/server.js';
import { answering } from '../helpers/stand-in.js';

const TODAY = '2026-11-20';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };

async function bedrock(t: Test, region = 'us-east-1') {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => NOW });
  const client = new BedrockClient({ region, endpoint: emulator.url, credentials: CREDENTIALS, maxAttempts: 1 });
  t.teardown(async () => {
    client.destroy();
    await emulator.close();
  });
  return { emulator, client };
}

/** The profiles CloudWatch counts calls of, in a region, for the first account. */
const countedProfiles = (region: string): Map<string, string> => {
  const profiles = new Map<string, string>();
  for (const item of DATASET.itemsOn(TODAY, NOW)) {
    const caller = callerOf(item);
    const id = caller?.dimensions.ModelId?.replace(/\+\w+$/, '');
    if (caller?.region === region && caller.account === DATASET.accounts[0]!.id && id?.includes(':application-inference-profile/')) profiles.set(id, item.truth.model);
  }
  return profiles;
};

t.test('every profile CloudWatch counts is listed, with the model the bill gives its usage', async (t) => {
  const { client } = await bedrock(t);
  const listed = [];
  for await (const page of paginateListInferenceProfiles({ client, pageSize: 5 }, { typeEquals: 'APPLICATION' })) listed.push(...(page.inferenceProfileSummaries ?? []));
  const counted = countedProfiles('us-east-1');
  t.ok(counted.size > 5, `${counted.size} profiles, more than a page`);
  t.same(new Set(listed.map((profile) => profile.inferenceProfileArn)), new Set(counted.keys()));
  for (const profile of listed) {
    t.equal(profile.type, 'APPLICATION');
    t.equal(profile.inferenceProfileArn!.endsWith(`/${profile.inferenceProfileId}`), true);
    const foundation = profile.models![0]!.modelArn!.split('foundation-model/')[1]!;
    t.match(parseModelId(foundation), { model: counted.get(profile.inferenceProfileArn!) }, profile.inferenceProfileName!);
  }
  t.same((await client.send(new ListInferenceProfilesCommand({}))).inferenceProfileSummaries, [], 'the system-defined ones are not emulated');
  await t.rejects(client.send(new ListInferenceProfilesCommand({ typeEquals: 'OTHER' as never })), { name: 'ValidationException' });
});

t.test('a profile has its team tag; an unknown resource is not found', async (t) => {
  const { client } = await bedrock(t);
  const [arn] = countedProfiles('us-east-1').keys();
  const { tags } = await client.send(new ListTagsForResourceCommand({ resourceARN: arn }));
  t.ok(tags!.some((tag) => tag.key === 'team'));
  await t.rejects(client.send(new ListTagsForResourceCommand({ resourceARN: `${arn}x` })), { name: 'ResourceNotFoundException' });
});

t.test("with allocation tags configured, each profile's values of those keys: the team whose calls go through it", async (t) => {
  const { emulator } = await bedrock(t);
  const teams = new Map<string, string>();
  for (const item of DATASET.itemsOn(TODAY, NOW)) {
    const id = callerOf(item)?.dimensions.ModelId?.replace(/\+\w+$/, '');
    if (id?.includes(':application-inference-profile/') && item.region === 'us-east-1' && item.account === DATASET.accounts[0]!.id) teams.set(id, item.tags!.team!);
  }
  const directory = new BedrockProfiles({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 10, onRequest: () => {}, relistAfterMs: 60_000, tagKeys: ['team', 'not-a-tag'], endpoint: emulator.url, credentials: CREDENTIALS });
  t.teardown(() => directory.destroy());
  t.ok(teams.size > 0);
  for (const [arn, team] of teams) t.same((await directory.resolve('us-east-1', arn, NOW))!.tags, { team }, `${arn}: ${team}, and only the keys asked for`);
  t.ok(emulator.stats().requests.ListTagsForResource! >= teams.size, 'one ListTagsForResource per profile listed');
});

t.test('tags without a value, or an answer without tags, give no value', async (t) => {
  const arn = (id: string) => `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/${id}`;
  const models = [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }];
  const answers = [{ inferenceProfileSummaries: [{ inferenceProfileArn: arn('aaaaaaaaaaaa'), models }, { inferenceProfileArn: arn('bbbbbbbbbbbb'), models }] }, { tags: [{ key: 'team' }, { key: 'app', value: 'chat' }] }];
  const endpoint = await answering(t, answers.map((answer) => JSON.stringify(answer)), 'application/json');
  const directory = new BedrockProfiles({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 10, onRequest: () => {}, relistAfterMs: 0, tagKeys: ['team', 'app'], endpoint, credentials: CREDENTIALS });
  t.teardown(() => directory.destroy());
  t.same((await directory.resolve('us-east-1', arn('aaaaaaaaaaaa'), NOW))!.tags, { app: 'chat' });
  t.same((await directory.resolve('us-east-1', arn('bbbbbbbbbbbb'), NOW))!.tags, {});
});

t.test('the directory lists a region once, and again for an unknown profile only after a while', async (t) => {
  const { emulator } = await bedrock(t);
  const directory = new BedrockProfiles({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 10, onRequest: () => {}, relistAfterMs: 60_000, tagKeys: [], endpoint: emulator.url, credentials: CREDENTIALS });
  t.teardown(() => directory.destroy());
  const [arn, model] = [...countedProfiles('us-east-1')][0]!;
  const resolved = await directory.resolve('us-east-1', arn!, NOW);
  t.match(parseModelId(resolved!.modelId), { model });
  t.equal(resolved!.quota, resolved!.route === 'global' ? 'global' : 'on_demand', "one region's model: its on-demand quota; a global profile's: the global one");
  t.equal((await directory.resolve('us-east-1', arn!.slice(arn!.lastIndexOf('/') + 1), NOW))?.modelId, resolved!.modelId, 'by id as by ARN');
  t.equal(await directory.resolve('us-east-1', 'unknown00000', NOW), undefined);
  t.equal(emulator.stats().requests.ListInferenceProfiles, 1, 'one list');
  t.equal(emulator.stats().requests.ListTagsForResource, undefined, 'no tags asked for, none read');
  t.equal(await directory.resolve('us-east-1', 'unknown00000', new Date(NOW.getTime() + 60_000)), undefined);
  t.equal(emulator.stats().requests.ListInferenceProfiles, 2, 'listed again a minute later');
  const global = [...countedProfiles('eu-west-1')].find(([, profileModel]) => profileModel !== undefined);
  if (global) t.ok(await directory.resolve('eu-west-1', global[0], NOW), 'another region, its own list');
  emulator.faults.add({ fault: 'expired_token', operation: 'ListInferenceProfiles', count: 1 });
  await t.rejects(directory.resolve('ap-south-1', 'any000000000', NOW), { message: /expired/i });
});

t.test('wrong methods are unknown operations; wire faults are error answers', async (t) => {
  const { emulator, client } = await bedrock(t);
  const answer = await fetch(`${emulator.url}/listTagsForResource`);
  t.equal(answer.status, 404);
  t.equal(answer.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  emulator.faults.add({ fault: 'truncated', operation: 'ListInferenceProfiles', count: 1 });
  await t.rejects(client.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' })), { name: 'InternalFailure' });
  t.same(emulator.stats().faults, { truncated: 1 });
});

t.test('profiles listed without a foundation model, or without parts, resolve to nothing', async (t) => {
  const answers = [
    {
      inferenceProfileSummaries: [
        { inferenceProfileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa', models: [{ modelArn: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/x' }] },
        { inferenceProfileId: 'bbbbbbbbbbbb', models: [{}] },
        { inferenceProfileId: 'cccccccccccc' },
        { models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }] },
        { inferenceProfileId: 'dddddddddddd', models: ['us-east-1', 'us-east-2', 'us-west-2'].map((region) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/amazon.nova-pro-v1:0` })) },
      ],
    },
  ];
  const endpoint = await answering(t, answers.map((answer) => JSON.stringify(answer)), 'application/json');
  const directory = new BedrockProfiles({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 10, onRequest: () => {}, relistAfterMs: 0, tagKeys: [], endpoint, credentials: CREDENTIALS });
  t.teardown(() => directory.destroy());
  t.same(await directory.resolve('us-east-1', 'dddddddddddd', NOW), { modelId: 'amazon.nova-pro-v1:0', route: 'regional', quota: 'cross_region', tags: {} }, "a profile over a geography's regions counts against the cross-Region quota");
  for (const profile of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']) t.equal(await directory.resolve('us-east-1', profile, NOW), undefined, profile);
});
