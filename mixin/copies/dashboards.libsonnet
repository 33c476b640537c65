// Generated from grafana/dashboards/*.json by `npm run copies`; do not edit.
{
  'bedrock-accounts.json': import 'dashboards/bedrock-accounts.json',
  'bedrock-chargeback.json': import 'dashboards/bedrock-chargeback.json',
  'bedrock-exporter.json': import 'dashboards/bedrock-exporter.json',
  'bedrock-live.json': import 'dashboards/bedrock-live.json',
  'bedrock-models.json': import 'dashboards/bedrock-models.json',
  'bedrock-overview.json': import 'dashboards/bedrock-overview.json',
}
