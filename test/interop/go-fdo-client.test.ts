/**
 * go-fdo-client v1.0.0, an independent FDO 1.1 device, against IoTopia's manufacturer, rendezvous
 * and owner: one test per matrix cell, and the matrix written to docs/interop.md. Every cell runs
 * over HTTPS: the IoTopia servers serve TLS with their platform TLS CA (`iotopia up --tls`), the
 * planned owner with a test CA, and the client trusts those CAs through SSL_CERT_FILE (never
 * --insecure-tls). Skipped, saying
 * why, when the peer binary has not been built (test/interop/go-peers/install.sh needs Go).
 *
 * A cell whose failure is the peer's documented deviation (docs/interop.md, "Deviations found")
 * asserts that the deviation still happens, so the suite notices when the peer changes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PublicKeyEncoding } from '../../src/fdo/constants/crypto.ts';
import { guidFromText } from '../../src/fdo/types/guid.ts';
import { publicKeyFingerprint } from '../../src/fdo/types/public-key.ts';
import { encodeVoucherPem } from '../../src/fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { storeOwnerVoucherStore } from '../../src/onboarding/owner-vouchers.ts';
import { loopbackTls } from '../helpers/tls.ts';
import { type CellResult, type CellSpec, Matrix } from './go-fdo-client/matrix.ts';
import {
  type Device,
  type DeviceKey,
  deviceInit,
  newDevice,
  ONBOARDED,
  type OnboardFlags,
  onboard,
  PEER_STATE,
  type PeerRun,
  peerBinary,
  peerError,
  printCredential,
  REUSED,
} from './go-fdo-client/peer.ts';
import {
  api,
  extendFrom,
  manufacturerVoucher,
  ownerKeyFor,
  ownerVoucher,
  type PlannedOwner,
  publicPem,
  registerOverHttp,
  type Server,
  startPlannedOwner,
  startServer,
} from './go-fdo-client/servers.ts';

const peer = peerBinary();
if (peer.skip !== undefined) console.log(`# ${peer.skip}`);
const BIN = peer.bin ?? '';

const ALL = 'one server, all roles: DI, auto-owner, TO0 in process, TO1, TO2';
const PLANNED = 'DI, voucher extended in process, TO0 over HTTPS, TO1, TO2 at an owner with plans';
/** What every cell runs over. */
const TRANSPORT = 'HTTPS';
const CELLS: CellSpec[] = [
  { id: 'A1', what: 'DI, transfer, TO0, TO1, TO2', key: 'ec256', kex: 'ECDH256', cipher: 'A128GCM', keyEnc: 'x509', path: ALL },
  { id: 'A2', what: 'DI, transfer, TO0, TO1, TO2', key: 'ec384', kex: 'ECDH384', cipher: 'A256GCM', keyEnc: 'x509', path: ALL },
  { id: 'A3', what: 'key encoding', key: 'ec256', kex: 'ECDH256', cipher: 'A256GCM', keyEnc: 'cose', path: ALL },
  { id: 'A4', what: 'key encoding', key: 'ec384', kex: 'ECDH384', cipher: 'A128GCM', keyEnc: 'x5chain', path: ALL },
  { id: 'A5', what: 'CBC cipher suite', key: 'ec256', kex: 'ECDH256', cipher: 'COSEAES128CBC', keyEnc: 'x509', path: ALL },
  { id: 'A6', what: 'CTR cipher suite', key: 'ec384', kex: 'ECDH384', cipher: 'COSEAES256CTR', keyEnc: 'x509', path: ALL },
  { id: 'A7', what: 'CCM cipher suite', key: 'ec256', kex: 'ECDH256', cipher: 'AES-CCM-64-128-128', keyEnc: 'x509', path: ALL },
  {
    id: 'B1',
    what: 'RSA device, DHKEX',
    key: 'rsa2048',
    kex: 'DHKEXid14',
    cipher: 'A128GCM',
    keyEnc: 'x509',
    path: `${ALL} (key type rsa2048)`,
  },
  {
    id: 'B2',
    what: 'RSA device, ASYMKEX',
    key: 'rsa2048',
    kex: 'ASYMKEX2048',
    cipher: 'A256GCM',
    keyEnc: 'x509',
    path: `${ALL} (key type rsa2048)`,
  },
  {
    id: 'B3',
    what: 'RSA device, DHKEX',
    key: 'rsa3072',
    kex: 'DHKEXid15',
    cipher: 'A256GCM',
    keyEnc: 'x509',
    path: `${ALL} (key type rsa3072)`,
  },
  {
    id: 'B4',
    what: 'RSA device, ASYMKEX',
    key: 'rsa3072',
    kex: 'ASYMKEX3072',
    cipher: 'A128GCM',
    keyEnc: 'x509',
    path: `${ALL} (key type rsa3072)`,
  },
  {
    id: 'C1',
    what: 'voucher through the management API',
    key: 'ec256',
    kex: 'ECDH256',
    cipher: 'A128GCM',
    keyEnc: 'x509',
    path: 'manufacturer+rendezvous server: DI, API extend and PEM export; owner server: API import; TO0 over HTTPS; TO1, TO2',
  },
  {
    id: 'C2',
    what: 'resale',
    key: 'ec256',
    kex: 'ECDH256',
    cipher: 'A128GCM',
    keyEnc: 'x509',
    path: 'as C1, then the replacement voucher extended to a second owner server, API import, TO0 over HTTPS, onboard --resale',
  },
  {
    id: 'D1',
    what: 'key encoding, certified manufacturer key',
    key: 'ec256',
    kex: 'ECDH256',
    cipher: 'A128GCM',
    keyEnc: 'x5chain',
    path: PLANNED,
  },
  { id: 'D2', what: 'fdo.download', key: 'ec256', kex: 'ECDH256', cipher: 'A128GCM', keyEnc: 'x509', path: PLANNED },
  { id: 'D3', what: 'fdo.upload', key: 'ec256', kex: 'ECDH256', cipher: 'A128GCM', keyEnc: 'x509', path: PLANNED },
  { id: 'D4', what: 'fdo.command', key: 'ec384', kex: 'ECDH384', cipher: 'A256GCM', keyEnc: 'x509', path: PLANNED },
  { id: 'D5', what: 'fdo.wget', key: 'ec256', kex: 'ECDH256', cipher: 'A128GCM', keyEnc: 'x509', path: PLANNED },
  { id: 'D6', what: 'credential reuse, onboarded twice', key: 'ec256', kex: 'ECDH256', cipher: 'A128GCM', keyEnc: 'x509', path: PLANNED },
];
const matrix = new Matrix(CELLS, TRANSPORT);

