/**
 * A SQLite store holding what evidence is collected from: devices made through the real FDO DI
 * path (manufacturer side on the store), a signed MUD file published by the MUD role, the MUD
 * manager's records, releases signed by the update authority and a campaign.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { EvidenceDeps } from '../../../src/compliance/evidence/evidence-ports.ts';
import type { Product } from '../../../src/compliance/products/product-types.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../../src/fdo/protocol/di-manufacturer.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { publishMudFile } from '../../../src/intent/mud-publication.ts';
import { uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createRelease } from '../../../src/lifecycle/releases/releases.ts';
import { releaseService } from '../../../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority, type UpdateAuthority } from '../../../src/lifecycle/releases/update-authority.ts';
import { signMudFile } from '../../../src/mud/signature/cms-sign.ts';
import { storeManufacturerVoucherStore } from '../../../src/onboarding/manufacturer-vouchers.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { drive, RV_INFO } from '../../fdo/e2e/kit.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { deviceCa } from '../../helpers/pki.ts';
import { systemRandom as random } from '../../helpers/random.ts';
import { image, pieces, uriOf } from '../../lifecycle/releases/fixture.ts';
import { product } from './facts-fixture.ts';

export const MODEL = 'thermo-1';
export const MUD_URL = 'https://mud.example.com/thermo-1.json';
const KEK = new Uint8Array(32).fill(9);

export interface World {
  store: Store;
  authority: UpdateAuthority;
  /** Runs DI for a device of `model`, with `deviceKey` or a fresh one; resolves with its GUID (hex). */
  makeDevice(model: string, deviceKey?: KeyObject): Promise<string>;
  deps(over?: { product?: Product | undefined }): EvidenceDeps;
  close(): Promise<void>;
}

export async function makeWorld(now: () => Date): Promise<World> {
  const store = await openStore(':memory:', { kek: KEK, clock: now });
  const authority = await ensureUpdateAuthority(store);
  const manufacturer = createDiManufacturer({
    random,
    clock: now,
    store: storeManufacturerVoucherStore(store, { diAuthorisedBy: 'factory' }),
    rvInfo: RV_INFO,
    deviceCa: await deviceCa('IoTopia evidence test device CA'),
    manufacturerKeys: [{ privateKey: (await cachedKeys('secp256r1', 50)).privateKey }],
  });
  let serial = 0;
  return {
    store,
    authority,
    async makeDevice(model, deviceKey) {
      const key = deviceKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const device = createDiDevice({ random, deviceKey: key, serialNumber: `EV-${++serial}`, model });
      const credential = await drive(device.start(), device.receive, manufacturer);
      return guidToHex(credential.guid);
    },
    deps(over = { product: product() }) {
      return {
        store,
        products: {
          product: async (model) => (model === MODEL ? over.product : undefined),
          currentRelease: async () => undefined,
          sbomPresent: async () => false,
          openVulnerabilities: async () => [],
        },
        probes: { latest: async () => undefined },
        platform: { keysSealed: { sealed: true, backend: 'secret-box' }, tls: { deviceApi: true, managementApi: true } },
        updateAnchors: [authority.coseKey],
      };
    },
    close: () => store.close(),
  };
}

/** Publishes a signed MUD file for `url` through the MUD role's checks. */
export async function publishSignedMud(store: Store, url: string, now: Date): Promise<string> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = createCertificate({
    subject: { commonName: 'mud.example.com', organization: 'Example' },
    publicKey: key.publicKey,
    signer: { privateKey: key.privateKey },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
  });
  const content = mudFile(url);
  const name = url.slice(url.lastIndexOf('/') + 1);
  await publishMudFile(store, { name, content, signature: signMudFile(content, { privateKey: key.privateKey, certificate }) }, now, 'test');
  return name;
}

/** Publishes release `version` of `model` with `sequenceNumber`, signed by the update authority. */
export async function publishRelease(w: World, model: string, version: string, sequenceNumber: number): Promise<string> {
  const service = releaseService({ store: w.store, authority: w.authority, payloadUri: uriOf });
  const { payload } = await uploadPayload(service.payloads, pieces(image(2000)));
  const made = await createRelease(
    service.releases,
    { model, version, sequenceNumber, components: [{ id: 'firmware', digest: payload.digest, size: payload.size }] },
    'test',
  );
  return made.id;
}

function mudFile(url: string): Uint8Array {
  const ace = (name: string, dir: 'src' | 'dst') => ({
    name,
    matches: {
      ipv4: { [`ietf-acldns:${dir}-dnsname`]: 'cloud.example.com', protocol: 6 },
      tcp: {
        'ietf-mud:direction-initiated': 'from-device',
        [dir === 'dst' ? 'destination-port' : 'source-port']: { operator: 'eq', port: 443 },
      },
    },
    actions: { forwarding: 'accept' },
  });
  const doc = {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': url,
      'last-update': '2030-01-01T00:00:00+00:00',
      'cache-validity': 24,
      'is-supported': true,
      systeminfo: 'Example thermostat',
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from-ipv4' }] } },
      'to-device-policy': { 'access-lists': { 'access-list': [{ name: 'to-ipv4' }] } },
    },
    'ietf-access-control-list:acls': {
      acl: [
        { name: 'from-ipv4', type: 'ipv4-acl-type', aces: { ace: [ace('cloud-out', 'dst')] } },
        { name: 'to-ipv4', type: 'ipv4-acl-type', aces: { ace: [ace('cloud-in', 'src')] } },
      ],
    },
  };
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
}
