/**
 * An FDO server world for the HTTP tests: manufacturer, rendezvous and owner roles over the
 * in-memory stores (built on the e2e kit's keys), the device side's DI configuration, and a fetch
 * that goes through Fastify's `inject` so the agent's HTTP client can run without sockets.
 */
import type { FastifyInstance } from 'fastify';
import { CipherSuite, KexSuite } from '../../src/fdo/constants/crypto.ts';
import { TransportProtocol } from '../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../src/fdo/credential/device-credential.ts';
import type { DiDeviceConfig } from '../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../src/fdo/protocol/di-manufacturer.ts';
import { MemoryManufacturerVoucherStore, MemoryRendezvousStore } from '../../src/fdo/protocol/memory-stores.ts';
import { createTo0Rendezvous } from '../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Rendezvous } from '../../src/fdo/protocol/to1-rendezvous.ts';
import type { To2DeviceOptions } from '../../src/fdo/protocol/to2-device.ts';
import { createTo2Owner } from '../../src/fdo/protocol/to2-owner.ts';
import type { RvTo2Addr } from '../../src/fdo/types/rv-to2-addr.ts';
import type { FdoRoles } from '../../src/server/fdo/fdo-transport.ts';
import { DEVMOD, type DeviceKeyType, deviceKeyInfo, makeOwner, type Owner, ownerKeysFor, RV_INFO } from '../fdo/e2e/kit.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { deviceCa } from '../helpers/pki.ts';
import { systemRandom as random } from '../helpers/random.ts';

const clock = () => new Date();

export interface ServerWorld {
  owner: Owner;
  manufacturerVouchers: MemoryManufacturerVoucherStore;
  rendezvous: MemoryRendezvousStore;
  /** Fresh role handlers over the same stores: one set per server replica. */
  roles(enabled?: readonly ('manufacturer' | 'rendezvous' | 'owner')[]): FdoRoles;
  /** The voucher DI made (already extended to the owner) becomes the owner's. */
  sell(credential: DeviceCredential): Promise<Uint8Array>;
}

/** A world whose owner key fits `kexSuite` (ECDH256 → P-256, ECDH384 → P-384). */
export async function makeServerWorld(kexSuite: string = KexSuite.ECDH256): Promise<ServerWorld> {
  const ca = await deviceCa('IoTopia HTTP test device CA');
  const mfg = [await cachedKeys('secp256r1', 50), await cachedKeys('secp384r1', 50)];
  const ownerKeys = await ownerKeysFor(kexSuite);
  const owner = makeOwner(ownerKeys.keys, ownerKeys.pkType);
  const manufacturerVouchers = new MemoryManufacturerVoucherStore();
  const rendezvous = new MemoryRendezvousStore();
  return {
    owner,
    manufacturerVouchers,
    rendezvous,
    roles(enabled = ['manufacturer', 'rendezvous', 'owner']) {
      const roles: FdoRoles = {};
      if (enabled.includes('manufacturer')) {
        roles.manufacturer = {
          di: createDiManufacturer({
            random,
            clock,
            store: manufacturerVouchers,
            rvInfo: RV_INFO,
            deviceCa: ca,
            manufacturerKeys: mfg.map((k) => ({ privateKey: k.privateKey })),
            extendTo: owner.publicKey,
          }),
        };
      }
      if (enabled.includes('rendezvous')) {
        roles.rendezvous = {
          to0: createTo0Rendezvous({ random, clock, store: rendezvous }),
          to1: createTo1Rendezvous({ random, clock, store: rendezvous }),
        };
      }
      if (enabled.includes('owner')) roles.owner = { to2: createTo2Owner({ vouchers: owner.store, keys: owner.ring, random, clock }) };
      return roles;
    },
    async sell(credential) {
      const voucher = await manufacturerVouchers.getVoucher(credential.guid);
      if (voucher === undefined) throw new Error('DI stored no voucher');
      await owner.store.add(credential.guid, voucher);
      return voucher;
    },
  };
}

/** What the device tells DI, for a device key type. */
export async function diDevice(type: DeviceKeyType = 'SECP256R1', serial = `HTTP-${type}`): Promise<DiDeviceConfig> {
  const info = deviceKeyInfo(type);
  const keys = await cachedKeys(info.pair, 1);
  return { random, deviceKey: keys.privateKey, serialNumber: serial, model: 'IoTopia HTTP test device', keyType: info.pkType };
}

/** The device's TO2 options for a suite. */
export function to2Options(kexSuite: string = KexSuite.ECDH256, cipherSuite: number = CipherSuite.A128GCM): To2DeviceOptions {
  return { kexSuite, cipherSuite, random, serviceInfo: { devmod: DEVMOD, modules: [] } };
}

/** RVTO2Addr for an owner at `url`: ProtHTTPS for https, ProtHTTP for http. */
export function to2AddrFor(url: string): RvTo2Addr {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const port = Number(u.port || (https ? 443 : 80));
  const host = u.hostname;
  const protocol = https ? TransportProtocol.ProtHTTPS : TransportProtocol.ProtHTTP;
  return [/^[\d.]+$/.test(host) ? { ip: host, port, protocol } : { dns: host, port, protocol }];
}

/**
 * A fetch over real sockets that sends each request to the next of `bases` in turn (replicas
 * behind one address, as a load balancer would), through `inner` (e.g. one that trusts a test CA).
 */
export function alternatingFetch(inner: typeof fetch, ...bases: string[]): typeof fetch & { served: number[] } {
  const served = bases.map(() => 0);
  let next = 0;
  const f = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const i = next++ % bases.length;
    served[i] = (served[i] ?? 0) + 1;
    return inner(new URL(`${url.pathname}${url.search}`, bases[i]), init);
  };
  return Object.assign(f as typeof fetch, { served });
}

/**
 * A fetch that hands each request to one of `apps` in turn (`inject`, no socket): the agent's
 * HTTP client against in-process servers, replicas alternating when there are several.
 */
export function injectFetch(...apps: FastifyInstance[]): typeof fetch & { served: number[] } {
  const served = apps.map(() => 0);
  let next = 0;
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const i = next++ % apps.length;
    served[i] = (served[i] ?? 0) + 1;
    const app = apps[i] as FastifyInstance;
    const res = await app.inject({
      method: 'POST',
      url: url.pathname,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      payload: init?.body instanceof Uint8Array ? Buffer.from(init.body) : undefined,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    return new Response(res.statusCode === 204 ? null : res.rawPayload, { status: res.statusCode, headers });
  };
  return Object.assign(f as typeof fetch, { served });
}
