/**
 * IoTopia's device agent against go-fdo-server v1.0.1 in each of its roles (manufacturing,
 * rendezvous, owner, and all three in a row), and mixed voucher chains: go-fdo-server's
 * manufacturer → IoTopia's owner, IoTopia's manufacturer → go-fdo-server's owner. Every cell is a
 * test, and every cell runs over HTTPS: one test CA issues the certificate of every server (theirs
 * through --http-cert/--http-key, IoTopia's through tlsCert/tlsKey), IoTopia's device and its owner's
 * TO0 trust it (tlsCa, outboundTlsCa), go-fdo-server's own TO0 trusts it through SSL_CERT_FILE. At
 * the end the suite rewrites its table in docs/interop.md. Without the built peers
 * (test/interop/go-peers/install.sh) the suite says so and skips.
 */
import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { publicKeyOf } from '../../src/crypto/private-key-handle.ts';
import { rendezvousUrls } from '../../src/fdo/client/addresses.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyEncoding, PublicKeyType } from '../../src/fdo/constants/crypto.ts';
import { RVProtocolValue } from '../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import { createDiManufacturer } from '../../src/fdo/protocol/di-manufacturer.ts';
import { MemoryManufacturerVoucherStore } from '../../src/fdo/protocol/memory-stores.ts';
import { type RendezvousDirective, rendezvousDirectiveFromView, rendezvousDirectiveView } from '../../src/fdo/types/rendezvous-info.ts';
import { encodeVoucherPem } from '../../src/fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../src/fdo/voucher/voucher-verify.ts';
import { createApp } from '../../src/server/app.ts';
import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { httpsAppOptions, type LoopbackTls, listenLoopback, loopbackTls } from '../helpers/tls.ts';
import { writeDocSection } from './doc-section.ts';
import * as their from './go-fdo-server/api.ts';
import {
  DEVICE_KINDS,
  type DeviceKind,
  guidHex,
  KIND,
  newDevice,
  startTheirDeployment,
  startTheirManufacturer,
  type TheirDeployment,
  to2Options,
  untilRegistered,
} from './go-fdo-server/deployment.ts';
import { keyFiles, selfSigned } from './go-fdo-server/keys.ts';
import { type Cell, Matrix } from './go-fdo-server/matrix.ts';
import { type GoServer, type GoTls, goPeersMissing, scratch, startGoServer } from './go-fdo-server/peers.ts';

const missing = goPeersMissing();
if (missing !== undefined) process.stdout.write(`# go-fdo-server interop skipped: ${missing}\n`);

/** What the table below was run against, written above it in docs/interop.md. */
const SETUP = `Written by \`test/interop/go-fdo-server.test.ts\`. IoTopia's device agent (\`src/agent/\`) runs DI,
TO1 and TO2 against go-fdo-server v1.0.1: one rendezvous, and per device key type (P-256, P-384,
RSA-2048) a manufacturing and an owner server with keys of that type, since go-fdo-server's owner
holds one key and takes only the key exchanges that fit it and the device. The rendezvous is told
to trust the device CAs (it checks the device chain at TO0); the owner runs TO0 on its own every 10
seconds after a voucher import. Mixed chains use IoTopia's server (\`startPlatform\`) and its
management API, or IoTopia's DI manufacturer role pointed at go-fdo-server's rendezvous; resale
uses go-fdo-server's \`/api/v1/owner/resell\`, Credential Reuse an owner started with
\`--reuse-credentials\`. Every cell runs over HTTPS (the Transport column): one test CA issues
every server's certificate (go-fdo-server's \`--http-cert\`/\`--http-key\`, IoTopia's
\`--tls-cert\`/\`--tls-key\`); IoTopia's device trusts it with \`tlsCa\` (the CLI with \`--tls-ca\`),
IoTopia's owner with \`--outbound-tls-ca\` for its TO0, and go-fdo-server's owner through
\`SSL_CERT_FILE\` (verification on, no \`--to0-insecure-tls\`). The side-by-side benchmark is
\`npm run bench -- interop\` (\`bench/interop.ts\`), over plain HTTP.`;

const matrix = new Matrix('HTTPS');
const servers: GoServer[] = [];
let work: Awaited<ReturnType<typeof scratch>> | undefined;
let theirs: TheirDeployment;
const cleanups: (() => Promise<void>)[] = [];
const TIMEOUT = 90_000;
/** 127.0.0.1 as the IPv4-mapped IPv6 address go-fdo-server writes into RVTO2Addr. */
const MAPPED_LOOPBACK = '0:0:0:0:0:ffff:7f00:1';
/** The device agent's transport: it trusts the test CA (set in `before`) and nothing else. */
const transport: { timeoutMs: number; tlsCa?: string } = { timeoutMs: 15_000 };
/** Every server's certificate comes from this CA. */
let tls: LoopbackTls;
let goTls: GoTls;
/** Their owners' TO2 addresses and their rendezvous' address as the device agent reaches them. */
const at = (port: number) => `https://127.0.0.1:${port}`;

