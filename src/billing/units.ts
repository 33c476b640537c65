// Cost Explorer's UsageQuantity.Unit string is undocumented for Bedrock ('1K tokens', 'Units', 'N/A'...):
// use it only where it says something.

const UNINFORMATIVE = new Set(['', 'n/a', 'na', 'none', 'unit', 'units', 'count', 'counts', 'each']);

/** Tokens per UsageQuantity when the unit string states a scale ('1K tokens' -> 1000), else undefined. */
export function tokenScaleOf(quantityUnit: string): number | undefined {
  const unit = quantityUnit.trim().toLowerCase();
  if (/^(?:1\s*m|1,?000,?000)\b.*token/.test(unit) || /^million\b/.test(unit)) return 1e6;
  if (/^(?:1\s*k|1,?000)\b.*token/.test(unit) || /^thousands?\b.*token/.test(unit)) return 1000;
  if (/^tokens?$/.test(unit)) return 1;
  return undefined;
}

/** Snake_case unit label from a Cost Explorer unit string ('vCPU-Hours' -> 'vcpu_hours'); '' when it says nothing. */
export function unitLabelOf(quantityUnit: string): string {
  const unit = quantityUnit.trim();
  if (UNINFORMATIVE.has(unit.toLowerCase())) return '';
  return snakeCase(unit.replace(/^(?:1\s*M|1,?000,?000)\b/, 'million').replace(/^(?:1\s*K|1,?000)\b/i, 'thousand'));
}

/** 'AudioMinutes' -> 'audio_minutes', 'API-Invocations' -> 'api_invocations', 'vCPU' -> 'vcpu'. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z])(?=[A-Z][a-z])/g, '$1_')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
