import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { accountsDashboard } from './accounts.js';
import { chargebackDashboard } from './chargeback.js';
import { exporterDashboard } from './exporter.js';
import { liveDashboard } from './live.js';
import { modelsDashboard } from './models.js';
import { overviewDashboard } from './overview.js';

/** Every dashboard, with the file under grafana/dashboards/ that holds its JSON. */
export const CATALOGUE: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'bedrock-overview.json', build: overviewDashboard },
  { file: 'bedrock-models.json', build: modelsDashboard },
  { file: 'bedrock-accounts.json', build: accountsDashboard },
  { file: 'bedrock-chargeback.json', build: chargebackDashboard },
  { file: 'bedrock-live.json', build: liveDashboard },
  { file: 'bedrock-exporter.json', build: exporterDashboard },
];