const work = mkdtempSync(join(tmpdir(), 'iotopia-go-fdo-client-'));
/**
 * The CAs the device trusts, one PEM bundle in a directory of its own (SSL_CERT_FILE and
 * SSL_CERT_DIR): each server's CA is added as it starts, the file replaced whole so a client
 * starting meanwhile reads the old or the new bundle, never half of one.
 */
const trustDir = join(work, 'trust');
mkdirSync(trustDir);
const TRUST = join(trustDir, 'ca-bundle.pem');
const trusted: string[] = [];
function trust(pem: string): void {
  trusted.push(pem);
  const next = `${TRUST}.${trusted.length}.tmp`;
  writeFileSync(next, trusted.join('\n'));
  renameSync(next, TRUST);
}
const servers: { close(): Promise<void> }[] = [];
after(async () => {
  for (const s of servers.reverse()) await s.close().catch(() => {});
  rmSync(work, { recursive: true, force: true });
  if (peer.skip === undefined && matrix.complete && matrix.write()) console.log('# docs/interop.md: the go-fdo-client matrix changed');
});

async function start(name: string, settings: Parameters<typeof startServer>[1]): Promise<Server> {
  const s = await startServer(join(work, name), settings);
  servers.push(s);
  trust(s.ca);
  return s;
}

/** Runs one cell: its outcome goes in the matrix; an unexpected failure is recorded and fails the test. */
async function cell(id: string, body: (spec: CellSpec, device: Device) => Promise<CellResult>): Promise<void> {
  const spec = matrix.cell(id);
  const device = newDevice(work, `device-${id}`, spec.key as DeviceKey, TRUST);
  try {
    matrix.record(id, await body(spec, device));
  } catch (e) {
    matrix.record(id, { outcome: 'fail', note: (e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 300) ?? '' });
    throw e;
  }
}

