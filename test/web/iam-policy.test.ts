import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// deploy/iam-policy.json grants exactly the AWS calls the exporter makes, and nothing else.

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

const policy = JSON.parse(readFileSync(join(root, 'deploy/iam-policy.json'), 'utf8')) as { Version: string; Statement: Statement[] };

t.test('the policy parses and allows only read actions, on "*", and assuming the live plane\'s roles', async (t) => {
  t.equal(policy.Version, '2012-10-17');
  const actions = policy.Statement.flatMap((statement) => statement.Action);
  t.same([...actions].sort(), ['bedrock:ListInferenceProfiles', 'bedrock:ListTagsForResource', 'ce:GetCostAndUsage', 'ce:GetCostCategories', 'ce:GetDimensionValues', 'ce:GetTags', 'cloudwatch:GetMetricData', 'pricing:GetProducts', 'servicequotas:ListServiceQuotas', 'sts:AssumeRole']);
  for (const statement of policy.Statement) {
    t.equal(statement.Effect, 'Allow');
    t.notOk(JSON.stringify(statement.Action).includes('*'), 'no wildcard actions');
    if (JSON.stringify(statement.Action).includes('sts:')) t.equal(statement.Resource, 'arn:aws:iam::*:role/bedrock-usage-exporter-live', 'only the roles named for it');
    else t.equal(statement.Resource, '*', 'Cost Explorer, GetMetricData, ListInferenceProfiles, ListServiceQuotas and GetProducts have no resource-level permissions (nor, for simplicity, ListTagsForResource)');
  }
});

// The SDK package of each API the exporter calls, and the IAM prefix of its actions.
const PREFIXES: Record<string, string> = { '@aws-sdk/client-cost-explorer': 'ce', '@aws-sdk/client-cloudwatch': 'cloudwatch', '@aws-sdk/client-bedrock': 'bedrock', '@aws-sdk/client-sts': 'sts', '@aws-sdk/client-service-quotas': 'servicequotas', '@aws-sdk/client-pricing': 'pricing' };

t.test('every AWS command the exporter sends is in the policy, and no more', async (t) => {
  // The emulator plays AWS in tests; it sends nothing to AWS.
  const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .map((file) => join(root, 'src', file))
    .filter((file) => file.endsWith('.ts') && !relative(join(root, 'src'), file).startsWith('emulator'));
  const sent = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    const prefix = Object.entries(PREFIXES).find(([sdk]) => text.includes(sdk))?.[1];
    if (prefix === undefined) continue;
    for (const [, name] of text.matchAll(/new (\w+)Command\(/g)) sent.add(`${prefix}:${name}`);
  }
  t.ok(sent.size > 0, 'found the commands');
  t.same([...sent].sort(), policy.Statement.flatMap((statement) => statement.Action).sort());
});
