/**
 * The `intent` role of `iotopia up`: its settings, the manager behind the API with metrics, and the
 * real path: a platform programming nftables in a router namespace, proven with TCP connections.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, resolveConfig } from '../../../src/server/platform/config.ts';
import { effectiveDeviceInterfaces, type IntentConfig } from '../../../src/server/platform/intent-config.ts';
import { bearer, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { MUD_URL, mudJson, parse } from '../mud-fixture.ts';
import { deleteNamespaces, routedPair, sh, skipReason, tcpConnect, tcpServers } from '../nft/netns.ts';
import { mapResolver, memoryFetcher, recordingEnforcer } from './fakes.ts';

const CLOUD = 'cloud.things.example.com';

/** A logger that keeps the messages of warnings. */
function recordingLogger(warnings: string[]): FastifyBaseLogger {
  const none = () => undefined;
  const logger = {
    level: 'info',
    silent: none,
    fatal: none,
    error: none,
    info: none,
    debug: none,
    trace: none,
    warn: (a: unknown, b?: string) => {
      warnings.push(typeof a === 'string' ? a : (b ?? ''));
    },
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

describe('intent role settings', () => {
  test('intent is not a default role; its settings parse from every source and are named when wrong', () => {
    assert.ok(!resolveConfig().roles.includes('intent'));
    assert.equal(resolveConfig().intent, undefined);
    const c = resolveConfig(
      [
        'environment',
        { roles: 'owner,intent', intentControllers: 'urn:ietf:params:mud:dns=192.0.2.53,urn:ietf:params:mud:dns=2001:db8::53' },
      ],
      [
        'command line',
        {
          intentGateway: 'gw-1',
          intentLocalNetworks: '192.0.2.0/24, 2001:db8::/32',
          intentDnsServers: '192.0.2.53',
          intentUnsigned: 'warn',
          intentNeverGood: 'allow',
          intentQuarantineThreshold: '0',
          intentTickInterval: '5',
          intentNetns: 'gw-ns',
          intentMyControllers: 'https://things.example.com/lamp=192.0.2.2',
          intentBasics: 'false',
          intentLenient: true,
          intentQuarantinePolicy: 'block',
        },
      ],
    );
    assert.deepEqual(c.roles, ['owner', 'intent']);
    assert.equal(c.intent?.gateway, 'gw-1');
    assert.deepEqual([...(c.intent?.controllers ?? [])], [['urn:ietf:params:mud:dns', ['192.0.2.53', '2001:db8::53']]]);
    assert.deepEqual(c.intent?.localNetworks, ['192.0.2.0/24', '2001:db8::/32']);
    assert.deepEqual(
      [c.intent?.unsigned, c.intent?.neverGood, c.intent?.quarantineThreshold, c.intent?.tickInterval, c.intent?.netns],
      ['warn', 'allow', 0, 5, 'gw-ns'],
    );
    assert.deepEqual([...(c.intent?.myControllers ?? [])], [['https://things.example.com/lamp', ['192.0.2.2']]]);
    assert.deepEqual([c.intent?.basics, c.intent?.quarantinePolicy, c.intent?.lenient], [false, 'block', true]);
    assert.equal(resolveConfig(['environment', { roles: 'intent' }]).intent?.lenient, false);
    const bad = (s: Record<string, string>, re: RegExp) =>
      assert.throws(
        () => resolveConfig(['command line', { roles: 'intent', ...s }]),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad({ intentControllers: 'dns=192.0.2.1' }, /intent-controllers \(from command line\)/);
    bad({ intentControllers: 'urn:x:y=not-an-address' }, /intent-controllers/);
    bad({ intentLocalNetworks: '192.0.2.0/33' }, /intent-local-networks/);
    bad({ intentDnsServers: 'dns.example' }, /intent-dns-servers/);
    bad({ intentUnsigned: 'maybe' }, /intent-unsigned/);
    bad({ intentNeverGood: 'perhaps' }, /intent-never-good/);
    bad({ intentTickInterval: '0' }, /intent-tick-interval/);
    bad({ intentGateway: 'a b' }, /intent-gateway/);
    bad({ intentBasics: 'yes' }, /intent-basics/);
    bad({ intentLenient: 'maybe' }, /intent-lenient/);
    bad({ intentQuarantinePolicy: 'lock' }, /intent-quarantine-policy/);
    bad({ intentMyControllers: 'https://x.example/a' }, /intent-my-controllers/);
  });
});

describe('intent device interfaces', () => {
  const intent = (...sources: Record<string, string>[]) =>
    resolveConfig(...sources.map((x, i): [string, Record<string, string>] => [`source ${i}`, { roles: 'intent', ...x }])).intent;
  test('parsed from a list, repeated names kept once; unset they default to the capture interface, else none', () => {
    const c = intent({ intentDeviceInterface: 'lan0, wlan0.5,lan0', intentCaptureInterface: 'lan9' });
    assert.deepEqual(c?.deviceInterfaces, ['lan0', 'wlan0.5']);
    assert.deepEqual(effectiveDeviceInterfaces(c as IntentConfig), ['lan0', 'wlan0.5'], 'set: the capture interface is not added');
    const captured = intent({ intentCaptureInterface: 'lan9' });
    assert.equal(captured?.deviceInterfaces, undefined);
    assert.deepEqual(effectiveDeviceInterfaces(captured as IntentConfig), ['lan9']);
    assert.deepEqual(effectiveDeviceInterfaces(intent({}) as IntentConfig), []);
    assert.deepEqual(
      intent({ intentDeviceInterface: 'lan0' }, { intentDeviceInterface: 'lan1' })?.deviceInterfaces,
      ['lan1'],
      'a later source wins',
    );
  });
  test('a name that is not an interface name is refused, naming the setting', () => {
    for (const bad of ['lan0" accept', 'a-name-of-16-chr', 'br/0', ' , ', 'eth0@if2'])
      assert.throws(
        () => intent({ intentDeviceInterface: bad }),
        (e: unknown) => e instanceof ConfigError && /intent-device-interface \(from source 0\)/.test(e.message),
        bad,
      );
  });
  test('the role compiles them into every device script; without any it warns once at start', async () => {
    const run = async (settings: Record<string, string>) => {
      const enf = recordingEnforcer();
      const warnings: string[] = [];
      const logger = recordingLogger(warnings);
      const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } });
      const mud = memoryFetcher();
      mud.files.set(MUD_URL, parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 } }])));
      const gw = `dev-if-${randomBytes(3).toString('hex')}`;
      const p = await startTestPlatform(
        'iotopia-intent-devif-',
        { roles: 'intent', intentGateway: gw, intentTickInterval: '3600', ...settings },
        { logger, intentPorts: { enforcer: enf.enforcer, resolver: dns.resolver, fetcher: mud.fetcher } },
      );
      try {
        for (let i = 0; i < 100 && (await p.platform.store.intentLeases.get(gw)) === undefined; i++)
          await new Promise((r) => setTimeout(r, 20));
        const r = await p.platform.app.inject({
          method: 'POST',
          url: '/api/v1/intent/devices',
          headers: bearer(p.platform.firstAdminToken as string),
          payload: { mac: '02:00:5e:00:00:01', ipv4: '192.0.2.10', mudUrl: MUD_URL },
        });
        assert.equal(r.statusCode, 200, r.body);
        return { scripts: enf.scripts, warned: warnings.filter((w) => /unsolicited inbound/.test(w)).length };
      } finally {
        await p.close();
      }
    };
    const on = await run({ intentDeviceInterface: 'lan0,wlan0' });
    assert.ok(on.scripts.length > 0);
    for (const s of on.scripts) {
      assert.match(s, /^add rule inet iotopia to_device oifname "lan0" counter drop$/m);
      assert.match(s, /^add rule inet iotopia to_device oifname "wlan0" counter drop$/m);
    }
    assert.equal(on.warned, 0);
    const off = await run({});
    assert.ok(off.scripts.length > 0 && off.scripts.every((s) => !s.includes('oifname')));
    assert.equal(off.warned, 1);
  });
});

