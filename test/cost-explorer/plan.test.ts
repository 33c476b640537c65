import t from 'tap';
import { describePlan, planQueries } from '../../src/cost-explorer/plan.js';

const services = ['Amazon Bedrock', 'Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'Amazon Bedrock Service', 'Amazon Bedrock'];

t.test('with accounts: one query per service, so each row knows its SERVICE', async (t) => {
  const plan = planQueries(services, true);
  t.same(plan.map((q) => q.services), [['Amazon Bedrock'], ['Amazon Bedrock Service'], ['Claude Sonnet 4.6 (Amazon Bedrock Edition)']]);
  t.ok(plan.every((q) => q.groupBy.join() === 'LINKED_ACCOUNT,USAGE_TYPE'));
  t.equal(new Set(plan.map((q) => q.key)).size, 3, 'distinct ledger keys');
  t.match(describePlan(plan), /^Amazon Bedrock by LINKED_ACCOUNT\+USAGE_TYPE; /);
});

t.test('without accounts: a single query grouped by service and usage type', async (t) => {
  const [only, ...none] = planQueries(services, false);
  t.same(none, []);
  t.same(only?.groupBy, ['SERVICE', 'USAGE_TYPE']);
  t.equal(only?.services.length, 3);
  t.not(only?.key, planQueries(services.slice(0, 2), false)[0]?.key, 'another service set is another ledger key');
  t.equal(describePlan([only!]), '3 services by SERVICE+USAGE_TYPE');
});

t.test('no services, no queries', async (t) => {
  t.same(planQueries([], true), []);
  t.same(planQueries([], false), []);
});
