// The Bedrock usage exporter's monitoring mixin: the shipped rule files (prometheus/rules) and
// dashboards (grafana/dashboards), the one source, copied here by `npm run copies`, with the selector of
// _config put in place of the default they are written with. README "Monitoring mixin" shows the use.
local copies = {
  rules: import 'copies/rules.json',
  dashboards: import 'copies/dashboards.libsonnet',
};

// What the rules and dashboards are written with.
local defaultSelector = 'job="bedrock-usage-exporter"';

// Every string in `value` with `from` replaced by `to`.
local replaceAll(value, from, to) =
  if std.isString(value) then std.strReplace(value, from, to)
  else if std.isArray(value) then [replaceAll(item, from, to) for item in value]
  else if std.isObject(value) then { [field]: replaceAll(value[field], from, to) for field in std.objectFields(value) }
  else value;

{
  _config+:: {
    // The matchers that select the exporter's scrape job, used by every rule, alert and dashboard
    // query of its series: for example 'job="bedrock"', or 'job="bedrock-usage-exporter", namespace="monitoring"'.
    exporterSelector: defaultSelector,
  },

  local withSelector(value) =
    local selector = $._config.exporterSelector;
    local escaped(text) = std.strReplace(text, '"', '\\"');
    // In PromQL, and escaped in the queries of alert annotations (Go template strings).
    if selector == defaultSelector then value
    else replaceAll(replaceAll(value, defaultSelector, selector), escaped(defaultSelector), escaped(selector)),

  local groupsWith(kind) = [
    withSelector(group)
    for group in copies.rules.groups
    if std.length([rule for rule in group.rules if std.objectHas(rule, kind)]) > 0
  ],

  prometheusAlerts+:: { groups+: groupsWith('alert') },
  prometheusRules+:: { groups+: groupsWith('record') },
  grafanaDashboards+:: { [name]: withSelector(copies.dashboards[name]) for name in std.objectFields(copies.dashboards) },
}