interface CellOptions {
  /** A known failure: the matrix says fail with this reason and the test is a todo. */
  todo?: string;
  /** The peer refuses this combination: the test asserts the refusal, the matrix says so. */
  unsupported?: string;
  /**
   * A documented deviation (docs/interop.md, "Deviations found"): the test asserts that the
   * failure still happens as described, and the matrix says fail with this reason.
   */
  deviation?: string;
}

/** One matrix cell as one test; its outcome is recorded whatever happens. */
function cell(group: string, name: string, run: (c: Cell) => Promise<void>, options: CellOptions = {}): void {
  const c = matrix.add(group, name);
  const body = async () => {
    try {
      await run(c);
      if (options.todo !== undefined) {
        c.outcome = 'pass';
        c.note = 'passes now (was a known failure)';
      } else if (options.unsupported !== undefined) {
        c.outcome = 'not supported by the peer';
        c.note = options.unsupported;
      } else if (options.deviation !== undefined) {
        c.outcome = 'fail';
        c.note = options.deviation;
      } else c.outcome = 'pass'; // a note the cell set (a deviation it tolerates) stays
    } catch (e) {
      c.outcome = 'fail';
      c.note = options.todo ?? describeError(e);
      throw e;
    }
  };
  if (options.todo !== undefined) test(name, { timeout: TIMEOUT, todo: options.todo, skip: missing }, body);
  else test(name, { timeout: TIMEOUT, skip: missing }, body);
}

/** Whether `e` or an error in its cause chain has the stable code `code`. */
function hasCode(e: unknown, code: string): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, i = 0; x !== undefined && x !== null && i < 8; i++) {
    if (x.code === code) return true;
    x = x.cause as typeof x;
  }
  return false;
}

function describeError(e: unknown): string {
  const x = e as { code?: string; message?: string; actual?: unknown; expected?: unknown };
  if (x.code === 'ERR_ASSERTION' && 'expected' in (e as object)) {
    return `assertion failed: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`;
  }
  return `${x.code === undefined ? '' : `${x.code}: `}${(x.message ?? String(e)).split('\n')[0]}`;
}

/** DI at go-fdo-server's manufacturer of `kind`, and the voucher it keeps for the device. */
async function diAtTheirs(kind: DeviceKind, serial: string, manufacturerUrl = theirs.sides[kind].manufacturer.url) {
  const device = await newDevice(kind, serial);
  const credential = await runDi(manufacturerUrl, device.di, transport);
  const pem = await their.getVoucherPem(manufacturerUrl, guidHex(credential));
  return { device, credential, pem };
}

/** TO2 straight at `ownerUrl` (no TO1) in the given suite. */
function to2At(ownerUrl: string, credential: DeviceCredential, key: KeyObject, kex: string, cipher: number) {
  return runOnboard(credential, { ownerUrls: [ownerUrl] }, { ...transport, deviceKey: key, to2: to2Options(kex, cipher) });
}

async function assertOnboardedAtTheirs(ownerUrl: string, oldGuid: string, newGuid: string): Promise<void> {
  const devices = await their.ownerDevices(ownerUrl);
  const d = devices.find((x) => x.old_guid === oldGuid);
  assert.ok(d, `go-fdo-server's owner lists no device that was ${oldGuid}`);
  assert.equal(d.to2_completed, true);
  assert.equal(d.guid, newGuid);
}

