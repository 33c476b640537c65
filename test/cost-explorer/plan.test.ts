import t from 'tap';
import { describePlan, planGroupedQueries, planQueries } from '../../src/cost-explorer/plan.js';

const services = ['Amazon Bedrock', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'Amazon Bedrock Service', 'Amazon Bedrock'];

t.test('with accounts: one query per service, so each row knows its SERVICE', async (t) => {
  const plan = planQueries(services, true);
  t.same(plan.map((q) => q.services), [['Amazon Bedrock'], ['Amazon Bedrock Service'], ['Claude Sonnet 4.6 (Amazon Bedrock Edition)']]);
  t.ok(plan.every((q) => q.groupBy.type === 'DIMENSION' && q.groupBy.key === 'LINKED_ACCOUNT'));
  t.equal(new Set(plan.map((q) => q.key)).size, 3, 'distinct ledger keys');
  t.match(describePlan(plan), /^Amazon Bedrock by LINKED_ACCOUNT\+USAGE_TYPE; /);
});

t.test('without accounts: a single query grouped by service and usage type', async (t) => {
  const [only, ...none] = planQueries(services, false);
  t.same(none, []);
  t.same(only?.groupBy, { type: 'DIMENSION', key: 'SERVICE' });
  t.equal(only?.services.length, 3);
  t.not(only?.key, planQueries(services.slice(0, 2), false)[0]?.key, 'another service set is another ledger key');
  t.equal(describePlan([only!]), '3 services by SERVICE+USAGE_TYPE');
});

t.test('by a tag or cost category: one query per service, each key its own ledger rows', async (t) => {
  const byTeam = planGroupedQueries(services, { type: 'TAG', key: 'team' });
  t.same(byTeam.map((q) => q.services), [['Amazon Bedrock'], ['Amazon Bedrock Service'], ['Claude Sonnet 4.6 (Amazon Bedrock Edition)']]);
  const byUnit = planGroupedQueries(services, { type: 'COST_CATEGORY', key: 'team' });
  const keys = [...planQueries(services, true), ...byTeam, ...byUnit].map((q) => q.key);
  t.equal(new Set(keys).size, keys.length, 'a tag, a cost category of the same name and the base queries never share ledger rows');
  t.equal(describePlan(byTeam.slice(0, 1)), 'Amazon Bedrock by tag "team"+USAGE_TYPE');
  t.equal(describePlan(byUnit.slice(0, 1)), 'Amazon Bedrock by cost category "team"+USAGE_TYPE');
});

t.test('no services, no queries', async (t) => {
  t.same(planQueries([], true), []);
  t.same(planQueries([], false), []);
  t.same(planGroupedQueries([], { type: 'TAG', key: 'team' }), []);
});
