/**
 * The shared MUD vectors resolve and compile to nftables: the RFC 8520 example, every NIST
 * per-abstraction case with the bindings its folder states (controller-class mapping, local
 * networks, device associations), and every visualizer file. As root, each script also passes
 * `nft -c -f` inside a namespace the test makes. Skips only when the vectors are absent.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IntentError } from '../../src/intent/errors.ts';
import { parsePrefix } from '../../src/intent/ip.ts';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { DeviceContext } from '../../src/intent/resolve-types.ts';
import type { MudFile } from '../../src/mud/model/mud-file.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { Namespace, skipReason, toolMissing } from '../helpers/netns.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const mudDir = vectorPath('mud');
const nftSkip = toolMissing('nft') || skipReason();

function load(path: string): MudFile {
  const r = parseMud(readFileSync(path));
  assert.deepEqual(r.errors, [], path);
  assert.ok(r.mud !== undefined);
  return r.mud;
}

/** What a file asks the context for: its DNS names, controller classes, manufacturers, models and flags. */
interface Referenced {
  names: Set<string>;
  controllers: Set<string>;
  manufacturers: Set<string>;
  models: Set<string>;
  myController: boolean;
  localNetworks: boolean;
  sameManufacturer: boolean;
  aces: number;
}

function referenced(file: MudFile): Referenced {
  const r: Referenced = {
    names: new Set(),
    controllers: new Set(),
    manufacturers: new Set(),
    models: new Set(),
    myController: false,
    localNetworks: false,
    sameManufacturer: false,
    aces: 0,
  };
  for (const acl of file.acls)
    for (const ace of acl.aces) {
      r.aces += 1;
      const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
      for (const n of [ip?.srcDnsName, ip?.dstDnsName]) if (n !== undefined) r.names.add(n.toLowerCase());
      const m = ace.matches.mud;
      if (m?.controller !== undefined) r.controllers.add(m.controller);
      if (m?.manufacturer !== undefined) r.manufacturers.add(m.manufacturer.toLowerCase());
      if (m?.model !== undefined) r.models.add(m.model);
      r.myController ||= m?.myController === true;
      r.localNetworks ||= m?.localNetworks === true;
      r.sameManufacturer ||= m?.sameManufacturer === true;
    }
  return r;
}

/** The number of ACEs the file's policies use (an ACL may be defined and not named by a policy). */
function policyAces(file: MudFile): number {
  const names = [...(file.mud.fromDevicePolicy?.aclNames ?? []), ...(file.mud.toDevicePolicy?.aclNames ?? [])];
  return names.reduce((n, name) => n + (file.acls.find((a) => a.name === name)?.aces.length ?? 0), 0);
}

let nsForCheck: Namespace | undefined;

/** `nft -c -f` of the script inside the test's namespace; skipped (undefined) without root or nft. */
function nftCheck(script: string): void {
  if (nsForCheck === undefined) return;
  const r = nsForCheck.exec('nft', ['-c', '-f', '-'], script);
  assert.equal(r.status, 0, r.stderr);
}

/** Compiles and checks; returns the script. Every ACE the policies name must be resolved, none left out. */
function compileChecked(file: MudFile, ctx: DeviceContext): string {
  const policy = resolveMud(file, ctx);
  assert.deepEqual(policy.warnings, []);
  const resolved = [...policy.fromDevice, ...policy.toDevice].reduce((n, a) => n + a.aces.length, 0);
  assert.equal(resolved, policyAces(file), 'every ACE of the policies is resolved');
  const script = compileNft(policy, { dnsServers: ['192.0.2.53'] });
  nftCheck(script);
  return script;
}

/** Whether a set element of the script is `addr` (or its prefix), as the compiler writes it (ip.ts; a host without its length). */
function inScript(script: string, addr: string): boolean {
  const text = parsePrefix(addr)?.text.replace(/\/(32|128)$/, '');
  assert.ok(text !== undefined, addr);
  return script.includes(`elements = { ${text}`) || script.includes(` ${text},`) || script.includes(` ${text} }`);
}

/** Each binding (the addresses of one name or abstraction) reaches the script through one of its addresses at least. */
function assertBound(script: string, bindings: string[][]): void {
  assert.ok(bindings.length > 0, 'the file uses at least one abstraction or name');
  for (const b of bindings)
    assert.ok(
      b.some((a) => inScript(script, a)),
      `one of ${b.join(', ')} is a set element of the script`,
    );
}

