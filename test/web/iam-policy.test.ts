import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// deploy/iam-policy.json grants exactly the Cost Explorer calls the exporter makes, and nothing else.

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

const policy = JSON.parse(readFileSync(join(root, 'deploy/iam-policy.json'), 'utf8')) as { Version: string; Statement: Statement[] };

t.test('the policy parses and allows only the four read actions, on "*"', async (t) => {
  t.equal(policy.Version, '2012-10-17');
  const actions = policy.Statement.flatMap((statement) => statement.Action);
  t.same([...actions].sort(), ['ce:GetCostAndUsage', 'ce:GetCostCategories', 'ce:GetDimensionValues', 'ce:GetTags']);
  for (const statement of policy.Statement) {
    t.equal(statement.Effect, 'Allow');
    t.equal(statement.Resource, '*', 'Cost Explorer has no resource-level permissions');
    t.notOk(JSON.stringify(statement.Action).includes('*'), 'no wildcard actions');
  }
});

t.test('every Cost Explorer command the exporter sends is in the policy, and no more', async (t) => {
  // The emulator plays Cost Explorer in tests; it sends nothing to AWS.
  const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .map((file) => join(root, 'src', file))
    .filter((file) => file.endsWith('.ts') && !relative(join(root, 'src'), file).startsWith('emulator'));
  const sent = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@aws-sdk/client-cost-explorer')) continue;
    for (const [, name] of text.matchAll(/new (\w+)Command\(/g)) sent.add(`ce:${name}`);
  }
  t.ok(sent.size > 0, 'found the commands');
  t.same([...sent].sort(), policy.Statement.flatMap((statement) => statement.Action).sort());
});
