/**
 * IoTopia as the go-fdo-client device meets it: platforms started as `iotopia up --tls` starts them
 * (one process per platform, each role set as configured, HTTPS with a certificate from its
 * platform TLS CA), the voucher moves between them (in process or through the management API), TO0
 * over HTTPS, and an owner with ServiceInfo plans (HTTPS with a test CA's certificate).
 *
 * The owner with plans is built from the same protocol code the platform uses (createTo2Owner over
 * the platform's store), because the platform does not take ServiceInfo plans from configuration.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { basename, join } from 'node:path';
import { directorySink } from '../../../src/agent/local-ports.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { runTo0 } from '../../../src/fdo/client/flows.ts';
import { fetchTrusting } from '../../../src/fdo/client/tls-fetch.ts';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { createDiManufacturer } from '../../../src/fdo/protocol/di-manufacturer.ts';
import { createTo2Owner, type To2OwnerState, type To2OwnerStep, type To2ServiceInfoReport } from '../../../src/fdo/protocol/to2-owner.ts';
import type { OwnerModulePlan } from '../../../src/fdo/serviceinfo/owner-plans.ts';
import type { ByteSource } from '../../../src/fdo/serviceinfo/ports.ts';
import { guidFromText, guidToHex } from '../../../src/fdo/types/guid.ts';
import { samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../../src/fdo/types/rv-to2-addr.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { storeManufacturerVoucherStore } from '../../../src/onboarding/manufacturer-vouchers.ts';
import { storeOwnerKeyRing } from '../../../src/onboarding/owner-key-ring.ts';
import { storeOwnerVoucherStore } from '../../../src/onboarding/owner-vouchers.ts';
import { createApp } from '../../../src/server/app.ts';
import type { RoleHandler } from '../../../src/server/fdo/fdo-transport.ts';
import { MemorySessionStore } from '../../../src/server/fdo/memory-session-store.ts';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../../src/server/platform/platform.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { httpsAppOptions, type LoopbackTls, listenLoopback } from '../../helpers/tls.ts';

const clock = () => new Date();

export interface Server extends Platform {
  /** The admin token of the management API. */
  admin: string;
  /** PEM of the platform TLS CA that issued its certificate (<dataDir>/tls/ca.pem). */
  ca: string;
  /** A fetch that trusts that CA. */
  fetch: typeof fetch;
}

export async function startServer(
  dataDir: string,
  settings: { roles?: string; keyType?: string; autoOwner?: boolean } = {},
): Promise<Server> {
  const platform = await startPlatform(
    resolveConfig([
      'interop test',
      {
        listen: '127.0.0.1:0',
        dataDir,
        logLevel: 'silent',
        roles: settings.roles ?? 'manufacturer,rendezvous,owner',
        keyType: settings.keyType ?? 'secp256r1',
        autoOwner: settings.autoOwner ?? true,
        tls: true,
      },
    ]),
  );
  const admin = platform.firstAdminToken;
  const caFile = platform.tls?.caFile;
  if (admin === undefined || caFile === undefined) {
    await platform.close();
    throw new Error('the first start made no admin token, or no platform TLS CA');
  }
  const ca = readFileSync(caFile, 'utf8');
  return Object.assign(platform, { admin, ca, fetch: fetchTrusting(ca) });
}

/** RVTO2Addr of an owner at `url` (http or https, IP literal or DNS name). */
export function to2Address(url: string): RvTo2Addr {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const port = Number(u.port || (https ? 443 : 80));
  const protocol = https ? TransportProtocol.ProtHTTPS : TransportProtocol.ProtHTTP;
  return [isIP(u.hostname) ? { ip: u.hostname, port, protocol } : { dns: u.hostname, port, protocol }];
}