describe('IoTopia device agent against go-fdo-server', { skip: missing }, () => {
  before(async () => {
    work = await scratch('iotopia-go-fdo-server-');
    // The CA in a directory of its own: go-fdo-server reads SSL_CERT_FILE and SSL_CERT_DIR.
    const trustDir = join(work.dir, 'trust');
    await mkdir(trustDir);
    tls = await loopbackTls(trustDir, 'interop');
    goTls = { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile, fetch: tls.fetch };
    transport.tlsCa = tls.ca;
    theirs = await startTheirDeployment(work.dir, servers, goTls);
  });

  after(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const c of cleanups.splice(0).reverse()) await c();
    await work?.dispose();
    if (matrix.complete) writeDocSection('go-fdo-server', `${SETUP}\n\n${matrix.markdown()}`);
  });

  for (const kind of DEVICE_KINDS) {
    cell('their manufacturer (DI)', `DI, ${kind} device key`, async (c) => {
      const { device, credential, pem } = await diAtTheirs(kind, `DI-${kind}`);
      const voucher = parseVoucher(pem);
      // The voucher they keep belongs to this device: GUID, HMAC under the device's secret,
      // the device certificate over the device's key, one entry to their owner's key.
      const checked = verifyVoucher(voucher, {
        deviceCredential: credential,
        ownerKey: theirs.sides[kind].ownerKey.privateKey,
        deviceChain: { time: new Date(), trustAnchors: [theirs.deviceCa.certificate] },
      });
      assert.equal(checked.hmacChecked, true);
      assert.equal(checked.entries, 1);
      const leaf = checked.deviceCertificates?.[0];
      assert.ok(leaf?.publicKey.equals(createPublicKey(device.privateKey)), 'the device certificate certifies the device key');
      assert.equal(credential.rvInfo.length, 1);
      const rv = rendezvousDirectiveView(credential.rvInfo[0] as RendezvousDirective);
      assert.equal(rv.devPort, theirs.rendezvous.port);
      // Deviation: the rendezvous' IPv4 address comes as the 16-byte IPv4-mapped IPv6 address;
      // IoTopia reaches it over IPv4.
      assert.equal(rv.ipAddress, MAPPED_LOOPBACK);
      c.note = `deviation: RVIPAddress carries 127.0.0.1 as the IPv6 address ${MAPPED_LOOPBACK} (see below)`;
      assert.deepEqual(rendezvousUrls(credential.rvInfo), [theirs.rendezvous.url]);
    });
  }

  for (const kind of DEVICE_KINDS) {
    cell('their rendezvous (TO0 by their owner, TO1 by IoTopia)', `TO1, ${kind} device key`, async (c) => {
      const side = theirs.sides[kind];
      const { device, credential, pem } = await diAtTheirs(kind, `RV-${kind}`);
      await their.importVouchers(side.owner.url, pem);
      // TO1 at their rendezvous (named here, not taken from the credential); TO2 then follows.
      const found = await untilRegistered(() =>
        runOnboard(
          credential,
          { rendezvousUrls: [theirs.rendezvous.url] },
          { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) },
        ),
      );
      assert.ok(found.to1, 'TO1 ran');
      assert.equal(found.to1.rvTo2Addr[0]?.port, side.owner.port);
      // Deviation: the owner's IPv4 address 127.0.0.1 arrives as the 16-byte IPv4-mapped IPv6
      // address; IoTopia connects to it over IPv4.
      assert.equal(found.to1.rvTo2Addr[0]?.ip, MAPPED_LOOPBACK);
      c.note = `deviation: RVTO2Addr carries 127.0.0.1 as the IPv6 address ${MAPPED_LOOPBACK} (see below)`;
      assert.equal(found.ownerUrl, at(side.owner.port));
    });
  }

  const suites: { kind: DeviceKind; kex: string; cipher: keyof typeof CipherSuite; options?: CellOptions }[] = [
    { kind: 'ec256', kex: KexSuite.ECDH256, cipher: 'A128GCM' },
    { kind: 'ec256', kex: KexSuite.ECDH256, cipher: 'A256GCM' },
    { kind: 'ec384', kex: KexSuite.ECDH384, cipher: 'A256GCM' },
    { kind: 'ec384', kex: KexSuite.ECDH384, cipher: 'A128GCM' },
  ];
  suites.push(
    { kind: 'rsa2048', kex: KexSuite.DHKEXid14, cipher: 'A128GCM' },
    { kind: 'rsa2048', kex: KexSuite.DHKEXid14, cipher: 'A256GCM' },
    { kind: 'rsa2048', kex: KexSuite.ASYMKEX2048, cipher: 'A128GCM' },
    { kind: 'rsa2048', kex: KexSuite.ASYMKEX2048, cipher: 'A256GCM' },
  );

  for (const s of suites) {
    cell(
      'their owner (TO2)',
      `TO2, ${s.kind} device key, ${s.kex} / ${s.cipher}`,
      async () => {
        const side = theirs.sides[s.kind];
        const { device, credential, pem } = await diAtTheirs(s.kind, `TO2-${s.kind}-${s.cipher}`);
        await their.importVouchers(side.owner.url, pem);
        const done = await to2At(side.owner.url, credential, device.privateKey, s.kex, CipherSuite[s.cipher]);
        assert.equal(done.to2.credential.active, true);
        assert.notDeepEqual(done.to2.credential.guid, credential.guid, 'TO2 without credential reuse replaces the GUID');
        await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
      },
      s.options,
    );
  }

  cell(
    'their owner (TO2)',
    'TO2, rsa3072 device key (RSAPKCS), DHKEXid15 or ASYMKEX3072: their owner with an RSA-3072 key',
    async () => {
      const dir = work?.dir as string;
      const key = await keyFiles(dir, 'rsa3072-owner', 'rsa3072');
      const refused = await startGoServer(
        'owner',
        dir,
        ['--owner-key', key.keyPath, '--device-ca-cert', theirs.deviceCa.certPath],
        'info',
        goTls,
      ).then(
        (server) => {
          servers.push(server);
          return undefined;
        },
        (e: Error) => e,
      );
      assert.ok(refused, 'their owner started with an RSA-3072 key: add the RSA-3072 TO2 cells');
      assert.match(refused.message, /unsupported key provided/);
    },
    {
      unsupported:
        'its owner takes RSA-2048, P-256 and P-384 keys only: with an RSA-3072 key it exits at start ("unsupported key provided"), so RSA-3072 devices, which need an RSA-3072 owner key for DHKEXid15 or ASYMKEX3072, cannot onboard to it (IoTopia\'s owner onboards them: go-fdo-client cells B3, B4)',
    },
  );

  // The manufacturer key encoding a device asks for in DeviceMfgInfo (FDO 1.1 §5.2.1).
  const diWithEncoding = async (encoding: 'COSEKEY' | 'X5CHAIN') => {
    const side = theirs.sides.ec256;
    const device = await newDevice('ec256', `ENC-${encoding}`);
    const credential = await runDi(side.manufacturer.url, { ...device.di, keyEncoding: PublicKeyEncoding[encoding] }, transport);
    return { side, device, credential };
  };
  cell(
    'their manufacturer (DI), then their owner (TO2)',
    'DI asking for the COSEKEY manufacturer key encoding, ec256 device key; TO2 at their owner, ECDH256 / A128GCM',
    async (c) => {
      const { side, device, credential } = await diWithEncoding('COSEKEY');
      const pem = await their.getVoucherPem(side.manufacturer.url, guidHex(credential));
      assert.equal(parseVoucher(pem).header.pubKey.encoding, PublicKeyEncoding.COSEKEY);
      c.note = 'voucher header key encoded as COSEKEY';
      await their.importVouchers(side.owner.url, pem);
      const done = await to2At(side.owner.url, credential, device.privateKey, KexSuite.ECDH256, CipherSuite.A128GCM);
      await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
    },
  );
  cell(
    'their manufacturer (DI), then their owner (TO2)',
    'DI asking for the X5CHAIN manufacturer key encoding, ec256 device key',
    async () => {
      await assert.rejects(diWithEncoding('X5CHAIN'), (e: { peerCode?: number; peerMessage?: string }) => {
        assert.equal(e.peerCode, 500);
        assert.match(e.peerMessage ?? '', /X5CHAIN key cannot be an empty certificate chain/);
        return true;
      });
    },
    {
      unsupported:
        'its manufacturing server has no certificate chain for its key (no option to give one) and ends DI with error 500 ("X5CHAIN key cannot be an empty certificate chain") where it could answer with another encoding',
    },
  );

  // The encrypt-then-MAC suites: deviation GC-1 (SVK length), seen from the device side.
  const etm: { kind: DeviceKind; kex: string; cipher: keyof typeof CipherSuite }[] = [
    { kind: 'ec256', kex: KexSuite.ECDH256, cipher: 'COSEAES128CBC' },
    { kind: 'ec256', kex: KexSuite.ECDH256, cipher: 'COSEAES128CTR' },
    { kind: 'ec384', kex: KexSuite.ECDH384, cipher: 'COSEAES256CBC' },
    { kind: 'ec384', kex: KexSuite.ECDH384, cipher: 'COSEAES256CTR' },
  ];
  for (const s of etm) {
    cell(
      'their owner (TO2)',
      `TO2, ${s.kind} device key, ${s.kex} / ${s.cipher}`,
      async () => {
        const side = theirs.sides[s.kind];
        const { device, credential, pem } = await diAtTheirs(s.kind, `TO2-${s.kind}-${s.cipher}`);
        await their.importVouchers(side.owner.url, pem);
        await assert.rejects(to2At(side.owner.url, credential, device.privateKey, s.kex, CipherSuite[s.cipher]), (e: unknown) => {
          assert.ok(hasCode(e, 'ERR_FDO_SESSION_DECRYPT'), `expected the device to reject TO2.SetupDevice's MAC, got ${describeError(e)}`);
          return true;
        });
      },
      {
        deviation:
          'deviation GC-1: its owner MACs TO2.SetupDevice with a shorter SVK (16 bytes for HMAC-SHA256, 32 for HMAC-SHA384; IoTopia derives 32 and 64), so the device rejects it as not authentic (ERR_FDO_SESSION_DECRYPT)',
      },
    );
  }

  for (const kind of ['ec256', 'rsa2048'] as const) {
    cell('their owner (TO2)', `TO2 with Credential Reuse, ${kind} device key, ${KIND[kind].kex} / ${KIND[kind].cipherName}`, async () => {
      const side = theirs.sides[kind];
      // A second owner with the same key, started with --reuse-credentials.
      const reuse = await startGoServer(
        'owner',
        work?.dir as string,
        ['--owner-key', side.ownerKey.keyPath, '--device-ca-cert', theirs.deviceCa.certPath, '--reuse-credentials'],
        'info',
        goTls,
      );
      servers.push(reuse);
      const { device, credential, pem } = await diAtTheirs(kind, `REUSE-${kind}`);
      await their.importVouchers(reuse.url, pem);
      const done = await to2At(reuse.url, credential, device.privateKey, KIND[kind].kex, KIND[kind].cipher);
      assert.equal(done.to2.reused, true);
      assert.deepEqual(done.to2.credential.guid, credential.guid);
      assert.equal(done.to2.credential.active, true);
    });
  }

  // Combinations go-fdo-server's owner refuses: the cell asserts the refusal, so a peer that
  // starts accepting them turns it into a failure to look at.
  const refused: { kind: DeviceKind; kex: string; cipher: keyof typeof CipherSuite; message: RegExp; why: string }[] = [
    {
      kind: 'ec256',
      kex: KexSuite.DHKEXid14,
      cipher: 'A128GCM',
      message: /key exchange DHKEXid14 is invalid for the device and owner attestation types/,
      why: 'its owner accepts only the key exchange matched to its owner key and the device key (ECDH256 for P-256, ECDH384 for P-384); DHKEX and ASYMKEX are refused with EC keys',
    },
    {
      kind: 'ec256',
      kex: KexSuite.ECDH256,
      cipher: 'AES_CCM_64_128_128',
      message: /unsupported key exchange\/cipher suite/,
      why: 'AES-CCM-64-128-128 is not among the cipher suites its owner offers',
    },
  ];
  for (const r of refused) {
    cell(
      'their owner (TO2)',
      `TO2, ${r.kind} device key, ${r.kex} / ${r.cipher}`,
      async () => {
        const side = theirs.sides[r.kind];
        const { device, credential, pem } = await diAtTheirs(r.kind, `NO-${r.kex}-${r.cipher}`);
        await their.importVouchers(side.owner.url, pem);
        await assert.rejects(
          to2At(side.owner.url, credential, device.privateKey, r.kex, CipherSuite[r.cipher]),
          (e: { peerCode?: number; peerMessage?: string }) => {
            assert.equal(e.peerCode, 500);
            assert.match(e.peerMessage ?? '', r.message);
            return true;
          },
        );
      },
      { unsupported: r.why },
    );
  }

  cell(
    'their owner (TO2)',
    'TO2, rsa2048 device key declared RSAPKCS (pkType 5; `iotopia device init --key rsa2048` declares RSA2048RESTR, ADR 0012), DHKEXid14 / A128GCM',
    async () => {
      const side = theirs.sides.rsa2048;
      const device = await newDevice('rsa2048', 'RSAPKCS');
      // DI passes: their manufacturer writes an RSAPKCS manufacturer key into the voucher.
      const credential = await runDi(side.manufacturer.url, { ...device.di, keyType: PublicKeyType.RSAPKCS }, transport);
      const voucher = parseVoucher(await their.getVoucherPem(side.manufacturer.url, guidHex(credential)));
      assert.equal(voucher.header.pubKey.type, PublicKeyType.RSAPKCS);
      await their.importVouchers(side.owner.url, encodeVoucherPem(voucher));
      await assert.rejects(
        to2At(side.owner.url, credential, device.privateKey, KexSuite.DHKEXid14, CipherSuite.A128GCM),
        (e: { peerCode?: number; peerMessage?: string }) => {
          assert.equal(e.peerCode, 500);
          assert.match(e.peerMessage ?? '', /device sig info has key type .*must be .* to match manufacturer key/);
          return true;
        },
      );
    },
    {
      unsupported:
        "at TO2.HelloDevice its owner reads the RS256 eASigInfo of a 2048-bit key as RSA2048RESTR only and requires it to equal the voucher's manufacturer key type, so RSAPKCS (pkType 5) devices with 2048-bit keys cannot onboard; RSA2048RESTR devices can",
    },
  );

  for (const kind of DEVICE_KINDS) {
    cell(
      'their three servers (DI, TO0, TO1, TO2)',
      `full journey, ${kind} device key, ${KIND[kind].kex} / ${KIND[kind].cipherName}`,
      async () => {
        const side = theirs.sides[kind];
        const { device, credential, pem } = await diAtTheirs(kind, `FULL-${kind}`);
        await their.importVouchers(side.owner.url, pem);
        // The credential's own RendezvousInfo leads the device to their rendezvous.
        const done = await untilRegistered(() =>
          runOnboard(credential, {}, { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) }),
        );
        assert.ok(done.to1);
        assert.equal(new URL(done.ownerUrl).port, String(side.owner.port));
        await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
      },
    );
  }

  for (const kind of ['ec256', 'ec384', 'rsa2048'] as const) {
    // Their owner takes only DHKEX or ASYMKEX with RSA keys; the CLI picks ECDH by default.
    const kex = kind === 'rsa2048' ? ['--kex', KexSuite.DHKEXid14] : [];
    cell(
      'their three servers (DI, TO0, TO1, TO2)',
      `full journey with the CLI (iotopia device init, iotopia device onboard${kex.map((a) => ` ${a}`).join('')}), ${kind} device key`,
      async () => {
        const side = theirs.sides[kind];
        const dir = await mkdtemp(join(work?.dir as string, `cli-${kind}-`));
        const credential = join(dir, 'credential.cbor');
        const init = await runCli(
          [
            'device',
            'init',
            '--manufacturer',
            side.manufacturer.url,
            '--key',
            kind,
            '--credential',
            credential,
            '--tls-ca',
            tls.caFile,
            '--json',
          ],
          dir,
        );
        assert.equal(init.code, 0, init.err);
        const made = JSON.parse(init.out) as { guid: string };
        const guid = made.guid.replaceAll('-', '');
        await their.importVouchers(side.owner.url, await their.getVoucherPem(side.manufacturer.url, guid));
        // Until their owner's TO0 has run, the rendezvous answers "not found" and the CLI exits 1.
        const onboardArgs = ['device', 'onboard', '--credential', credential, '--tls-ca', tls.caFile, ...kex, '--json'];
        let onboard = await runCli(onboardArgs, dir);
        for (let i = 0; i < 40 && onboard.code === 1 && /peer code 6\b/.test(onboard.err); i++) {
          await new Promise((r) => setTimeout(r, 1000));
          onboard = await runCli(onboardArgs, dir);
        }
        assert.equal(onboard.code, 0, onboard.err);
        const done = JSON.parse(onboard.out) as { onboarded: boolean; owner: string; guid: string; previousGuid: string };
        assert.equal(done.onboarded, true);
        assert.equal(done.owner, at(side.owner.port));
        assert.equal(done.previousGuid, made.guid);
        await assertOnboardedAtTheirs(side.owner.url, guid, done.guid.replaceAll('-', ''));
      },
    );
  }

  describe('with an IoTopia server (manufacturer, rendezvous and owner)', () => {
    let platform: Platform;
    const manufacturers = {} as Record<DeviceKind, GoServer>;
    /** A POST to IoTopia's management API with the first admin token. */
    const api = (path: string, body: string, type: string) => {
      assert.ok(platform.firstAdminToken);
      return tls.fetch(`${platform.url}/api/v1${path}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${platform.firstAdminToken}`, 'content-type': type },
      });
    };
    before(async () => {
      const dir = work?.dir as string;
      platform = await startPlatform(
        resolveConfig([
          'interop test',
          {
            roles: 'manufacturer,rendezvous,owner',
            listen: '127.0.0.1:0',
            dataDir: join(dir, 'iotopia'),
            // RSA first makes an RSA-2048 owner key beside the P-256 and P-384 ones.
            keyType: 'rsa2048',
            autoOwner: false,
            logLevel: 'silent',
            // HTTPS with the test CA's certificate, and TO0 to their rendezvous trusting that CA.
            tlsCert: tls.certFile,
            tlsKey: tls.keyFile,
            outboundTlsCa: tls.caFile,
          },
        ]),
        { env: {} },
      );
      assert.match(platform.url, /^https:\/\//);
      cleanups.push(() => platform.close());
      const port = Number(new URL(platform.url).port);
      for (const kind of DEVICE_KINDS) {
        // Their manufacturer extends every voucher to IoTopia's owner key of the device's key type.
        const ownerKey = platform.keys.owner.find((k) => k.type === KIND[kind].pair)?.privateKey;
        assert.ok(ownerKey);
        const certPath = join(dir, `iotopia-owner-${kind}.pem`);
        await writeFile(certPath, selfSigned(ownerKey as KeyObject, `IoTopia owner ${kind}`).toString());
        manufacturers[kind] = (
          await startTheirManufacturer(dir, `to-iotopia-${kind}`, kind, theirs.deviceCa, certPath, port, servers, goTls)
        ).server;
      }
    });

    for (const kind of DEVICE_KINDS) {
      cell(
        'mixed: their manufacturer → IoTopia owner',
        `voucher imported through the management API, ${kind}: TO0, TO1, TO2 with IoTopia`,
        async () => {
          const { device, credential, pem } = await diAtTheirs(kind, `MIX1-${kind}`, manufacturers[kind].url);
          const imported = await api('/owner/vouchers', pem, 'application/x-pem-file');
          assert.equal(imported.status, 201, await imported.clone().text());
          const registered = await api(`/owner/vouchers/${guidHex(credential)}/register`, '{}', 'application/json');
          assert.equal(registered.status, 200, await registered.clone().text());
          const done = await runOnboard(
            credential,
            {},
            { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) },
          );
          assert.equal(done.ownerUrl, platform.url);
          assert.ok(done.to1);
          assert.equal(done.to2.credential.active, true);
        },
      );
    }

    for (const kind of DEVICE_KINDS) {
      cell(
        'mixed: their manufacturer → their owner → resale to IoTopia owner',
        `voucher resold through their API and imported through IoTopia's, ${kind}: TO0 by IoTopia and TO1 with their rendezvous, TO2 with IoTopia`,
        async () => {
          const side = theirs.sides[kind];
          const { device, credential, pem } = await diAtTheirs(kind, `RESALE-${kind}`);
          await their.importVouchers(side.owner.url, pem);
          const next = platform.keys.owner.find((k) => k.type === KIND[kind].pair)?.privateKey;
          assert.ok(next);
          const resold = await their.resell(
            side.owner.url,
            guidHex(credential),
            publicKeyOf(next).export({ type: 'spki', format: 'pem' }).toString(),
          );
          const voucher = parseVoucher(resold);
          assert.equal(voucher.entries.length, 2, "their owner appended an entry to IoTopia's owner key");
          verifyVoucher(voucher, { deviceCredential: credential, ownerKey: publicKeyOf(next) });
          const imported = await api('/owner/vouchers', resold, 'application/x-pem-file');
          assert.equal(imported.status, 201, await imported.clone().text());
          const registered = await api(`/owner/vouchers/${guidHex(credential)}/register`, '{}', 'application/json');
          assert.equal(registered.status, 200, await registered.clone().text());
          // IoTopia's owner registers (TO0) with the rendezvous the voucher names: theirs. The
          // device finds IoTopia there (TO1) through its credential.
          const done = await runOnboard(
            credential,
            {},
            { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) },
          );
          assert.ok(done.to1);
          assert.equal(done.ownerUrl, platform.url);
          assert.equal(done.to2.credential.active, true);
        },
      );
    }

    for (const kind of DEVICE_KINDS) {
      cell(
        'mixed: IoTopia manufacturer → their owner, TO0 with IoTopia rendezvous',
        `voucher extended through the management API, ${kind}: their owner's TO0 and IoTopia's TO1, then TO2 with go-fdo-server`,
        async () => {
          const side = theirs.sides[kind];
          const device = await newDevice(kind, `MIX3-${kind}`);
          const credential = await runDi(platform.url, device.di, transport);
          const ownerKey = createPublicKey(side.ownerKey.privateKey).export({ type: 'spki', format: 'pem' }).toString();
          const extended = await api(
            `/manufacturer/vouchers/${guidHex(credential)}/extend`,
            JSON.stringify({ ownerKey }),
            'application/json',
          );
          assert.equal(extended.status, 200, await extended.clone().text());
          const { pem } = (await extended.json()) as { pem: string };
          await their.importVouchers(side.owner.url, pem);
          // The voucher's RendezvousInfo names IoTopia's rendezvous: their owner registers there.
          const done = await untilRegistered(() =>
            runOnboard(credential, {}, { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) }),
          );
          assert.ok(done.to1);
          assert.equal(done.ownerUrl, at(side.owner.port));
          await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
        },
      );
    }

    // IoTopia's manufacturer keys carry a self-signed certificate, so a device asking for X5CHAIN
    // or COSEKEY gets the manufacturer key in that encoding; their owner imports the voucher.
    const mixedWithEncoding = async (encoding: 'X5CHAIN' | 'COSEKEY') => {
      const side = theirs.sides.ec256;
      const device = await newDevice('ec256', `MIX3-${encoding}`);
      const credential = await runDi(platform.url, { ...device.di, keyEncoding: PublicKeyEncoding[encoding] }, transport);
      const made = await platform.store.vouchers.get('manufacturer', credential.guid);
      assert.ok(made);
      assert.equal(parseVoucher(made.voucher).header.pubKey.encoding, PublicKeyEncoding[encoding]);
      const ownerKey = createPublicKey(side.ownerKey.privateKey).export({ type: 'spki', format: 'pem' }).toString();
      const extended = await api(`/manufacturer/vouchers/${guidHex(credential)}/extend`, JSON.stringify({ ownerKey }), 'application/json');
      assert.equal(extended.status, 200, await extended.clone().text());
      const { pem } = (await extended.json()) as { pem: string };
      await their.importVouchers(side.owner.url, pem);
      const onboard = () =>
        untilRegistered(() =>
          runOnboard(
            credential,
            {},
            { ...transport, deviceKey: device.privateKey, to2: to2Options(KexSuite.ECDH256, CipherSuite.A128GCM) },
          ),
        );
      return { side, credential, onboard };
    };
    const MIXED_ENC = 'mixed: IoTopia manufacturer → their owner, TO0 with IoTopia rendezvous';
    cell(
      MIXED_ENC,
      "voucher extended through the management API, ec256, manufacturer key encoded as COSEKEY: their owner's TO0 and IoTopia's TO1, then TO2 with go-fdo-server",
      async () => {
        const { side, credential, onboard } = await mixedWithEncoding('COSEKEY');
        const done = await onboard();
        assert.equal(done.ownerUrl, at(side.owner.port));
        await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
      },
    );
    cell(
      MIXED_ENC,
      "voucher extended through the management API, ec256, manufacturer key encoded as X5CHAIN (IoTopia's self-signed manufacturer certificate): their owner's TO0 and IoTopia's TO1, then TO2 with go-fdo-server",
      async () => {
        const { onboard } = await mixedWithEncoding('X5CHAIN');
        await assert.rejects(onboard(), (e: unknown) => {
          assert.ok(hasCode(e, 'ERR_FDO_TO2_SIGNATURE'), `expected TO2.ProveOVHdr to fail its signature check, got ${describeError(e)}`);
          return true;
        });
      },
      {
        deviation:
          'deviation GS-1: for a voucher whose manufacturer key is X5CHAIN its owner sends CUPHOwnerPubKey as an X5CHAIN of the device CA certificate, not of its owner key, so TO2.ProveOVHdr does not verify under the key it names (ERR_FDO_TO2_SIGNATURE)',
      },
    );
  });

  describe('IoTopia manufacturer → their owner', () => {
    const vouchers = new MemoryManufacturerVoucherStore();
    const apps = {} as Record<DeviceKind, FastifyInstance>;
    const urls = {} as Record<DeviceKind, string>;
    before(async () => {
      const ca = (await generateKeyPair('secp384r1')).privateKey;
      const caCert = selfSigned(ca, 'IoTopia interop device CA', true);
      // Their rendezvous verifies the device chain at TO0 against the CAs it was given.
      await their.trustDeviceCa(theirs.rendezvous.url, caCert.toString());
      const rvInfo = [
        rendezvousDirectiveFromView({
          ipAddress: '127.0.0.1',
          devPort: theirs.rendezvous.port,
          ownerPort: theirs.rendezvous.port,
          protocol: RVProtocolValue.RVProtHttps,
        }),
      ];
      const manufacturerKeys: { privateKey: KeyObject }[] = [];
      for (const type of ['secp256r1', 'secp384r1', 'rsa2048'] as const)
        manufacturerKeys.push({ privateKey: (await generateKeyPair(type)).privateKey });
      // One DI role per key type, each extending to their owner of that type.
      const roles = Object.fromEntries(
        DEVICE_KINDS.map((kind) => [
          kind,
          createDiManufacturer({
            random,
            clock: () => new Date(),
            store: vouchers,
            rvInfo,
            deviceCa: { privateKey: ca, chain: [caCert] },
            manufacturerKeys,
            extendTo: theirs.sides[kind].ownerKey.privateKey,
          }),
        ]),
      );
      for (const kind of DEVICE_KINDS) {
        apps[kind] = createApp({
          fdo: { roles: { manufacturer: { di: roles[kind] as never } }, sessions: new MemorySessionStore() },
          ...httpsAppOptions(tls.pair),
        });
        urls[kind] = (await listenLoopback(apps[kind], true)).url;
        cleanups.push(() => apps[kind].close());
      }
    });

    for (const kind of DEVICE_KINDS) {
      cell(
        'mixed: IoTopia manufacturer → their owner',
        `voucher imported through their API, ${kind}: TO0, TO1, TO2 with go-fdo-server`,
        async () => {
          const side = theirs.sides[kind];
          const device = await newDevice(kind, `MIX2-${kind}`);
          const credential = await runDi(urls[kind], device.di, transport);
          const bytes = await vouchers.getVoucher(credential.guid);
          assert.ok(bytes);
          await their.importVouchers(side.owner.url, encodeVoucherPem(parseVoucher(bytes)));
          const done = await untilRegistered(() =>
            runOnboard(credential, {}, { ...transport, deviceKey: device.privateKey, to2: to2Options(KIND[kind].kex, KIND[kind].cipher) }),
          );
          assert.ok(done.to1);
          assert.equal(new URL(done.ownerUrl).port, String(side.owner.port));
          await assertOnboardedAtTheirs(side.owner.url, guidHex(credential), guidHex(done.to2.credential));
        },
      );
    }
  });
});
