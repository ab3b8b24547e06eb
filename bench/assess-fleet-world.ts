/**
 * A fleet of one product model in a SQLite file store, as the store holds it after FDO DI and TO2:
 * every device runs DI against the manufacturer (its own P-256 key, a certificate the device CA
 * issues for it, the voucher in the store with its device record and audit entry), then the owner
 * side of TO2 is recorded (the voucher extended to the owner, the device onboarded with its MUD URL,
 * then active). Beside the devices: the product record, two releases signed by the update
 * authority, a campaign that installed the second on every device with a verified report, a signed
 * MUD file published here, the MUD manager's record of every device, and the release's SBOM.
 *
 * The DI manufacturer's voucher sink commits a device per transaction; here the vouchers DI hands
 * over are written a batch per transaction through the same state moves (moveVoucher, moveDevice,
 * the audit record), so that making 10,000 devices does not wait for 10,000 disk syncs.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productService } from '../src/compliance/products/service.ts';
import { standardParsers } from '../src/compliance/products/standard-parsers.ts';
import { createDiDevice } from '../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../src/fdo/protocol/di-manufacturer.ts';
import { guidToHex } from '../src/fdo/types/guid.ts';
import { encodeVoucher } from '../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../src/fdo/voucher/voucher-parse.ts';
import { moveDevice } from '../src/lifecycle/device-states.ts';
import { uploadPayload } from '../src/lifecycle/releases/payloads.ts';
import { createRelease } from '../src/lifecycle/releases/releases.ts';
import { releaseService } from '../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority, type UpdateAuthority } from '../src/lifecycle/releases/update-authority.ts';
import { moveVoucher } from '../src/onboarding/voucher-states.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Repositories, Store } from '../src/store/store.ts';
import { publishSignedMud } from '../test/compliance/evidence/store-world.ts';
import { drive, RV_INFO } from '../test/fdo/e2e/kit.ts';
import { cachedKeys } from '../test/helpers/keys.ts';
import { deviceCa } from '../test/helpers/pki.ts';
import { systemRandom as random } from '../test/helpers/random.ts';
import { image, pieces, uriOf } from '../test/lifecycle/releases/fixture.ts';

export const FLEET_MODEL = 'thermo-1';
export const FLEET_MUD_URL = 'https://mud.example.com/thermo-1.json';
export const FLEET_NOW = new Date('2030-06-01T00:00:00Z');
const BATCH = 500;

export interface Fleet {
  store: Store;
  authority: UpdateAuthority;
  /** The database file (its WAL beside it). */
  path: string;
  /** The devices' GUIDs (hex). */
  guids: string[];
  close(): Promise<void>;
}

interface Made {
  guid: Uint8Array;
  voucher: Uint8Array;
}

