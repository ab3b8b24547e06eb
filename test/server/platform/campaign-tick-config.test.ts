import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig, settingsFromEnv } from '../../../src/server/platform/config.ts';

test('the campaign tick interval: whole seconds from 1 to 3600, from the environment or a file; unset by default', () => {
  assert.equal(resolveConfig().campaignTickInterval, undefined);
  assert.equal(resolveConfig(['env', settingsFromEnv({ IOTOPIA_CAMPAIGN_TICK_INTERVAL: '2' })]).campaignTickInterval, 2);
  assert.equal(resolveConfig(['file', { campaignTickInterval: '3600' }]).campaignTickInterval, 3600);
  for (const bad of ['0', '1.5', '-1', '', '3601', 'five']) {
    assert.throws(() => resolveConfig(['env', { campaignTickInterval: bad }]), { code: 'ERR_CONFIG', message: /campaign-tick-interval/ });
  }
});