/** A management API call; answers the status and the parsed JSON body. */
export async function api(
  server: Server,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: { json?: unknown; pem?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  // JSON answers are parsed; anything else (the voucher PEM) comes back as { text }.
  const headers: Record<string, string> = { authorization: `Bearer ${server.admin}` };
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.pem !== undefined) {
    headers['content-type'] = 'application/x-pem-file';
    payload = body.pem;
  }
  const res = await server.fetch(`${server.url}/api/v1${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

export const publicPem = (key: KeyObject): string => createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString();

/** The owner key of `server` that fits a voucher whose manufacturer key is of `pkType`'s class. */
export function ownerKeyFor(server: Server, type: 'secp256r1' | 'secp384r1' | 'rsa2048' | 'rsa3072'): KeyObject {
  const k = server.keys.owner.find((o) => o.type === type) ?? server.keys.owner[0];
  if (k === undefined) throw new Error('the server has no owner key');
  return k.privateKey as KeyObject;
}

export async function manufacturerVoucher(server: Server, guidHex: string): Promise<Uint8Array> {
  const v = await storeManufacturerVoucherStore(server.store).getVoucher(guidFromText(guidHex));
  if (v === undefined) throw new Error(`the manufacturer holds no voucher for ${guidHex}`);
  return v;
}

export async function ownerVoucher(server: Server, guidHex: string): Promise<{ voucher: Uint8Array; state: string } | undefined> {
  const v = await server.store.vouchers.get('owner', guidFromText(guidHex));
  return v === undefined ? undefined : { voucher: v.voucher, state: v.state };
}

/**
 * Extends `voucher` from its current owner, whose private key `from` holds (manufacturer or owner
 * key), to `to`.
 */
export function extendFrom(from: Server, voucher: Uint8Array, to: KeyObject): Uint8Array {
  const parsed = parseVoucher(voucher);
  const current = voucherOwner(parsed);
  const signer = [...from.keys.manufacturer, ...from.keys.owner].find((k) => samePublicKey(k.privateKey, current));
  if (signer === undefined) throw new Error("the voucher's current owner is not a key of this server");
  return encodeVoucher(extendVoucher(parsed, { ownerPrivateKey: signer.privateKey, nextOwner: createPublicKey(to) }));
}

/**
 * TO0 over HTTPS: `owner`'s key ring registers `voucher` at the rendezvous server `rv` (trusting its
 * CA), pointing devices to `to2Url`.
 */
export async function registerOverHttp(rv: Server, owner: Server, voucher: Uint8Array, to2Url: string): Promise<number> {
  const r = await runTo0(rv.url, { keyRing: storeOwnerKeyRing(owner.store) }, { voucher, rvTo2Addr: to2Address(to2Url) }, { tlsCa: rv.ca });
  return r.waitSeconds;
}

/** A ByteSource over the files of a directory (fdo.download plans name them). */
function directorySource(dir: string): ByteSource {
  const path = (ref: string) => {
    if (basename(ref) !== ref) throw new Error(`"${ref}" is not a plain file name`);
    return join(dir, ref);
  };
  return {
    async size(ref) {
      return (await stat(path(ref))).size;
    },
    async read(ref, offset, length) {
      const f = await open(path(ref), 'r');
      try {
        const out = new Uint8Array(length);
        const { bytesRead } = await f.read(out, 0, length, offset);
        return out.subarray(0, bytesRead);
      } finally {
        await f.close();
      }
    },
  };
}

export interface PlannedOwner {
  url: string;
  /** Plans by device GUID (hex). */
  plans: Map<string, OwnerModulePlan[]>;
  /** GUIDs (hex) whose owner keeps the credential (Credential Reuse). */
  reuse: Set<string>;
  /** The last ServiceInfo report of each device (GUID hex), and why sessions ended in error. */
  reports: Map<string, To2ServiceInfoReport>;
  errors: unknown[];
  /** Manufacturer key with a certificate, for devices asking for the X5CHAIN encoding. */
  certifiedManufacturer: KeyObject;
  close(): Promise<void>;
}

/**
 * A second server next to `platform`, over its store: the owner role with ServiceInfo plans and
 * Credential Reuse decided per device, a manufacturer whose key carries a certificate, and
 * `/files/<name>` from `filesDir` for fdo.wget, all over HTTPS with `tls`'s certificate. Devices
 * made here find it through `platform`'s rendezvous (https).
 */
export async function startPlannedOwner(platform: Server, filesDir: string, uploadsDir: string, tls: LoopbackTls): Promise<PlannedOwner> {
  const plans = new Map<string, OwnerModulePlan[]>();
  const reuse = new Set<string>();
  const reports = new Map<string, To2ServiceInfoReport>();
  const errors: unknown[] = [];
  const to2 = createTo2Owner({
    vouchers: storeOwnerVoucherStore(platform.store),
    keys: storeOwnerKeyRing(platform.store),
    random,
    clock,
    policy: {
      serviceInfoPlans: async (guid) => plans.get(guidToHex(guid)) ?? [],
      reuseCredential: async (guid) => reuse.has(guidToHex(guid)),
    },
    serviceInfoPorts: { downloadSource: directorySource(filesDir), uploadSink: directorySink(uploadsDir) },
  });
  const observed: RoleHandler<To2OwnerState> = async (state, message) => {
    const step: To2OwnerStep = await to2(state as never, message);
    const guid = step.state?.guid ?? (state as { guid?: string } | undefined)?.guid;
    if (step.serviceInfo !== undefined && guid !== undefined) reports.set(Buffer.from(guid, 'base64').toString('hex'), step.serviceInfo);
    if (step.error !== undefined) errors.push(step.error);
    return step;
  };
  const mfg = platform.keys.manufacturer.find((k) => k.type === 'secp256r1');
  if (mfg === undefined) throw new Error('the platform has no P-256 manufacturer key');
  const certificate = createCertificate({
    subject: { commonName: 'IoTopia interop manufacturer' },
    publicKey: mfg.privateKey,
    signer: { privateKey: mfg.privateKey },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2054-01-01T00:00:00Z'),
    serialNumber: 7n,
  });
  const rv = new URL(platform.url);
  const di = createDiManufacturer({
    random,
    clock,
    store: storeManufacturerVoucherStore(platform.store),
    rvInfo: [
      rendezvousDirectiveFromView({
        ipAddress: rv.hostname,
        devPort: Number(rv.port),
        ownerPort: Number(rv.port),
        protocol: rv.protocol === 'https:' ? RVProtocolValue.RVProtHttps : RVProtocolValue.RVProtHttp,
      }),
    ],
    deviceCa: { privateKey: platform.keys.deviceCa.privateKey, chain: [platform.keys.deviceCa.certificate] },
    manufacturerKeys: [{ privateKey: mfg.privateKey, chain: [certificate] }],
  });
  const app = createApp({
    fdo: { roles: { owner: { to2: observed }, manufacturer: { di } }, sessions: new MemorySessionStore() },
    ...httpsAppOptions(tls.pair),
  });
  app.get<{ Params: { name: string } }>('/files/:name', async (request, reply) => {
    const name = request.params.name;
    if (basename(name) !== name) return reply.code(404).send();
    return reply.type('application/octet-stream').send(createReadStream(join(filesDir, name)));
  });
  const { url } = await listenLoopback(app, true);
  return {
    url,
    plans,
    reuse,
    reports,
    errors,
    certifiedManufacturer: mfg.privateKey as KeyObject,
    close: () => app.close(),
  };
}
