// Fault injection: which request gets which failure. Dice come from a seeded generator so runs repeat.
import { ExporterError } from '../errors.js';
import { seededRandom } from './random.js';

export const FAULTS = ['throttle', 'data_unavailable', 'http_500', 'http_503', 'slow', 'hang', 'truncated', 'malformed', 'expired_token', 'access_denied'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultRule {
  fault: Fault;
  operation?: string;
  /** Only on the Nth page (1-based) of a paginated answer. */
  page?: number;
  /** Default 1. */
  probability?: number;
  /** Fires this many times then stops; default unlimited. */
  count?: number;
  /** For slow. */
  delayMs?: number;
}

export interface FaultPlan {
  add(rule: FaultRule): void;
  clear(): void;
}

export class FaultRuleError extends ExporterError {
  constructor(message: string) {
    super('BUE_ERR_EMULATOR_FAULT', message);
  }
}

const DEFAULT_SLOW_MS = 2000;

export class FaultInjector implements FaultPlan {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];
  private readonly random: () => number;

  constructor(rules: readonly FaultRule[] = [], seed = 1) {
    this.random = seededRandom(seed);
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): void {
    const checked = checkRule(rule);
    this.rules.push({ rule: checked, remaining: checked.count ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  replace(rules: readonly FaultRule[]): void {
    const checked = rules.map(checkRule);
    this.clear();
    for (const rule of checked) this.add(rule);
  }

  /** The fault this request suffers, if any; counts it against the rule. */
  pick(operation: string, page: number): FaultRule | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.remaining === 0) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.page !== undefined && rule.page !== page) continue;
      const probability = rule.probability ?? 1;
      if (probability < 1 && this.random() >= probability) continue;
      entry.remaining--;
      return rule;
    }
    return undefined;
  }
}

export function slowDelayMs(rule: FaultRule): number {
  return rule.delayMs ?? DEFAULT_SLOW_MS;
}

/** Checks a rule that may come from JSON or a command line. */
export function checkRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultRuleError('a fault rule must be an object');
  const rule = value as Record<string, unknown>;
  const known = new Set(['fault', 'operation', 'page', 'probability', 'count', 'delayMs']);
  const extra = Object.keys(rule).find((key) => !known.has(key));
  if (extra !== undefined) throw new FaultRuleError(`unknown fault rule key "${extra}"`);
  if (!FAULTS.includes(rule.fault as Fault)) throw new FaultRuleError(`fault must be one of ${FAULTS.join(', ')}; got ${JSON.stringify(rule.fault)}`);
  if (rule.operation !== undefined && typeof rule.operation !== 'string') throw new FaultRuleError('operation must be a string');
  checkNumber(rule.page, 'page', (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
  checkNumber(rule.probability, 'probability', (n) => n >= 0 && n <= 1, 'between 0 and 1');
  checkNumber(rule.count, 'count', (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
  checkNumber(rule.delayMs, 'delayMs', (n) => n >= 0, 'a number of milliseconds >= 0');
  return { ...(rule as unknown as FaultRule) };
}

/** Parses `fault[:probability[:delayMs]]`, e.g. `throttle:0.2`, `http_503`, `slow:0.5:2000`. */
export function parseFaultSpec(spec: string): FaultRule {
  const [fault, probability, delayMs, extra] = spec.split(':');
  if (extra !== undefined) throw new FaultRuleError(`fault "${spec}" has too many parts; use fault[:probability[:delayMs]]`);
  const rule: Record<string, unknown> = { fault };
  if (probability !== undefined && probability !== '') rule.probability = toNumber(probability, spec);
  if (delayMs !== undefined && delayMs !== '') rule.delayMs = toNumber(delayMs, spec);
  return checkRule(rule);
}

function toNumber(text: string, spec: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new FaultRuleError(`fault "${spec}": ${JSON.stringify(text)} is not a number`);
  return value;
}

function checkNumber(value: unknown, name: string, ok: (n: number) => boolean, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !ok(value)) throw new FaultRuleError(`${name} must be ${what}; got ${JSON.stringify(value)}`);
}
