// Region billing codes (usage-type prefix) for the regions the synthetic organization uses.
// Source: AWS "Region billing codes"; note EU is eu-west-1 (no digit) and APS3 is ap-south-1.
export const REGION_BY_CODE: Readonly<Record<string, string>> = {
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW2: 'us-west-2',
  EU: 'eu-west-1',
  EUC1: 'eu-central-1',
  APS3: 'ap-south-1',
  APN1: 'ap-northeast-1',
};
