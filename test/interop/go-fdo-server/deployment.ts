/**
 * A go-fdo-server deployment on loopback: one rendezvous, and per device key type (P-256, P-384,
 * RSA-2048) a manufacturing server and an owner server whose keys are of that type
 * (go-fdo-server's owner holds one key and accepts only the key exchanges that fit it and the
 * device, so each key type gets its own). All share one device CA, which the rendezvous is told to trust. Also: IoTopia's own
 * servers for the mixed chains, and the steps the cells share.
 */
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { CipherSuite, KexSuite, PublicKeyType, type PublicKeyTypeNumber } from '../../../src/fdo/constants/crypto.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import type { To2DeviceOptions } from '../../../src/fdo/protocol/to2-device.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import * as their from './api.ts';
import { type KeyFiles, keyFiles } from './keys.ts';
import { type GoServer, type GoTls, startGoServer } from './peers.ts';

export type DeviceKind = 'ec256' | 'ec384' | 'rsa2048';
export const DEVICE_KINDS: readonly DeviceKind[] = ['ec256', 'ec384', 'rsa2048'];

export const KIND: Record<DeviceKind, { pair: KeyPairType; pkType: PublicKeyTypeNumber; kex: string; cipher: number; cipherName: string }> =
  {
    ec256: {
      pair: 'secp256r1',
      pkType: PublicKeyType.SECP256R1,
      kex: KexSuite.ECDH256,
      cipher: CipherSuite.A128GCM,
      cipherName: 'A128GCM',
    },
    ec384: {
      pair: 'secp384r1',
      pkType: PublicKeyType.SECP384R1,
      kex: KexSuite.ECDH384,
      cipher: CipherSuite.A256GCM,
      cipherName: 'A256GCM',
    },
    // An RSA-2048 device declares RSA2048RESTR; with an RSA-2048 owner key go-fdo-server takes
    // DHKEXid14 or ASYMKEX2048.
    rsa2048: {
      pair: 'rsa2048',
      pkType: PublicKeyType.RSA2048RESTR,
      kex: KexSuite.DHKEXid14,
      cipher: CipherSuite.A128GCM,
      cipherName: 'A128GCM',
    },
  };

export const DEVMOD = { os: 'linux', arch: 'x86_64', version: 'IoTopia interop', device: 'iotopia-interop', sep: ':', bin: 'x86_64' };

export function to2Options(kexSuite: string, cipherSuite: number): To2DeviceOptions {
  return { kexSuite, cipherSuite, random, serviceInfo: { devmod: DEVMOD, modules: [] } };
}

/** A fresh device of `kind`: its key and what it tells DI. */
export async function newDevice(kind: DeviceKind, serial: string) {
  const { privateKey } = await generateKeyPair(KIND[kind].pair);
  return {
    privateKey,
    di: { random, deviceKey: privateKey, serialNumber: serial, model: 'IoTopia interop device', keyType: KIND[kind].pkType },
  };
}

export interface TheirSide {
  manufacturer: GoServer;
  owner: GoServer;
  manufacturerKey: KeyFiles;
  ownerKey: KeyFiles;
}

export interface TheirDeployment {
  rendezvous: GoServer;
  deviceCa: KeyFiles;
  sides: Record<DeviceKind, TheirSide>;
  /** Every process started, to stop in `after`. */
  servers: GoServer[];
}

const rvEntry = (port: number, https: boolean): their.RvEntry => ({
  ip: '127.0.0.1',
  device_port: String(port),
  owner_port: String(port),
  protocol: https ? 'https' : 'http',
});

/**
 * A manufacturing server of `kind` that extends every voucher to `ownerCertPath` and points devices
 * at the rendezvous on `rvPort` (https when `tls` is given: the server and that rendezvous speak it).
 */
export async function startTheirManufacturer(
  dir: string,
  name: string,
  kind: DeviceKind,
  deviceCa: KeyFiles,
  ownerCertPath: string,
  rvPort: number,
  servers: GoServer[],
  tls?: GoTls,
): Promise<{ server: GoServer; key: KeyFiles }> {
  const key = await keyFiles(dir, `${name}-manufacturer`, KIND[kind].pair);
  const server = await startGoServer(
    'manufacturing',
    dir,
    [
      '--manufacturing-key',
      key.keyPath,
      '--device-ca-cert',
      deviceCa.certPath,
      '--device-ca-key',
      deviceCa.keyPath,
      '--owner-cert',
      ownerCertPath,
    ],
    'info',
    tls,
  );
  servers.push(server);
  await their.setRvInfo(server.url, [rvEntry(rvPort, tls !== undefined)]);
  return { server, key };
}

/** The whole deployment, over HTTPS when `tls` is given (every server, the RV info and the TO2 addresses). */
export async function startTheirDeployment(dir: string, servers: GoServer[], tls?: GoTls): Promise<TheirDeployment> {
  const deviceCa = await keyFiles(dir, 'device-ca', 'secp256r1', true);
  const rendezvous = await startGoServer('rendezvous', dir, [], 'info', tls);
  servers.push(rendezvous);
  await their.trustDeviceCa(rendezvous.url, deviceCa.certificate.toString());
  const sides = {} as Record<DeviceKind, TheirSide>;
  for (const kind of DEVICE_KINDS) {
    const ownerKey = await keyFiles(dir, `${kind}-owner`, KIND[kind].pair);
    const owner = await startGoServer('owner', dir, ['--owner-key', ownerKey.keyPath, '--device-ca-cert', deviceCa.certPath], 'info', tls);
    servers.push(owner);
    await their.setOwnerRedirect(owner.url, [
      { ip: '127.0.0.1', port: String(owner.port), protocol: tls === undefined ? 'http' : 'https' },
    ]);
    const m = await startTheirManufacturer(dir, kind, kind, deviceCa, ownerKey.certPath, rendezvous.port, servers, tls);
    sides[kind] = { manufacturer: m.server, owner, manufacturerKey: m.key, ownerKey };
  }
  return { rendezvous, deviceCa, sides, servers };
}

/**
 * Repeats `attempt` until it stops failing with "not found" from the peer (FDO error 6, which a
 * rendezvous answers until the owner's TO0 has arrived; go-fdo-server's owner runs TO0 on a
 * 10-second tick after an import), for at most `seconds`.
 */
export async function untilRegistered<T>(attempt: () => Promise<T>, seconds = 40): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if ((e as { peerCode?: number }).peerCode !== 6 || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function guidHex(c: DeviceCredential): string {
  return hex(c.guid);
}
