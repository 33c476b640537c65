// Sentences that several panel descriptions share, so every panel says the same about the data's delay.

export const DELAY =
  'Cost Explorer data lags: the latest day is partial and keeps being revised for about two days, and the exporter re-reads it every few hours (4 h by default), so values move in steps.';

export const DAILY =
  'Daily values describe the last complete UTC day (yesterday), which Cost Explorer is still filling in: right after midnight UTC it is nearly empty and it grows over the next day.';

export const MONTH_TO_DATE =
  'Month to date runs from the 1st of the current UTC month up to the latest data and starts again from zero on the 1st.';

export const SETTLED =
  "Built on the recording rules' settled daily values: a day appears only once the exporter read it at least 12 h after it ended, so half-filled days never pull the line down; the line therefore lags the bill by up to two days.";

export const ORG_WIDE = 'Organization-wide: the account, region, provider and model filters do not apply.';

export const MODEL_ONLY = 'Per model from the recording rules: only the model filter applies, not account, region or provider.';

export const THRESHOLDS = 'Thresholds and the budget are set in prometheus/rules/thresholds.yml.';

/** The description of a panel on the usage data: what it shows, then the data's delay. */
export const usageText = (...sentences: string[]): string => [...sentences, DELAY].join(' ');