const flagsOf = (spec: CellSpec, more: Partial<OnboardFlags> = {}): OnboardFlags => ({ kex: spec.kex, cipher: spec.cipher, ...more });

async function init(device: Device, url: string, keyEnc: string): Promise<string> {
  const r = await deviceInit(BIN, device, url, keyEnc as 'x509', `SN-${device.dir.split('-').at(-1)}`);
  assert.equal(r.code, 0, `device-init failed: ${peerError(r)}`);
  const cred = await printCredential(BIN, device);
  assert.equal(cred.state, PEER_STATE.PRE_TO1);
  return cred.guid;
}

/** The device onboarded: the client says so, holds a new GUID, and the owner recorded it. */
async function assertOnboarded(r: PeerRun, device: Device, owner: Server, guid: string): Promise<string> {
  assert.ok(r.code === 0 && ONBOARDED.test(r.log), `onboarding failed: ${peerError(r)}`);
  const cred = await printCredential(BIN, device);
  assert.equal(cred.state, PEER_STATE.IDLE);
  assert.notEqual(cred.guid, guid, 'TO2 gave the device a new GUID');
  assert.equal((await ownerVoucher(owner, guid))?.state, 'onboarded');
  const replacement = await ownerVoucher(owner, cred.guid);
  assert.ok(replacement !== undefined, 'the owner keeps the replacement voucher');
  return cred.guid;
}

function headerEncoding(voucher: Uint8Array): number {
  return parseVoucher(voucher).header.pubKey.encoding;
}

