// Numbers, days and names as the landing page shows them: en-US, UTC, and always escaped before use.
import { dayStartMs, type Day } from '../time.js';

/** Safe in HTML text, in quoted attributes, and in inline SVG (numeric references are valid XML). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const short = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
const percentage = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const monthDay = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthDayYear = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

export const usd = (value: number): string => dollars.format(value);
export const count = (value: number): string => whole.format(value);
/** 15.8B, 964M, 12.3K: for token counts where the order of magnitude matters more than the digits. */
export const compact = (value: number): string => short.format(value);
/** A ratio as a percentage, or a dash when the whole it is part of is not positive. */
export const share = (part: number, whole: number): string => (whole > 0 ? percentage.format(part / whole) : '–');
export const utcTime = (date: Date | undefined): string => (date ? date.toISOString().replace('.000Z', 'Z') : 'never');
/** "Nov 3" */
export const shortDay = (day: Day): string => monthDay.format(dayStartMs(day));
/** "Nov 3, 2026" */
export const longDay = (day: Day): string => monthDayYear.format(dayStartMs(day));

/** Usage billed without a model (guardrails, AgentCore, ...) or a region has an empty label. */
export const modelName = (model: string): string => model || '(no model)';
export const regionName = (region: string): string => region || '(no region)';
