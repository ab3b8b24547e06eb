/**
 * DNS snooping: answers a device received add addresses to its file's names and change its rules;
 * names the file does not use, devices without a file and answers with nothing new change nothing.
 * Through the traffic watch, answers in frames from the gateway to a managed device reach the manager.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Packet } from '../../../src/intent/capture/packet.ts';
import { createIntentManager } from '../../../src/intent/manager/manager.ts';
import type { SnoopedName } from '../../../src/intent/manager/snoop.ts';
import { createTrafficWatch, MAX_SNOOPED_NAMES } from '../../../src/intent/manager/watch.ts';
import { resolveMud } from '../../../src/intent/resolve.ts';
import type { Store } from '../../../src/store/store.ts';
import { KEK, movableClock } from '../../store/contract/shared.ts';
import { sqliteMemoryHarness } from '../../store/harness.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { mapResolver, memoryFetcher, recordingEnforcer } from './fakes.ts';

const MAC = '02:00:5e:00:00:31';
const GATEWAY = '02:00:5e:00:00:01';
const CLOUD = 'cloud.things.example.com';
const lamp = () => parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 } }]));

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup() {
  const clock = movableClock();
  const store = await sqliteMemoryHarness().open(KEK, clock.clock);
  stores.push(store);
  const enf = recordingEnforcer();
  const mud = memoryFetcher();
  mud.files.set(MUD_URL, lamp());
  const manager = createIntentManager({
    store,
    enforcer: enf.enforcer,
    resolver: mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } }).resolver,
    fetcher: mud.fetcher,
    clock: clock.clock,
  });
  return { store, enf, manager };
}

/** A DNS response (RFC 1035 §4.1) with one A record for `name`. */
function dnsResponse(name: string, addr: number[], ttl: number): Uint8Array {
  const labels = name.split('.').flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  const header = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
  const answer = [0xc0, 12, 0, 1, 0, 1, (ttl >>> 24) & 0xff, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff, 0, 4, ...addr];
  return new Uint8Array([...header, ...labels, 0, 0, 1, 0, 1, ...answer]);
}

describe('DNS snooping', () => {
  test('an answer the device received adds its address to the name and the rules; others change nothing', async () => {
    const { enf, manager } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    assert.equal(enf.scripts.length, 1);
    const learned = await manager.learnNames(MAC, [{ name: 'Cloud.Things.Example.com.', addresses: ['198.51.100.8'], ttl: 60 }]);
    assert.deepEqual(learned?.names.find((n) => n.name === CLOUD)?.addresses, ['198.51.100.7', '198.51.100.8']);
    assert.equal(enf.scripts.length, 2);
    assert.match(enf.last(), /198\.51\.100\.8/);
    assert.match(enf.last(), /198\.51\.100\.7/, 'the resolver’s address stays');

    const nothing: SnoopedName[][] = [
      [{ name: CLOUD, addresses: ['198.51.100.8'], ttl: 60 }],
      [{ name: 'elsewhere.example.com', addresses: ['203.0.113.5'], ttl: 60 }],
    ];
    for (const answers of nothing) await manager.learnNames(MAC, answers);
    assert.equal(enf.scripts.length, 2, 'no new address, no new rules');
    assert.equal(await manager.learnNames('02:00:5e:00:00:99', nothing[0] ?? []), undefined, 'an unknown device');
  });

  test('the traffic watch passes on answers from the gateway to managed devices only', async () => {
    const { manager } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    const policy = resolveMud(lamp(), {
      mac: MAC,
      ipv4: '192.0.2.10',
      controllers: new Map(),
      myControllers: [],
      localNetworks: [],
      names: new Map([[CLOUD, ['198.51.100.7']]]),
    });
    const seen: [string, SnoopedName[]][] = [];
    const watch = createTrafficWatch({
      manager: {
        policies: async () => [policy],
        reportViolations: async () => ({}) as never,
        recordFlows: async (flows) => flows.length,
        learnNames: async (mac, answers) => {
          seen.push([mac, answers]);
          return undefined;
        },
      },
      gatewayMac: GATEWAY,
      gatewayAddresses: ['192.0.2.1'],
      capturing: true,
    });
    await watch.refresh();
    const answer = (dstMac: string, srcMac = GATEWAY): Packet => ({
      timeUs: 1,
      wireLength: 100,
      srcMac,
      dstMac,
      ethertype: 0x0800,
      ip: {
        family: 4,
        src: '192.0.2.1',
        dst: '192.0.2.10',
        protocol: 17,
        laterFragment: false,
        srcPort: 53,
        dstPort: 40000,
        payload: dnsResponse(CLOUD, [198, 51, 100, 9], 120),
      },
    });
    watch.packet(answer(MAC));
    watch.packet(answer('02:00:5e:00:00:77'));
    watch.packet(answer(MAC, '02:00:5e:00:00:66'));
    await watch.flush();
    assert.deepEqual(seen, [[MAC, [{ name: CLOUD, addresses: ['198.51.100.9'], ttl: 120 }]]]);
  });

  test('between two ticks at most MAX_SNOOPED_NAMES names are kept per device', async () => {
    const policy = resolveMud(lamp(), {
      mac: MAC,
      controllers: new Map(),
      myControllers: [],
      localNetworks: [],
      names: new Map([[CLOUD, ['198.51.100.7']]]),
    });
    let learned = 0;
    const watch = createTrafficWatch({
      manager: {
        policies: async () => [policy],
        reportViolations: async () => ({}) as never,
        recordFlows: async (flows) => flows.length,
        learnNames: async (_mac, answers) => {
          learned = answers.length;
          return undefined;
        },
      },
      gatewayMac: GATEWAY,
      gatewayAddresses: [],
      capturing: true,
    });
    await watch.refresh();
    for (let i = 0; i <= MAX_SNOOPED_NAMES; i++) {
      watch.packet({
        timeUs: i,
        wireLength: 100,
        srcMac: GATEWAY,
        dstMac: MAC,
        ethertype: 0x0800,
        ip: {
          family: 4,
          src: '192.0.2.1',
          dst: '192.0.2.10',
          protocol: 17,
          laterFragment: false,
          srcPort: 53,
          dstPort: 40000,
          payload: dnsResponse(`n${i}.example.com`, [198, 51, 100, 9], 120),
        },
      });
    }
    await watch.flush();
    assert.equal(learned, MAX_SNOOPED_NAMES);
  });
});
