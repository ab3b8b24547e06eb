import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { MudFetchError } from '../../../src/intent/fetch-errors.ts';
import { createIntentManager } from '../../../src/intent/manager/manager.ts';
import type { IntentManagerOptions } from '../../../src/intent/manager/types.ts';
import { parseMud } from '../../../src/mud/validate/parse-mud.ts';
import type { Store } from '../../../src/store/store.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { KEK, movableClock } from '../../store/contract/shared.ts';
import { sqliteMemoryHarness } from '../../store/harness.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { mapResolver, memoryFetcher, recordingEnforcer } from './fakes.ts';

const MAC = '02:00:5e:00:00:01';
const CLOUD = 'cloud.things.example.com';
const lamp = () =>
  parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 }, tcp: { 'destination-port': { operator: 'eq', port: 443 } } }]));

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(extra: Partial<IntentManagerOptions> = {}, store?: Store) {
  const clock = movableClock();
  const s = store ?? (await sqliteMemoryHarness().open(KEK, clock.clock));
  if (store === undefined) stores.push(s);
  const enf = recordingEnforcer();
  const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } });
  const mud = memoryFetcher();
  mud.files.set(MUD_URL, lamp());
  const manager = createIntentManager({
    store: s,
    enforcer: enf.enforcer,
    resolver: dns.resolver,
    fetcher: mud.fetcher,
    context: { dnsServers: ['192.0.2.1'], localNetworks: ['192.0.2.0/24'] },
    clock: clock.clock,
    ...extra,
  });
  return { store: s, clock, enf, dns, mud, manager };
}

const actions = async (store: Store, mac = MAC) => (await store.audit.list({ subject: `mac:${mac}` })).items.map((a) => a.action);

