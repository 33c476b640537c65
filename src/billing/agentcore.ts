// AgentCore grammar ('Amazon Bedrock AgentCore'): '<RC>-<Component>:Consumption-based:<Metric>'.
import { snakeCase } from './units.js';
import type { Parsed } from './usage-type.js';

const SHAPE = /^[^:]*:Consumption-based:(.*)$/i;
// Metrics that name a resource rather than its unit; the rest come from Cost Explorer or the metric name.
const METRIC_UNITS: ReadonlyMap<string, string> = new Map([
  ['vcpu', 'vcpu_hours'],
  ['memory', 'gb_hours'],
]);

/** AgentCore by its shape, or anything billed under the AgentCore service. */
export function isAgentCore(service: string, afterCode: string): boolean {
  return SHAPE.test(afterCode) || service.trim().toLowerCase() === 'amazon bedrock agentcore';
}

export function classifyAgentCore(afterCode: string): Parsed {
  const metric = SHAPE.exec(afterCode)?.[1] ?? '';
  return { kind: 'agentcore', unit: METRIC_UNITS.get(metric.toLowerCase()) ?? '', fallbackUnit: snakeCase(metric) };
}