/** Builds the fleet of `count` devices; `progress` hears how many devices exist so far. */
export async function buildFleet(count: number, progress: (done: number) => void = () => {}): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-assess-fleet-'));
  const path = join(dir, 'iotopia.db');
  const store = await openStore({ path }, { kek: randomBytes(32), clock: () => new Date(FLEET_NOW.getTime()) });
  try {
    const authority = await ensureUpdateAuthority(store);
    const guids = await makeDevices(store, count, progress);
    await publishSignedMud(store, FLEET_MUD_URL, FLEET_NOW);
    await publishRelease(store, authority, '1.0.0', 1);
    const current = await publishRelease(store, authority, '1.1.0', 2);
    await productAndSbom(store);
    await installedEverywhere(store, current, guids);
    await intentRecords(store, guids);
    return {
      store,
      authority,
      path,
      guids,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function makeDevices(store: Store, count: number, progress: (done: number) => void): Promise<string[]> {
  const manufacturerKey = (await cachedKeys('secp256r1', 50)).privateKey;
  const owner = await cachedKeys('secp256r1', 51);
  const pending: Made[] = [];
  const manufacturer = createDiManufacturer({
    random,
    clock: () => new Date(FLEET_NOW.getTime()),
    store: { saveVoucher: async (guid, voucher) => void pending.push({ guid, voucher }) },
    rvInfo: RV_INFO,
    deviceCa: await deviceCa('IoTopia bench device CA'),
    manufacturerKeys: [{ privateKey: manufacturerKey }],
  });
  const guids: string[] = [];
  for (let n = 0; n < count; ) {
    const end = Math.min(count, n + BATCH);
    for (; n < end; n++) {
      const deviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const device = createDiDevice({ random, deviceKey, serialNumber: `FLEET-${n + 1}`, model: FLEET_MODEL });
      await drive(device.start(), device.receive, manufacturer);
    }
    const batch = pending.splice(0);
    await store.transaction(async (r) => {
      for (const m of batch) await recordDevice(r, m, manufacturerKey, owner.publicKey);
    });
    guids.push(...batch.map((m) => guidToHex(m.guid)));
    progress(n);
  }
  return guids;
}

/** What DI's voucher sink writes, then what the owner side of TO2 leaves. */
async function recordDevice(r: Repositories, m: Made, manufacturerKey: KeyObject, ownerKey: KeyObject): Promise<void> {
  await moveVoucher(r, m.guid, 'made', { voucher: m.voucher, diAuthorisedBy: 'factory' });
  await moveDevice(r, m.guid, 'manufactured');
  await r.audit.append({
    actor: 'manufacturer',
    action: 'voucher.created',
    subject: guidToHex(m.guid),
    details: { bytes: m.voucher.length },
  });
  const extended = extendVoucher(parseVoucher(m.voucher), { ownerPrivateKey: manufacturerKey, nextOwner: ownerKey });
  await r.vouchers.put({ side: 'owner', guid: m.guid, voucher: encodeVoucher(extended), state: 'onboarded' });
  await moveDevice(r, m.guid, 'onboarded', { replacementGuid: m.guid, info: { mudUrl: FLEET_MUD_URL } });
  await moveDevice(r, m.guid, 'activated');
}

/** Release `version` of the model, its SUIT envelope signed by the update authority; resolves with its id. */
async function publishRelease(store: Store, authority: UpdateAuthority, version: string, sequenceNumber: number): Promise<string> {
  const service = releaseService({ store, authority, payloadUri: uriOf });
  const { payload } = await uploadPayload(service.payloads, pieces(image(2000)));
  const components = [{ id: 'firmware', digest: payload.digest, size: payload.size }];
  return (await createRelease(service.releases, { model: FLEET_MODEL, version, sequenceNumber, components }, 'bench')).id;
}

async function productAndSbom(store: Store): Promise<void> {
  const products = productService({ store, parsers: standardParsers, clock: () => new Date(FLEET_NOW.getTime()) });
  await products.create(
    {
      model: FLEET_MODEL,
      manufacturer: 'Example Devices',
      name: 'Thermostat',
      mudUrl: FLEET_MUD_URL,
      disclosurePolicyUrl: 'https://example.com/security',
      securityContact: 'mailto:security@example.com',
      supportEnd: '2035-01-01',
      supportPublished: true,
      updatable: true,
      constrained: false,
      usesPasswords: false,
      hasUserInterface: false,
      processesPersonalData: false,
    },
    'bench',
  );
  await products.importSbom(FLEET_MODEL, '1.1.0', new TextEncoder().encode(JSON.stringify(sbom())), 'bom.cdx.json', 'bench');
}

const sbom = () => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:6c1d3f0e-2b1a-4c55-9d1e-6a5b0f3c2e11',
  version: 1,
  metadata: { component: { type: 'firmware', name: FLEET_MODEL, version: '1.1.0' } },
  components: [
    { type: 'library', 'bom-ref': 'zlib', name: 'zlib', version: '1.3.1', purl: 'pkg:generic/zlib@1.3.1' },
    { type: 'library', 'bom-ref': 'mbedtls', name: 'mbedtls', version: '3.6.2', purl: 'pkg:generic/mbedtls@3.6.2' },
  ],
});

async function installedEverywhere(store: Store, releaseId: string, guids: readonly string[]): Promise<void> {
  await store.campaigns.create({
    id: 'fleet-1.1.0',
    name: 'roll out 1.1.0',
    releaseId,
    targetGuids: [...guids],
    waves: [{ percent: 100 }],
    actionType: 'forced',
    confirm: false,
    errorThreshold: 50,
    timeoutSeconds: 3600,
    retries: { attempts: 0, backoffSeconds: 60 },
  });
  for (let at = 0; at < guids.length; at += BATCH) {
    const slice = guids.slice(at, at + BATCH);
    await store.transaction(async (r) => {
      await r.campaigns.addActions(
        'fleet-1.1.0',
        slice.map((guid, i) => ({ id: `a${at + i}`, guid, wave: 0 })),
      );
      for (const i of slice.keys())
        await r.campaigns.updateAction(`a${at + i}`, ['scheduled'], {
          state: 'succeeded',
          report: new Uint8Array([0xa0]),
          reportVerified: true,
        });
    });
  }
}

const mac = (n: number) =>
  `02:${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, 1].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

async function intentRecords(store: Store, guids: readonly string[]): Promise<void> {
  for (let at = 0; at < guids.length; at += BATCH) {
    const slice = guids.slice(at, at + BATCH);
    await store.transaction(async (r) => {
      for (const [i, guid] of slice.entries())
        await r.intentDevices.put({
          mac: mac(at + i),
          guid,
          mudUrl: FLEET_MUD_URL,
          urlSource: 'fdo',
          mud: { json: '{}', digest: 'cd', signed: true, signer: 'CN=mud.example.com' },
          names: [],
          state: 'enforced',
          ruleCount: 2,
        });
    });
  }
}