describe('intent manager', () => {
  test('a device that never had a good file backs off: 1, 2, 4 minutes; a good file ends it', async () => {
    const { store, mud, manager, clock } = await setup();
    mud.files.delete(MUD_URL);
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await store.intentDevices.get(MAC);
      assert.equal(d?.failedAttempts, i + 1);
      const wait = (d?.dueAt?.getTime() ?? 0) - clock.now();
      waits.push(wait);
      clock.advance(wait);
      await manager.tick(new Date(clock.now()));
    }
    assert.deepEqual(waits, [60_000, 120_000, 240_000]);
    mud.files.set(MUD_URL, lamp());
    clock.advance(480_000);
    await manager.tick(new Date(clock.now()));
    const d = await store.intentDevices.get(MAC);
    assert.equal(d?.state, 'enforced');
    assert.equal(d?.failedAttempts, undefined);
    assert.equal(d?.fetch?.failures, 0);
  });

  test('the device record of an onboarded device follows its quarantine and release; a failing record does not undo them', async () => {
    const calls: string[][] = [];
    const guid = 'ab'.repeat(16);
    const { manager } = await setup({
      onQuarantine: async (g, action, actor, reason) => {
        calls.push([g, action, actor, reason]);
        if (calls.length === 1) throw new Error('registry down');
      },
    });
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api', guid });
    await manager.quarantine(MAC, 'token:op', 'scan');
    await manager.release(MAC, 'token:op', '');
    assert.deepEqual(calls, [
      [guid, 'quarantine', 'token:op', 'scan'],
      [guid, 'release', 'token:op', 'intent release'],
    ]);
  });

  test('the policies of the traffic watch are made again only after the firewall changed', async () => {
    const { manager } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    const first = await manager.policies();
    assert.deepEqual(
      first.map((p) => p.mac),
      [MAC],
    );
    assert.equal(await manager.policies(), first, 'nothing changed: the same list');
    await manager.quarantine(MAC, 'token:op', 'suspicious');
    const after = await manager.policies();
    assert.notEqual(after, first);
    assert.notDeepEqual(after, first, 'the quarantine policy');
    await manager.remove(MAC);
    assert.deepEqual(await manager.policies(), []);
  });

  test('a device with a MUD URL is fetched, its names resolved, compiled and enforced; the state is stored and audited', async () => {
    const { store, enf, dns, manager, clock } = await setup();
    const d = await manager.observe({ mac: '02-00-5E-00-00-01', ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'dhcp' });
    assert.equal(d?.state, 'enforced');
    assert.equal(enf.scripts.length, 1);
    assert.match(enf.last(), /198\.51\.100\.7/);
    assert.match(enf.last(), /tcp dport 443/);
    assert.match(enf.last(), /udp dport 53|th dport 53/);
    assert.deepEqual(dns.asked, [CLOUD]);
    const stored = await store.intentDevices.get(MAC);
    assert.ok(stored !== undefined);
    assert.equal(stored.urlSource, 'dhcp');
    assert.equal(stored.mud?.signer, 'CN=IoTopia test MUD signer');
    assert.equal(stored.mud?.signed, true);
    assert.match(stored.mud?.digest ?? '', /^[0-9a-f]{64}$/);
    assert.ok(stored.ruleCount > 0);
    assert.deepEqual(
      stored.names.map((n) => [n.name, n.addresses, n.expiresAt.getTime()]),
      [[CLOUD, ['198.51.100.7'], clock.now() + 300_000]],
    );
    // Next look: when the name's TTL passes, well before the file's cache validity.
    assert.equal(stored.dueAt?.getTime(), clock.now() + 300_000);
    assert.equal(stored.lastError, undefined);
    assert.deepEqual(await actions(store), ['intent.device.observed', 'intent.device.enforced']);
    // The stored JSON reads back as the same file.
    assert.equal(parseMud(stored.mud?.json ?? '').mud?.mud.mudUrl, MUD_URL);
  });

  test('a failed refetch, a DNS failure and a failed apply each keep the last good enforcement, with the typed error stored and audited', async () => {
    const metrics: string[] = [];
    const { store, enf, dns, mud, manager } = await setup({ metrics: { fetchFailed: (c) => metrics.push(c) } });
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    const good = enf.last();
    mud.files.set(MUD_URL, new MudFetchError('ERR_INTENT_FETCH_SIGNATURE', MUD_URL, 'the signature does not verify'));
    let d = await manager.refresh(MAC, { force: true });
    assert.equal(d.state, 'enforced');
    assert.equal(d.lastError?.code, 'ERR_INTENT_FETCH_SIGNATURE');
    assert.equal(enf.scripts.length, 1, 'nothing re-applied');
    assert.deepEqual(metrics, ['ERR_INTENT_FETCH_SIGNATURE']);
    assert.ok(
      (await store.audit.list({ subject: `mac:${MAC}` })).items.some(
        (a) => a.action === 'intent.device.failed' && a.details['code'] === 'ERR_INTENT_FETCH_SIGNATURE',
      ),
    );

    mud.files.set(MUD_URL, lamp());
    delete dns.answers[CLOUD];
    d = await manager.refresh(MAC, { force: true });
    assert.equal(d.state, 'enforced');
    assert.equal(d.lastError?.code, 'ERR_INTENT_DNS');
    assert.deepEqual(d.names[0]?.addresses, ['198.51.100.7'], 'the last answers are kept');
    assert.equal(enf.scripts.length, 1);

    dns.answers[CLOUD] = { addresses: ['198.51.100.8'], ttl: 60 };
    enf.failOnce();
    d = await manager.refresh(MAC, { force: true });
    assert.equal(d.state, 'enforced');
    assert.equal(d.lastError?.code, 'ERR_INTENT_APPLY');
    assert.deepEqual(d.names[0]?.addresses, ['198.51.100.7'], 'the record stays with what the firewall has');
    assert.equal(enf.last(), good);

    d = await manager.refresh(MAC, { force: true });
    assert.equal(d.lastError, undefined);
    assert.match(enf.last(), /198\.51\.100\.8/);
    assert.doesNotMatch(enf.last(), /198\.51\.100\.7/);
  });

  test('a device that never had a good file: default deny with the basics, or no rules with neverGood allow', async () => {
    const { store, enf, mud, manager } = await setup();
    mud.files.delete(MUD_URL);
    const d = await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    assert.equal(d?.state, 'default-deny');
    assert.equal(d?.lastError?.code, 'ERR_INTENT_FETCH_NETWORK');
    assert.match(enf.last(), /udp sport 68 udp dport 67 accept/);
    assert.match(
      enf.last(),
      /add rule inet iotopia d_02005e000001_from update @drops_from \{ ether saddr \}\nadd rule inet iotopia d_02005e000001_from drop$/m,
    );
    assert.doesNotMatch(enf.last(), /jump d_02005e000001_f0/);
    assert.ok(d?.dueAt !== undefined, 'a retry is scheduled');
    const plain = await manager.observe({ mac: '02:00:5e:00:00:02', mudUrl: 'http://things.example.com/lamp', source: 'api' });
    assert.equal(plain?.lastError?.code, 'ERR_INTENT_FETCH_URL');
    assert.equal(plain?.state, 'default-deny');

    const allow = await setup({ neverGood: 'allow' });
    allow.mud.files.delete(MUD_URL);
    const a = await allow.manager.observe({ mac: MAC, mudUrl: MUD_URL, source: 'api' });
    assert.equal(a?.state, 'allowed');
    assert.deepEqual(allow.enf.removed, [MAC]);
    assert.equal(allow.enf.scripts.length, 0);
    assert.ok((await actions(store)).includes('intent.device.failed'));
  });

  test('tick: a name whose TTL passed is re-resolved and re-applied only when its addresses changed', async () => {
    const { store, enf, dns, manager, clock } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    assert.deepEqual(await manager.tick(new Date(clock.now())), { leader: true, refreshed: 0 });
    clock.advance(301_000);
    assert.deepEqual(await manager.tick(new Date(clock.now())), { leader: true, refreshed: 1 });
    assert.equal(enf.scripts.length, 1, 'same answer: nothing applied');
    assert.equal(dns.asked.length, 2);
    dns.answers[CLOUD] = { addresses: ['198.51.100.9', '2001:db8::9'], ttl: 30 };
    clock.advance(301_000);
    await manager.tick(new Date(clock.now()));
    assert.equal(enf.scripts.length, 2);
    assert.match(enf.last(), /198\.51\.100\.9/);
    const d = await store.intentDevices.get(MAC);
    assert.equal(d?.dueAt?.getTime(), clock.now() + 30_000);
  });

  test('while a failed refetch waits for its back-off, names are still re-resolved and the error stays shown', async () => {
    const { store, dns, mud, manager, clock } = await setup();
    dns.answers[CLOUD] = { addresses: ['198.51.100.7'], ttl: 30 };
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    mud.files.delete(MUD_URL);
    const failedOnce = await manager.refresh(MAC, { force: true });
    assert.equal(failedOnce.lastError?.code, 'ERR_INTENT_FETCH_NETWORK');
    assert.equal(failedOnce.fetch?.nextAttempt?.getTime(), clock.now() + 60_000);
    assert.equal(failedOnce.dueAt?.getTime(), clock.now() + 30_000, 'the name expires before the back-off ends');
    clock.advance(31_000);
    const calls = mud.calls.length;
    await manager.tick(new Date(clock.now()));
    const d = await store.intentDevices.get(MAC);
    assert.equal(mud.calls.length, calls + 1);
    assert.equal(d?.lastError?.code, 'ERR_INTENT_FETCH_NETWORK');
    assert.ok((d?.names[0]?.expiresAt.getTime() ?? 0) > clock.now());
    assert.equal(d?.state, 'enforced');
  });

  test('same-manufacturer and model resolve to the other devices in the store; alone, the ACE is left out', async () => {
    const { enf, mud, manager } = await setup();
    mud.files.set(
      MUD_URL,
      parse(
        mudJson([
          { 'ietf-mud:mud': { 'same-manufacturer': [null] }, ipv4: { protocol: 17 } },
          { 'ietf-mud:mud': { model: MUD_URL }, ipv4: { protocol: 6 } },
        ]),
      ),
    );
    const alone = await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    assert.equal(alone?.state, 'enforced');
    assert.doesNotMatch(enf.last(), /192\.0\.2\.11/);
    await manager.observe({ mac: '02:00:5e:00:00:02', ipv4: '192.0.2.11', mudUrl: MUD_URL, source: 'api' });
    assert.match(enf.last(), /192\.0\.2\.10/, 'the second device reaches the first');
    const again = await manager.refresh(MAC, { force: true });
    assert.ok(again.ruleCount > (alone?.ruleCount ?? 0));
    assert.match(enf.last(), /192\.0\.2\.11/, 'and after a refresh the first reaches the second');
  });

  test('observations without a MAC (FDO) wait by address and join the device when a source knows its MAC', async () => {
    const { store, enf, manager } = await setup();
    const guid = 'a1'.repeat(16);
    assert.equal(await manager.observe({ guid, ipv4: '192.0.2.20', mudUrl: MUD_URL, source: 'fdo' }), undefined);
    assert.equal(enf.scripts.length, 0);
    const d = await manager.observe({ mac: MAC, ipv4: '192.0.2.20', source: 'dhcp' });
    assert.equal(d?.guid, guid);
    assert.equal(d?.mudUrl, MUD_URL);
    assert.equal(d?.urlSource, 'fdo');
    assert.equal(d?.state, 'enforced');
    // Known address, no MAC: the device with that address.
    const again = await manager.observe({ guid, ipv4: '192.0.2.20', name: 'lamp', source: 'fdo' });
    assert.equal(again?.mac, MAC);
    assert.equal((await store.intentDevices.get(MAC))?.name, 'lamp');
    await assert.rejects(manager.observe({ mac: 'zz', source: 'api' }), { code: 'ERR_INTENT_DEVICE_INPUT' });
    await assert.rejects(manager.observe({ source: 'api' }), { code: 'ERR_INTENT_DEVICE_INPUT' });
    await assert.rejects(manager.observe({ mac: MAC, ipv4: '2001:db8::1', source: 'api' }), { code: 'ERR_INTENT_DEVICE_INPUT' });
    await assert.rejects(manager.refresh('02:00:5e:00:00:99'), { code: 'ERR_INTENT_DEVICE_UNKNOWN' });
    // IPv6 in any spelling is one address.
    await manager.observe({ mac: '02:00:5e:00:00:02', ipv6: '2001:0DB8:0:0::0a', source: 'dhcp' });
    assert.equal((await store.intentDevices.get('02:00:5e:00:00:02'))?.ipv6, '2001:db8::a');
    assert.equal((await manager.observe({ ipv6: '2001:db8::A', name: 'sensor', source: 'fdo' }))?.mac, '02:00:5e:00:00:02');
  });

  test('remove takes the rules away and keeps the record as removed; a new observation brings the device back', async () => {
    const { store, enf, manager } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    const r = await manager.remove(MAC, 'token:t1');
    assert.equal(r.state, 'removed');
    assert.deepEqual(enf.removed, [MAC]);
    assert.ok((await actions(store)).includes('intent.device.removed'));
    assert.equal((await manager.refresh(MAC)).state, 'removed');
    assert.equal((await manager.observe({ mac: MAC, source: 'api' }))?.state, 'enforced');
    // Decommissioning the FDO device removes every intent device that carries its GUID.
    const guid = 'c2'.repeat(16);
    await manager.observe({ mac: MAC, guid, source: 'fdo' });
    const gone = await manager.decommission(guid.toUpperCase(), 'token:t2');
    assert.deepEqual(
      gone.map((d) => [d.mac, d.state]),
      [[MAC, 'removed']],
    );
    assert.deepEqual(enf.removed, [MAC, MAC]);
  });

  test('two replicas on one store: only the lease holder programs the firewall; the other hands changes over; reconcile on takeover', async () => {
    const a = await setup({ lease: { gateway: 'gw', holder: 'a', ttlMs: 10_000 } });
    const b = await setup({ lease: { gateway: 'gw', holder: 'b', ttlMs: 10_000 }, clock: a.clock.clock }, a.store);
    // b's own fetcher has the file too.
    assert.deepEqual(await a.manager.tick(new Date(a.clock.now())), { leader: true, refreshed: 0 });
    assert.equal((await b.manager.tick(new Date(a.clock.now()))).leader, false);
    const seen = await b.manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    assert.equal(seen?.state, 'pending');
    assert.equal(b.enf.scripts.length + a.enf.scripts.length, 0);
    assert.deepEqual(await a.manager.tick(new Date(a.clock.now())), { leader: true, refreshed: 1 });
    assert.equal(a.enf.scripts.length, 1);
    assert.equal((await a.store.intentDevices.get(MAC))?.state, 'enforced');
    // a stops renewing; after expiry b takes over and re-applies everything it finds.
    a.clock.advance(10_001);
    const t = await b.manager.tick(new Date(a.clock.now()));
    assert.equal(t.leader, true);
    assert.equal(b.enf.scripts.length, 1);
    const rules = (s: string) => s.split('\n').filter((l) => !l.startsWith('#'));
    assert.deepEqual(rules(b.enf.last()), rules(a.enf.last()));
    assert.equal((await a.manager.tick(new Date(a.clock.now()))).leader, false);
    await b.manager.close();
    assert.equal(await a.store.intentLeases.get('gw'), undefined);
  });

  test('reconcile applies devices in batches, one transaction each; a refused batch is applied device by device', async () => {
    const { store, enf, manager } = await setup();
    const macs = ['02:00:5e:00:00:01', '02:00:5e:00:00:02', '02:00:5e:00:00:03'];
    for (const [i, mac] of macs.entries()) await manager.observe({ mac, ipv4: `192.0.2.${10 + i}`, mudUrl: MUD_URL, source: 'api' });
    await manager.quarantine(macs[1] as string, 'token:op', 'test');
    await manager.remove(macs[2] as string);
    enf.scripts.length = 0;
    enf.removed.length = 0;
    assert.equal(await manager.reconcile(), 3);
    assert.equal(enf.scripts.length, 1, 'one transaction');
    const batch = enf.last();
    assert.equal(batch.match(/^table inet iotopia \{/gm)?.length, 1, 'the table head once');
    assert.match(batch, /d_02005e000001_f0/);
    assert.match(batch, /add element inet iotopia from_dev \{ 02:00:5e:00:00:02 /);
    assert.doesNotMatch(batch, /d_02005e000002_f0/, 'the quarantined device has only the basics');
    assert.deepEqual(enf.removed, [macs[2]]);
    assert.deepEqual(await Promise.all(macs.map(async (m) => (await store.intentDevices.get(m))?.state)), [
      'enforced',
      'quarantined',
      'removed',
    ]);
    enf.scripts.length = 0;
    enf.failOnce();
    await manager.reconcile();
    assert.equal(enf.scripts.length, 2, 'after the refused batch, each device on its own');
    assert.equal((await store.intentDevices.get(macs[0] as string))?.state, 'enforced');
  });

  test('violations past the threshold quarantine the device atomically to its own quarantine policy; release reverses it', async (t) => {
    const dir = vectorPath('mud', 'nist', 'mud-quarantine-test');
    if (dir === undefined) return t.skip(vectorsMissing('mud/nist/mud-quarantine-test'));
    const file = parseMud(readFileSync(join(dir, 'mudfile-quarantine-test.json')));
    assert.ok(file.mud !== undefined);
    const url = file.mud.mud.mudUrl;
    const { store, enf, dns, mud, manager, clock } = await setup({ quarantine: { threshold: 5 } });
    mud.files.set(url, file.mud);
    dns.answers['www.nist.local'] = { addresses: ['203.0.113.80'], ttl: 600 };
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: url, source: 'api' });
    assert.match(enf.last(), /dport 80\b/);
    const v = {
      direction: 'from-device' as const,
      protocol: 17,
      peer: '203.0.113.66',
      peerPort: 9999,
      localPort: 5000,
      acl: 'mud-49859-v4fr',
      at: new Date(),
    };
    assert.equal((await manager.reportViolations(MAC, [v, { ...v, count: 3 }])).state, 'enforced');
    assert.equal(enf.scripts.length, 1);
    const q = await manager.reportViolations(MAC, [{ ...v, peerPort: 1 }]);
    assert.equal(q.state, 'quarantined');
    assert.equal(enf.scripts.length, 2, 'one transaction');
    const quarantined = enf.last();
    assert.match(quarantined, /203\.0\.113\.80/, 'the enabled ACE cl0-frdev stays');
    assert.match(quarantined, /tcp dport 800/);
    assert.doesNotMatch(quarantined, /dport 80\b/, 'the local-network ACEs are gone');
    // More violations while quarantined change nothing.
    await manager.reportViolations(MAC, [v]);
    assert.equal(enf.scripts.length, 2);
    const rel = await manager.release(MAC, 'token:op', 'patched');
    assert.equal(rel.action, 'release');
    assert.equal((await store.intentDevices.get(MAC))?.state, 'enforced');
    assert.match(enf.last(), /dport 80\b/);
    assert.equal(await store.intentViolations.total(MAC), 0);
    const log = (await store.intentQuarantine.list({ mac: MAC })).items.map((x) => [x.action, x.actor]);
    assert.deepEqual(log, [
      ['quarantine', 'system'],
      ['release', 'token:op'],
    ]);
    assert.ok((await actions(store)).includes('intent.device.quarantined'));
    await assert.rejects(manager.release(MAC, 'token:op'), { code: 'ERR_INTENT_DEVICE_INPUT' });
    // A report of traffic last seen before the release (judged under the quarantine policy) is left out.
    await manager.reportViolations(MAC, [{ ...v, count: 4, at: new Date(clock.now() - 1000) }]);
    assert.equal(await store.intentViolations.total(MAC), 0);
    await manager.reportViolations(MAC, [{ ...v, count: 4, at: new Date(clock.now() + 1000) }]);
    assert.equal(await store.intentViolations.total(MAC), 4);
    assert.equal((await store.intentDevices.get(MAC))?.state, 'enforced');
  });

  test('operations on one device run one at a time: a quarantine during a slow refresh is not undone', async () => {
    const { store, mud, manager, clock } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const plain = mud.fetcher;
    const slow = createIntentManager({
      store,
      enforcer: recordingEnforcer().enforcer,
      resolver: mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } }).resolver,
      fetcher: async (url, o) => {
        await gate;
        return plain(url, o);
      },
      clock: clock.clock,
    });
    const refreshing = slow.refresh(MAC, { force: true });
    const quarantining = slow.quarantine(MAC, 'token:op', 'during a refresh');
    release();
    await Promise.all([refreshing, quarantining]);
    assert.equal((await store.intentDevices.get(MAC))?.state, 'quarantined');
  });

  test('a file without a quarantine policy quarantines to the basics, or to nothing with policy block', async () => {
    const { enf, manager } = await setup();
    await manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    await manager.quarantine(MAC, 'token:op', 'suspicious');
    assert.doesNotMatch(enf.last(), /198\.51\.100\.7/);
    assert.match(enf.last(), /udp sport 68 udp dport 67 accept/);
    const b = await setup({ quarantine: { policy: 'block' } });
    await b.manager.observe({ mac: MAC, ipv4: '192.0.2.10', mudUrl: MUD_URL, source: 'api' });
    await b.manager.quarantine(MAC, 'token:op', 'suspicious');
    assert.doesNotMatch(b.enf.last(), /dport 67 accept/);
    assert.match(b.enf.last(), /^add rule inet iotopia d_02005e000001_from drop$/m);
  });
});