describe('go-fdo-client (device) against IoTopia', { skip: peer.skip ?? false, concurrency: true }, () => {
  describe('one server with all roles (manufacturer key type secp256r1)', { concurrency: true }, () => {
    let server: Server;
    before(async () => {
      server = await start('all', {});
    });

    for (const id of ['A1', 'A2', 'A3', 'A4']) {
      test(`${id}: DI, TO0, TO1 and TO2, ${matrix.cell(id).key} / ${matrix.cell(id).kex} / ${matrix.cell(id).cipher} / ${matrix.cell(id).keyEnc}`, () =>
        cell(id, async (spec, device) => {
          const guid = await init(device, server.url, spec.keyEnc);
          const enc = headerEncoding(await manufacturerVoucher(server, guid));
          const r = await onboard(BIN, device, flagsOf(spec));
          await assertOnboarded(r, device, server, guid);
          // The platform's manufacturer keys carry a self-signed certificate, so DI answers a
          // device asking for X5CHAIN with one.
          const [want, name] =
            spec.keyEnc === 'cose'
              ? [PublicKeyEncoding.COSEKEY, 'COSEKEY']
              : spec.keyEnc === 'x5chain'
                ? [PublicKeyEncoding.X5CHAIN, 'X5CHAIN (the self-signed certificate of the platform manufacturer key)']
                : [PublicKeyEncoding.X509, 'X509'];
          assert.equal(enc, want);
          return { outcome: 'pass', note: `voucher header key encoded as ${name}` };
        }));
    }

    for (const id of ['A5', 'A6']) {
      test(`${id}: ${matrix.cell(id).cipher} does not interoperate (peer deviation GC-1)`, () =>
        cell(id, async (spec, device) => {
          await init(device, server.url, spec.keyEnc);
          const r = await onboard(BIN, device, flagsOf(spec));
          assert.notEqual(r.code, 0, `${spec.cipher} onboarded: the documented deviation is gone, update docs/interop.md`);
          assert.match(r.log, /error decrypting message 65: value of COSE_Mac0 tag did not match expected/);
          return {
            outcome: 'fail',
            note: 'peer deviation GC-1 (SVK length, inner COSE_Encrypt0 header): the device rejects TO2.SetupDevice as not authentic',
          };
        }));
    }

    // Not a matrix cell: shows that the client verifies the server certificate, so every cell's HTTPS is real.
    test('without the platform TLS CA in SSL_CERT_FILE the client refuses the server certificate and DI does not run', async () => {
      const device = newDevice(work, 'device-distrusting', 'ec256');
      const r = await deviceInit(BIN, device, server.url, 'x509', 'SN-DISTRUSTING');
      assert.notEqual(r.code, 0, 'device-init succeeded without trusting the server CA');
      assert.match(r.log, /x509: certificate signed by unknown authority|certificate/);
    });

    test('A7: AES-CCM-64-128-128 is offered by the client but not implemented by its library', () =>
      cell('A7', async (spec, device) => {
        await init(device, server.url, spec.keyEnc);
        const r = await onboard(BIN, device, flagsOf(spec));
        assert.notEqual(r.code, 0, 'AES-CCM onboarded: the peer supports it now, update docs/interop.md');
        assert.match(r.log, /panic: cipher suite not registered: 32/);
        return {
          outcome: 'not supported by the peer',
          note: 'the client accepts --cipher AES-CCM-64-128-128, then panics: cipher suite 32 not registered (peer deviation GC-2)',
        };
      }));
  });

  for (const [keyType, ids] of [
    ['rsa2048', ['B1', 'B2']],
    ['rsa3072', ['B3', 'B4']],
  ] as const) {
    describe(`one server with all roles (manufacturer and owner key type ${keyType})`, { concurrency: true }, () => {
      let server: Server;
      before(async () => {
        server = await start(keyType, { keyType });
      });
      for (const id of ids) {
        test(`${id}: ${matrix.cell(id).key} device with ${matrix.cell(id).kex} / ${matrix.cell(id).cipher}`, () =>
          cell(id, async (spec, device) => {
            const guid = await init(device, server.url, spec.keyEnc);
            const r = await onboard(BIN, device, flagsOf(spec));
            await assertOnboarded(r, device, server, guid);
            return {
              outcome: 'pass',
              note: `${keyType.toUpperCase().replace('RSA', 'RSA-')} owner key (the key exchanges the crypto mapping pairs with it)`,
            };
          }));
      }
    });
  }

  describe('separate manufacturer and owner servers, the voucher through the management API', { concurrency: true }, () => {
    let maker: Server;
    let owner: Server;
    let buyer: Server;
    before(async () => {
      maker = await start('maker', { roles: 'manufacturer,rendezvous', autoOwner: false });
      owner = await start('owner', { roles: 'owner', autoOwner: false });
      buyer = await start('buyer', { roles: 'owner', autoOwner: false });
      // The replacement voucher TO2 gives the first owner names that owner's key as its manufacturer
      // key. The maker's rendezvous trusts only the maker's own keys by default, so for the resale
      // cell (C2) its operator trusts the first owner's keys too.
      const fingerprints = [...maker.keys.manufacturer, ...owner.keys.owner].map((k) => publicKeyFingerprint(k.privateKey));
      const policy = await api(maker, 'PUT', '/rendezvous/policy', { json: { mode: 'trusted', manufacturerKeys: fingerprints } });
      assert.equal(policy.status, 200, JSON.stringify(policy.body));
    });

    /** DI at the maker, the voucher extended and exported (PEM) by the maker's API, imported by the owner's API, TO0 over HTTP. */
    async function sellThroughApi(device: Device, spec: CellSpec): Promise<string> {
      const guid = await init(device, maker.url, spec.keyEnc);
      const extended = await api(maker, 'POST', `/manufacturer/vouchers/${guid}/extend`, {
        json: { ownerKey: publicPem(ownerKeyFor(owner, 'secp256r1')) },
      });
      assert.equal(extended.status, 200, JSON.stringify(extended.body));
      const pem = await api(maker, 'GET', `/manufacturer/vouchers/${guid}/pem`);
      assert.equal(pem.status, 200);
      const imported = await api(owner, 'POST', '/owner/vouchers', { pem: String(extended.body.pem) });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const stored = await ownerVoucher(owner, guid);
      assert.ok(stored !== undefined);
      await registerOverHttp(maker, owner, stored.voucher, owner.url);
      return guid;
    }

    test('C1: voucher exported from the manufacturer and imported into the owner through the API', () =>
      cell('C1', async (spec, device) => {
        const guid = await sellThroughApi(device, spec);
        const r = await onboard(BIN, device, flagsOf(spec));
        await assertOnboarded(r, device, owner, guid);
        return { outcome: 'pass', note: 'TO1 at the maker, TO2 at the owner' };
      }));

    test('C2: resale, the replacement voucher extended to a second owner, onboard --resale', () =>
      cell('C2', async (spec, device) => {
        const guid = await sellThroughApi(device, spec);
        const first = await onboard(BIN, device, flagsOf(spec));
        const second = await assertOnboarded(first, device, owner, guid);
        const replacement = await ownerVoucher(owner, second);
        assert.ok(replacement !== undefined);
        const resold = extendFrom(owner, replacement.voucher, ownerKeyFor(buyer, 'secp256r1'));
        const pem = encodeVoucherPem(parseVoucher(resold));
        const imported = await api(buyer, 'POST', '/owner/vouchers', { pem });
        assert.equal(imported.status, 201, JSON.stringify(imported.body));
        await registerOverHttp(maker, buyer, resold, buyer.url);
        const r = await onboard(BIN, device, flagsOf(spec, { resale: true }));
        await assertOnboarded(r, device, buyer, second);
        return { outcome: 'pass', note: 'the device onboarded to the second owner with the credential the first owner gave it' };
      }));
  });

  describe('an owner with ServiceInfo plans and Credential Reuse', { concurrency: true }, () => {
    let platform: Server;
    let planned: PlannedOwner;
    const files = join(work, 'owner-files');
    const uploads = join(work, 'owner-uploads');
    before(async () => {
      mkdirSync(files, { recursive: true });
      mkdirSync(uploads, { recursive: true });
      platform = await start('planned', { roles: 'manufacturer,rendezvous', autoOwner: false });
      const tls = await loopbackTls(work, 'planned-owner');
      trust(tls.ca);
      planned = await startPlannedOwner(platform, files, uploads, tls);
      servers.push(planned);
    });

    /** DI (at `diUrl`), the voucher extended to the platform's owner key and registered for the planned owner. */
    async function prepare(device: Device, spec: CellSpec, diUrl = platform.url): Promise<string> {
      const guid = await init(device, diUrl, spec.keyEnc);
      const voucher = extendFrom(
        platform,
        await manufacturerVoucher(platform, guid),
        ownerKeyFor(platform, spec.key === 'ec384' ? 'secp384r1' : 'secp256r1'),
      );
      await storeOwnerVoucherStore(platform.store).add(guidFromText(guid), voucher);
      await registerOverHttp(platform, platform, voucher, planned.url);
      return guid;
    }

    const outcomeOf = (guid: string, module: string) => planned.reports.get(guid)?.plans.find((p) => p.module === module);

    test('D1: X5CHAIN manufacturer key (a manufacturer key with a certificate)', () =>
      cell('D1', async (spec, device) => {
        const guid = await prepare(device, spec, planned.url);
        const voucher = parseVoucher(await manufacturerVoucher(platform, guid));
        assert.equal(voucher.header.pubKey.encoding, PublicKeyEncoding.X5CHAIN);
        const r = await onboard(BIN, device, flagsOf(spec));
        await assertOnboarded(r, device, platform, guid);
        return { outcome: 'pass', note: 'voucher header key encoded as X5CHAIN' };
      }));

    test('D2: fdo.download', () =>
      cell('D2', async (spec, device) => {
        const content = Buffer.from(`IoTopia fdo.download ${'0123456789'.repeat(300)}`);
        writeFileSync(join(files, 'download.bin'), content);
        const into = join(device.dir, 'downloads');
        mkdirSync(into);
        const guid = await prepare(device, spec);
        planned.plans.set(guid, [{ module: 'fdo.download', name: 'download.bin', source: 'download.bin' }]);
        const r = await onboard(BIN, device, flagsOf(spec, { downloadDir: into }));
        await assertOnboarded(r, device, platform, guid);
        assert.equal(outcomeOf(guid, 'fdo.download')?.status, 'done', JSON.stringify(outcomeOf(guid, 'fdo.download')));
        assert.deepEqual(readFileSync(join(into, 'download.bin')), content);
        return { outcome: 'pass', note: `${content.length} bytes in several blocks, SHA-384 checked by the device` };
      }));

    test('D3: fdo.upload', () =>
      cell('D3', async (spec, device) => {
        const content = Buffer.from(`device log ${'abcdef'.repeat(400)}`);
        writeFileSync(join(device.dir, 'device.log'), content);
        const guid = await prepare(device, spec);
        planned.plans.set(guid, [{ module: 'fdo.upload', name: 'device.log', target: `upload-${guid}.log` }]);
        const r = await onboard(BIN, device, flagsOf(spec));
        await assertOnboarded(r, device, platform, guid);
        assert.equal(outcomeOf(guid, 'fdo.upload')?.status, 'done', JSON.stringify(outcomeOf(guid, 'fdo.upload')));
        assert.deepEqual(readFileSync(join(uploads, `upload-${guid}.log`)), content);
        return { outcome: 'pass', note: `${content.length} bytes, SHA-384 checked by the owner` };
      }));

    test('D4: fdo.command', () =>
      cell('D4', async (spec, device) => {
        const guid = await prepare(device, spec);
        planned.plans.set(guid, [
          { module: 'fdo.command', command: 'sh', args: ['-c', 'echo interop-ok > command-ran.txt; echo interop-ok'], returnStdout: true },
        ]);
        const r = await onboard(BIN, device, flagsOf(spec));
        await assertOnboarded(r, device, platform, guid);
        const outcome = outcomeOf(guid, 'fdo.command');
        assert.equal(outcome?.status, 'done', JSON.stringify(outcome));
        assert.equal(outcome?.detail?.exitCode, 0);
        assert.equal(readFileSync(join(device.dir, 'command-ran.txt'), 'utf8'), 'interop-ok\n');
        // The owner keeps stdout as base64.
        assert.match(Buffer.from(String(outcome?.detail?.stdout), 'base64').toString('utf8'), /^interop-ok\n/);
        return { outcome: 'pass', note: 'the command ran on the device; exit code and stdout reported to the owner' };
      }));

    test('D5: fdo.wget', () =>
      cell('D5', async (spec, device) => {
        const content = Buffer.from(`IoTopia fdo.wget ${'xyz'.repeat(500)}`);
        writeFileSync(join(files, 'wget.bin'), content);
        const into = join(device.dir, 'wget');
        mkdirSync(into);
        const guid = await prepare(device, spec);
        planned.plans.set(guid, [
          {
            module: 'fdo.wget',
            url: `${planned.url}/files/wget.bin`,
            name: 'wget.bin',
            sha384: new Uint8Array(createHash('sha384').update(content).digest()),
            length: content.length,
          },
        ]);
        const r = await onboard(BIN, device, flagsOf(spec, { wgetDir: into }));
        await assertOnboarded(r, device, platform, guid);
        assert.equal(outcomeOf(guid, 'fdo.wget')?.status, 'done', JSON.stringify(outcomeOf(guid, 'fdo.wget')));
        assert.deepEqual(readFileSync(join(into, 'wget.bin')), content);
        return { outcome: 'pass', note: 'the device fetched the file over HTTPS from loopback and checked its SHA-384' };
      }));

    test('D6: Credential Reuse: the owner keeps the credential, the client calls the finished TO2 a failure (peer deviation GC-3)', () =>
      cell('D6', async (spec, device) => {
        const guid = await prepare(device, spec);
        planned.reuse.add(guid);
        const failedTo2 = /ERROR: TO2 failed[\s\S]*error: <nil>/;
        for (const round of [1, 2]) {
          const r = await onboard(BIN, device, flagsOf(spec, { reuse: true }));
          // IoTopia's side: TO2 ran to TO2.Done2 with the current GUID as the replacement.
          const record = await platform.store.devices.get(guidFromText(guid));
          assert.equal(record?.replacementGuid === undefined ? undefined : Buffer.from(record.replacementGuid).toString('hex'), guid);
          assert.equal((await ownerVoucher(platform, guid))?.state, 'onboarded');
          assert.deepEqual(planned.errors, [], 'no TO2 session of the owner ended in error');
          const cred = await printCredential(BIN, device);
          assert.equal(cred.guid, guid, 'the device keeps its GUID');
          assert.equal(cred.state, PEER_STATE.PRE_TO1);
          // The peer's side: the finished TO2 is logged as a failure and the client goes into its retry wait.
          assert.ok(!REUSED.test(r.log), `round ${round}: the client now reports Credential Reuse as done; update docs/interop.md`);
          assert.match(r.log, failedTo2, `round ${round}: ${peerError(r)}`);
          assert.equal(r.ended, 'retry-wait');
        }
        return {
          outcome: 'fail',
          note: 'peer deviation GC-3: IoTopia finished TO2 twice with the credential kept (GUID, rendezvous info, owner key), but the client logs TO2 failed (with a nil error) and retries',
        };
      }));
  });
});
