import t from 'tap';
import { stableJson } from '../../dashboards/json.js';
import { INTERVALS, metricNames, sum, withVariablesReplaced } from '../../dashboards/promql.js';

t.test('metricNames: series names only, not functions, labels, keywords, numbers or variables', async (t) => {
  t.same(metricNames('up'), ['up']);
  t.same(
    metricNames('sort_desc(topk(10, sum by (model) (bedrock_cost_usd_month_to_date{kind="tokens", model=~"$model"})))'),
    ['bedrock_cost_usd_month_to_date'],
  );
  t.same(metricNames('sum(a{x="b c"}) / (sum without (instance, job) (b) > 0) * 1e6'), ['a', 'b']);
  t.same(metricNames('rate(process_cpu_seconds_total{job=~"$job"}[$__rate_interval])'), ['process_cpu_seconds_total']);
  t.same(metricNames('org:x:sum / on() group_left() bedrock:budget_usd:monthly'), ['bedrock:budget_usd:monthly', 'org:x:sum']);
  t.same(metricNames('a offset 12h and on(job, instance) (b == 1) or c >= bool 129600 unless d'), ['a', 'b', 'c', 'd']);
  t.same(metricNames('sum(increase(x[7d])) * 30 / 7 or vector(0)'), ['x']);
  t.same(metricNames("label_replace(m, 'dst', '$1', 'src', 'not_a_metric')"), ['m']);
  t.same(metricNames('sum(a) by (model) + ignoring(z) group_right (w) b'), ['a', 'b']);
  t.same(metricNames('max(x{a="}"}) + Inf - NaN + ${var} + 0x1F'), ['x']);
  t.same(metricNames('b + a + b'), ['a', 'b'], 'each name once, sorted');
});

t.test('withVariablesReplaced: "All" for label variables, durations for interval variables', async (t) => {
  t.equal(withVariablesReplaced('x{a=~"$account", b=~"${model}"}'), 'x{a=~".*", b=~".*"}');
  t.equal(withVariablesReplaced('increase(x[$__range]) + rate(y[$__rate_interval]) + z[${__interval}]'), `increase(x[${INTERVALS['__range']}]) + rate(y[${INTERVALS['__rate_interval']}]) + z[${INTERVALS['__interval']}]`);
  t.equal(withVariablesReplaced('sum(up)'), 'sum(up)');
});

t.test('sum: with and without grouping', async (t) => {
  t.equal(sum('x'), 'sum(x)');
  t.equal(sum('x', 'a, b'), 'sum by (a, b) (x)');
});

t.test('stableJson: keys sorted at every level, arrays kept in order, 2-space indent, final newline', async (t) => {
  const text = stableJson({ b: 1, a: { d: [3, { z: 1, y: null }], c: 'x' } });
  t.equal(text, '{\n  "a": {\n    "c": "x",\n    "d": [\n      3,\n      {\n        "y": null,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  t.equal(stableJson({ a: 1, b: 2 }), stableJson({ b: 2, a: 1 }), 'insertion order does not matter');
});
