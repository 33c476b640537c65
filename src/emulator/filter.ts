// Cost Explorer filter expressions (Dimensions, Tags, CostCategories, And, Or, Not) compiled to a
// predicate over line items.
import type { LineItem } from './dataset.js';
import { checkDimension, dimensionValue, labelValue } from './dimensions.js';
import { listAt, objectAt, required, requiredString, stringAt } from './request.js';
import { validationError } from './service-error.js';

export type Predicate = (item: LineItem) => boolean;

const OPERATORS = ['And', 'Or', 'Not', 'Dimensions', 'Tags', 'CostCategories'] as const;
const MATCH_OPTIONS = ['EQUALS', 'ABSENT', 'CASE_SENSITIVE', 'CASE_INSENSITIVE'];

export function compileFilter(value: unknown, path = 'filter'): Predicate {
  const expression = objectAt(value, path);
  const present = OPERATORS.filter((operator) => expression[operator] !== undefined && expression[operator] !== null);
  if (present.length !== 1) {
    throw validationError(`Expression must specify exactly one of ${OPERATORS.join(', ')}; it has ${present.length}.`);
  }
  const operator = present[0]!;
  const operand = expression[operator];
  switch (operator) {
    case 'And':
    case 'Or': {
      const list = listAt(operand, `${path}.${lower(operator)}`);
      // Wording as the service answers it (aws-samples/aws-cost-explorer-report#27).
      if (list.length < 2) throw validationError(`${operator} expression must have at least 2 operands`);
      const parts = list.map((part, index) => compileFilter(part, `${path}.${lower(operator)}.${index + 1}`));
      return operator === 'And' ? (item) => parts.every((part) => part(item)) : (item) => parts.some((part) => part(item));
    }
    case 'Not': {
      const inner = compileFilter(operand, `${path}.not`);
      return (item) => !inner(item);
    }
    case 'Dimensions':
      return compileDimensions(operand, `${path}.dimensions`);
    case 'Tags':
      return compileLabels('TAG', operand, `${path}.tags`);
    case 'CostCategories':
      return compileLabels('COST_CATEGORY', operand, `${path}.costCategories`);
  }
}

/** A tag or cost category: its values, or with ABSENT the spend without it. */
function compileLabels(type: 'TAG' | 'COST_CATEGORY', value: unknown, path: string): Predicate {
  const spec = objectAt(value, path);
  const key = requiredString(spec.Key, `${path}.key`);
  const options = matchOptions(spec.MatchOptions, path);
  if (options.includes('ABSENT')) return (item) => labelValue(item, type, key) === undefined;
  const values = listAt(required(spec.Values, `${path}.values`), `${path}.values`).map((v, i) => stringAt(v, `${path}.values.${i + 1}`));
  return matcher(values, options, (item) => labelValue(item, type, key));
}

function compileDimensions(value: unknown, path: string): Predicate {
  const spec = objectAt(value, path);
  const dimension = checkDimension(requiredString(spec.Key, `${path}.key`));
  const values = listAt(required(spec.Values, `${path}.values`), `${path}.values`).map((v, i) => stringAt(v, `${path}.values.${i + 1}`));
  if (values.length === 0) throw validationError(`Dimensions filter on ${dimension} must have at least one value.`);
  const options = matchOptions(spec.MatchOptions, path);
  if (options.includes('ABSENT')) throw validationError('MatchOptions ABSENT is not supported for Dimensions.');
  return matcher(values, options, (item) => dimensionValue(item, dimension));
}

function matchOptions(value: unknown, path: string): string[] {
  const options = value === undefined || value === null ? ['EQUALS'] : listAt(value, `${path}.matchOptions`).map((v, i) => stringAt(v, `${path}.matchOptions.${i + 1}`));
  const unsupported = options.find((option) => !MATCH_OPTIONS.includes(option));
  if (unsupported !== undefined) throw validationError(`MatchOptions ${unsupported} is not supported by this emulator; use ${MATCH_OPTIONS.join(', ')}.`);
  return options;
}

function matcher(values: readonly string[], options: readonly string[], valueOf: (item: LineItem) => string | undefined): Predicate {
  if (options.includes('CASE_INSENSITIVE')) {
    const wanted = new Set(values.map((v) => v.toLowerCase()));
    return (item) => wanted.has(valueOf(item)?.toLowerCase() ?? '\u0000');
  }
  const wanted = new Set(values);
  return (item) => wanted.has(valueOf(item) ?? '\u0000');
}

function lower(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