describe('intent role in a running server', () => {
  let p: TestPlatform;
  const enf = recordingEnforcer();
  before(async () => {
    const mud = memoryFetcher();
    mud.files.set(MUD_URL, parse(mudJson([{ ipv4: { 'ietf-acldns:dst-dnsname': CLOUD, protocol: 6 } }])));
    const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.7'], ttl: 300 } });
    p = await startTestPlatform(
      'iotopia-intent-role-',
      { roles: 'owner,intent', intentGateway: 'test-gw', intentTickInterval: '1' },
      { intentPorts: { enforcer: enf.enforcer, resolver: dns.resolver, fetcher: mud.fetcher } },
    );
  });
  after(() => p?.close());

  test('the API drives the role’s manager once it holds the lease; metrics count devices, rules and applies', async () => {
    const admin = p.platform.firstAdminToken as string;
    // The first tick runs at start; wait for the lease rather than for time.
    for (let i = 0; i < 100 && (await p.platform.store.intentLeases.get('test-gw')) === undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok((await p.platform.store.intentLeases.get('test-gw')) !== undefined);
    const r = await p.platform.app.inject({
      method: 'POST',
      url: '/api/v1/intent/devices',
      headers: bearer(admin),
      payload: { mac: '02:00:5e:00:00:01', ipv4: '192.0.2.10', mudUrl: MUD_URL },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().state, 'enforced');
    assert.equal(enf.scripts.length, 1);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    assert.match(metrics, /iotopia_intent_devices\{state="enforced"\} 1/);
    assert.match(metrics, new RegExp(`iotopia_intent_rules ${r.json().ruleCount}\\b`));
    assert.match(metrics, /iotopia_intent_apply_duration_seconds_count 1/);
  });
});

const skip = skipReason();
const id = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
const [R, A, C] = ['r', 'a', 'c'].map((n) => `iot-mgr-${id}${n}`) as [string, string, string];
const DEVICE_MAC = '02:00:00:00:00:0b';

const connect = tcpConnect;

describe('intent role on real nftables in a router namespace', { skip }, () => {
  let p: TestPlatform;
  let server: ChildProcess;
  const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.2'], ttl: 5 } });
  before(async () => {
    routedPair(R, A, C, DEVICE_MAC, id);
    server = await tcpServers(C);
    const mud = memoryFetcher();
    mud.files.set(
      MUD_URL,
      parse(
        mudJson([
          {
            ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': CLOUD },
            tcp: { 'destination-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
          },
        ]),
      ),
    );
    p = await startTestPlatform(
      'iotopia-intent-nft-',
      { roles: 'intent', intentGateway: `gw-${id}`, intentNetns: R, intentTickInterval: '3600', intentQuarantineThreshold: '4' },
      { intentPorts: { resolver: dns.resolver, fetcher: mud.fetcher } },
    );
    for (let i = 0; i < 100 && (await p.platform.store.intentLeases.get(`gw-${id}`)) === undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  after(async () => {
    await p?.close();
    server?.kill();
    deleteNamespaces(R, A, C);
  });

  const call = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
    p.platform.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: bearer(p.platform.firstAdminToken as string),
      ...(payload ? { payload } : {}),
    });

  test('enforce, quarantine, release, follow a changed DNS answer, remove: checked with TCP connections', async () => {
    assert.equal(connect(A, '198.51.100.2', 8081), 'open', 'nothing enforced yet');
    const r = await call('POST', '/intent/devices', { mac: DEVICE_MAC, ipv4: '192.0.2.2', mudUrl: MUD_URL });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().state, 'enforced', JSON.stringify(r.json().lastError));
    assert.equal(connect(A, '198.51.100.2', 8080), 'open', 'allowed by the MUD file');
    assert.equal(connect(A, '198.51.100.2', 8081), 'blocked', 'default deny');
    // A reconciliation (as on gaining the lease) applies the same policy in one batch transaction.
    assert.equal(await p.platform.intent?.manager.reconcile(), 1);
    assert.equal(connect(A, '198.51.100.2', 8080), 'open', 'still allowed after reconciling');

    // The kernel's drop counters are a violation source of the traffic watch: the first reading is the baseline.
    const flush = () => p.platform.intent?.flushWatch();
    await flush();
    for (let i = 0; i < 3; i++) assert.equal(connect(A, '198.51.100.2', 8081), 'blocked');
    await flush();
    const violations = (await p.platform.store.intentViolations.list({ mac: DEVICE_MAC })).items;
    assert.ok(
      violations.some((v) => v.acl.startsWith('default-deny') && v.direction === 'from-device' && v.count >= 3),
      JSON.stringify(violations),
    );
    const q = await p.platform.store.intentQuarantine.list({ mac: DEVICE_MAC });
    assert.deepEqual(
      q.items.map((x) => [x.action, x.actor]),
      [['quarantine', 'system']],
    );
    assert.equal(connect(A, '198.51.100.2', 8080), 'blocked', 'quarantined to the basics');
    assert.equal((await call('POST', `/intent/devices/${DEVICE_MAC}/release`, {})).statusCode, 200);
    assert.equal(connect(A, '198.51.100.2', 8080), 'open', 'released');

    // The name moves away: after its TTL (at least 30 s) the manager re-resolves and the device follows it.
    dns.answers[CLOUD] = { addresses: ['203.0.113.9'], ttl: 5 };
    await p.platform.intent?.manager.tick(new Date(Date.now() + 31_000));
    assert.equal(connect(A, '198.51.100.2', 8080), 'blocked', 'the old address is no longer allowed');

    assert.equal((await call('DELETE', `/intent/devices/${DEVICE_MAC}`)).statusCode, 200);
    assert.equal(connect(A, '198.51.100.2', 8081), 'open', 'removed: no rules left for the device');
  });
});

describe('intent role with a capture interface that does not exist', { skip: skipReason(['tcpdump', '--version']) }, () => {
  test('the start fails naming the setting, and nothing is left listening', async () => {
    const port = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => ok(p));
      });
    });
    await assert.rejects(
      startTestPlatform('iotopia-intent-nocap-', {
        roles: 'intent',
        listen: `127.0.0.1:${port}`,
        intentGateway: `gw-nocap-${id}`,
        intentCaptureInterface: 'nosuchif0',
        intentTickInterval: '3600',
      }),
      (e: unknown) => e instanceof ConfigError && /intent-capture-interface nosuchif0/.test(e.message),
    );
    // The port is free again: the listener was closed.
    await new Promise<void>((ok, fail) => {
      const s = createServer()
        .once('error', fail)
        .listen(port, '127.0.0.1', () => s.close(() => ok()));
    });
  });
});

