/** The platform's device API and the management API are served over TLS. */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { settingItem } from '../rule-result.ts';

const RULE = 'tls-on-apis';

export function tlsOnApis(facts: EvidenceFacts): RuleResult {
  const { deviceApi, managementApi } = facts.platform.tls;
  const evidence = [
    settingItem('device-api', deviceApi ? 'served over TLS' : 'plain HTTP'),
    settingItem('management-api', managementApi ? 'served over TLS' : 'plain HTTP'),
  ];
  if (deviceApi && managementApi)
    return { rule: RULE, outcome: 'met', detail: 'The device API and the management API are served over TLS.', evidence };
  if (deviceApi || managementApi)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The ${deviceApi ? 'device' : 'management'} API is served over TLS, the ${deviceApi ? 'management' : 'device'} API is not.`,
      evidence,
      remedy: 'Serve both APIs over TLS.',
    };
  return {
    rule: RULE,
    outcome: 'not-met',
    detail: 'Neither the device API nor the management API is served over TLS.',
    evidence,
    remedy: 'Serve both APIs over TLS.',
  };
}