/** A device context binding each abstraction the file uses to its own documentation addresses. */
function boundContext(file: MudFile): { ctx: DeviceContext; bound: string[][] } {
  const ref = referenced(file);
  let i = 10;
  const pair = (): string[] => {
    i += 1;
    return [`203.0.113.${i}`, `2001:db8:ff::${i}`];
  };
  const bind = (keys: Set<string>) => new Map([...keys].map((k) => [k, pair()]));
  const names = bind(ref.names);
  const controllers = bind(ref.controllers);
  const manufacturers = bind(ref.manufacturers);
  const models = bind(ref.models);
  const myControllers = ref.myController ? pair() : [];
  const localNetworks = ref.localNetworks ? ['198.51.100.0/24', '2001:db8:2::/64'] : [];
  if (ref.sameManufacturer) manufacturers.set(new URL(file.mud.mudUrl).host.toLowerCase(), pair());
  const bound = [
    ...names.values(),
    ...controllers.values(),
    ...manufacturers.values(),
    ...models.values(),
    myControllers,
    localNetworks,
  ].filter((b) => b.length > 0);
  const ctx: DeviceContext = {
    mac: '02:00:00:00:00:0a',
    ipv4: '192.0.2.2',
    ipv6: '2001:db8:1::2',
    controllers,
    myControllers,
    localNetworks,
    names,
    manufacturers,
    models,
  };
  return { ctx, bound };
}

type Expectation = 'compile' | { code: IntentError['code']; mentions: string; why: string };

interface NistCase {
  name: string;
  dir: string;
  files: string[];
  expect: Expectation;
}

/**
 * What each case is expected to give. controllerclass-test names the class
 * `https://controller.nist.local`, which its controllerclass-mapping.json does not bind (the mapping
 * has only the dns, ntp and dhcp URNs and the device's own URL): a typed unresolved error.
 */
const NIST_EXPECT: Record<string, Expectation> = {
  'mud-controllerclass-test': {
    code: 'ERR_INTENT_UNRESOLVED',
    mentions: 'controller https://controller.nist.local',
    why: 'unresolved, the mapping binds no address to the controller class the file names',
  },
};

function nistCases(mud: string | undefined): NistCase[] {
  if (mud === undefined) return [];
  const root = join(mud, 'nist');
  return readdirSync(root)
    .filter((d) => d.startsWith('mud-'))
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /(^|\/)mudfile[^/]*\.json$/.test(f)).sort();
      return { name, dir, files, expect: NIST_EXPECT[name] ?? 'compile' };
    });
}

interface NistMapping {
  'controllerclass-mapping': { controller: { uri: string; 'address-list': string[] }[]; 'local-networks'?: string[] };
}

interface NistAssociation {
  mapping: { 'device-id': string[]; 'mud-url': string };
}

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/**
 * The cases state devices by MAC only; a device gets 10.0.0.<last MAC octet> inside the stated
 * local network 10.0.0.0/24. A `file:` MUD URL in an association names the case's own file.
 */
const nistAddress = (mac: string): string => `10.0.0.${Number.parseInt(mac.slice(-2), 16)}`;

/** A case without device associations (its device announces its MUD URL by DHCP): this MAC. */
const DHCP_DEVICE_MAC = '00:00:00:00:00:01';

function nistContext(dir: string, file: MudFile): DeviceContext {
  const mapping = json<NistMapping>(join(dir, 'controllerclass-mapping.json'))['controllerclass-mapping'];
  const devices = new Map<string, string>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('device-association'))) {
    const m = json<NistAssociation>(join(dir, f)).mapping;
    const url = m['mud-url'].startsWith('file:') ? file.mud.mudUrl : m['mud-url'];
    for (const mac of m['device-id']) devices.set(mac.toLowerCase(), url);
  }
  if (devices.size === 0) devices.set(DHCP_DEVICE_MAC, file.mud.mudUrl);
  const own = [...devices].filter(([, url]) => url === file.mud.mudUrl).map(([mac]) => mac);
  const mac = own[0] as string;
  const controllers = new Map(mapping.controller.map((c) => [c.uri, c['address-list']]));
  const manufacturers = new Map<string, string[]>();
  const models = new Map<string, string[]>();
  for (const [m, url] of devices) {
    const host = new URL(url).host.toLowerCase();
    manufacturers.set(host, [...(manufacturers.get(host) ?? []), nistAddress(m)]);
    models.set(url, [...(models.get(url) ?? []), nistAddress(m)]);
  }
  return {
    mac,
    ipv4: nistAddress(mac),
    controllers,
    // RFC 8520 §8.5: the controllers configured for this device's MUD URL, here the mapping's entry for it.
    myControllers: controllers.get(file.mud.mudUrl) ?? [],
    localNetworks: mapping['local-networks'] ?? [],
    // Not stated by the cases (their DNS server answered): the test's resolver answers these.
    names: new Map([
      ['www.nist.local', ['203.0.113.80']],
      ['www.nist.gov', ['203.0.113.81']],
    ]),
    manufacturers,
    models,
  };
}