describe('intent role with a device interface on real nftables', { skip }, () => {
  const tag = `${id}x`;
  const [R2, A2, C2] = ['r', 'a', 'c'].map((n) => `iot-mgr-${tag}${n}`) as [string, string, string];
  let p: TestPlatform | undefined;
  const servers: ChildProcess[] = [];
  before(async () => {
    routedPair(R2, A2, C2, DEVICE_MAC, tag);
    // A second address the device set itself: the manager is never told it.
    sh('ip', '-n', A2, 'addr', 'add', '192.0.2.3/24', 'dev', 'va');
    servers.push(await tcpServers(A2), await tcpServers(C2));
  });
  after(async () => {
    await p?.close();
    for (const s of servers) s.kill();
    deleteNamespaces(R2, A2, C2);
  });

  test('unsolicited inbound to the address the manager was not told is dropped; allowed inbound to the known one passes', async () => {
    assert.equal(connect(C2, '192.0.2.3', 8081), 'open', 'nothing enforced yet');
    const mud = memoryFetcher();
    const tcp = (port: number, dir: 'source-port' | 'destination-port', initiated?: string) => ({
      [dir]: { operator: 'eq', port },
      ...(initiated === undefined ? {} : { 'ietf-mud:direction-initiated': initiated }),
    });
    mud.files.set(
      MUD_URL,
      parse(
        mudJson(
          [{ ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': CLOUD }, tcp: tcp(8080, 'destination-port', 'from-device') }],
          [{ ipv4: { protocol: 6, 'ietf-acldns:src-dnsname': CLOUD }, tcp: tcp(8081, 'destination-port') }],
        ),
      ),
    );
    const dns = mapResolver({ [CLOUD]: { addresses: ['198.51.100.2'], ttl: 300 } });
    const gw = `gw-${tag}`;
    p = await startTestPlatform(
      'iotopia-intent-devif-nft-',
      { roles: 'intent', intentGateway: gw, intentNetns: R2, intentTickInterval: '3600', intentDeviceInterface: 'ra' },
      { intentPorts: { resolver: dns.resolver, fetcher: mud.fetcher } },
    );
    const platform = p.platform;
    for (let i = 0; i < 100 && (await platform.store.intentLeases.get(gw)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const r = await platform.app.inject({
      method: 'POST',
      url: '/api/v1/intent/devices',
      headers: bearer(platform.firstAdminToken as string),
      payload: { mac: DEVICE_MAC, ipv4: '192.0.2.2', mudUrl: MUD_URL },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().state, 'enforced', JSON.stringify(r.json().lastError));
    assert.match(sh('ip', 'netns', 'exec', R2, 'nft', 'list', 'chain', 'inet', 'iotopia', 'to_device'), /oifname "ra" counter/);
    assert.equal(connect(C2, '192.0.2.2', 8081), 'open', 'inbound the file allows, to the address the manager has');
    assert.equal(connect(C2, '192.0.2.2', 8080), 'blocked', 'default deny at the known address');
    assert.equal(connect(C2, '192.0.2.3', 8081), 'blocked', 'the address the manager was not told is closed');
    assert.equal(connect(A2, '198.51.100.2', 8080), 'open', 'the device still opens what its file allows');
    // A batch reconciliation (as on gaining the lease) keeps the rule.
    assert.equal(await platform.intent?.manager.reconcile(), 1);
    assert.equal(connect(C2, '192.0.2.3', 8081), 'blocked', 'still closed after reconciling');
  });
});