/** The stated bindings a compiled file must contain, for the abstractions it uses. */
function expectedBindings(file: MudFile, ctx: DeviceContext): string[][] {
  const ref = referenced(file);
  const get = (m: Map<string, string[]> | undefined, k: string): string[] => m?.get(k) ?? [];
  return [
    ...[...ref.names].map((n) => get(ctx.names, n)),
    ...[...ref.controllers].map((c) => get(ctx.controllers, c)),
    ...[...ref.manufacturers].map((m) => get(ctx.manufacturers, m)),
    ...[...ref.models].map((m) => get(ctx.models, m)),
    ...(ref.myController ? [ctx.myControllers] : []),
    ...(ref.localNetworks ? [ctx.localNetworks] : []),
    ...(ref.sameManufacturer ? [get(ctx.manufacturers, new URL(file.mud.mudUrl).host.toLowerCase())] : []),
  ];
}

describe('shared MUD vectors resolve and compile', { skip: mudDir === undefined && vectorsMissing('mud') }, () => {
  before(() => {
    if (nftSkip === false) nsForCheck = new Namespace('vec');
  });
  after(() => nsForCheck?.destroy());

  test(`RFC 8520 example (nft -c: ${nftSkip || 'yes'})`, () => {
    const file = load(join(mudDir as string, 'rfc8520-lightbulb2000.json'));
    const ref = referenced(file);
    const names = new Map([...ref.names].map((n, i) => [n, [`203.0.113.${10 + i}`, `2001:db8:ff::${10 + i}`]]));
    const script = compileChecked(file, {
      mac: '02:00:00:00:00:0a',
      ipv4: '192.0.2.2',
      controllers: new Map(),
      myControllers: [],
      localNetworks: [],
      names,
    });
    assertBound(script, [...names.values()]);
  });

  describe('NIST per-abstraction cases, with the bindings their folders state', () => {
    for (const c of nistCases(mudDir)) {
      for (const mudfile of c.files) {
        const name = `${c.name}/${mudfile}${c.expect === 'compile' ? '' : `: ${c.expect.why}`}`;
        test(name, () => {
          const file = load(join(c.dir, mudfile));
          const ctx = nistContext(c.dir, file);
          if (c.expect !== 'compile') {
            const expected = c.expect;
            assert.throws(
              () => resolveMud(file, ctx),
              (e) => e instanceof IntentError && e.code === expected.code && e.message.includes(expected.mentions),
            );
            const lenient = resolveMud(file, ctx, { lenient: true });
            assert.ok(lenient.warnings.length > 0 && lenient.warnings.every((w) => w.code === expected.code));
            nftCheck(compileNft(lenient));
            return;
          }
          const script = compileChecked(file, ctx);
          assertBound(script, expectedBindings(file, ctx));
        });
      }
    }
  });

  describe('visualizer files, each abstraction bound to documentation addresses', () => {
    const dir = join(mudDir as string, 'visualizer');
    const files = mudDir === undefined ? [] : [...readdirSync(dir).filter((f) => f.endsWith('.json')), 'other/Igor_mudfile.json'];
    for (const f of files) {
      if (f === 'tester_local_network3_udp.json') {
        test(`${f}: refused by validation, two ACEs of one ACL share a name (RFC 8519 §4.1 key "name")`, () => {
          const r = parseMud(readFileSync(join(dir, f)), { lenient: true });
          assert.equal(r.mud, undefined);
          assert.deepEqual(
            r.errors.map((e) => e.code),
            ['ERR_MUD_DUPLICATE_NAME'],
          );
        });
        continue;
      }
      test(f, () => {
        const file = load(join(dir, f));
        const { ctx, bound } = boundContext(file);
        const script = compileChecked(file, ctx);
        assertBound(script, bound);
      });
    }
  });
});
