import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decode, encode } from '../../../src/codec/cbor.ts';
import { exportPrivateKey } from '../../../src/crypto/key-export.ts';
import { HashType } from '../../../src/fdo/constants/crypto.ts';
import { decodeDeviceCredential } from '../../../src/fdo/credential/credential-decode.ts';
import { encodeDeviceCredential } from '../../../src/fdo/credential/credential-encode.ts';
import { importGoFdoCredential } from '../../../src/fdo/credential/credential-import-go-fdo.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { GUID, HMAC_SECRET } from '../voucher/helpers.ts';

const code = (c: string) => (e: unknown) => e instanceof FdoError && e.code === c;

async function credential(): Promise<DeviceCredential> {
  return {
    active: true,
    protVer: 101,
    hmacSecret: HMAC_SECRET,
    deviceInfo: 'IoTopia test device',
    guid: GUID,
    rvInfo: [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041 })],
    pubKeyHash: hashBytes(HashType.SHA256, Uint8Array.of(1)),
    deviceKey: { pkcs8: exportPrivateKey((await cachedKeys('secp256r1', 9)).privateKey, 'pkcs8-der') },
  };
}

describe('device credentials', () => {
  test("IoTopia's format round-trips, with a key or a keystore reference", async () => {
    const dc = await credential();
    assert.deepEqual(decodeDeviceCredential(encodeDeviceCredential(dc)), dc);
    const ref: DeviceCredential = { ...dc, active: false, deviceKey: { keystoreRef: 'pkcs11:token=dev;object=attest' } };
    assert.deepEqual(decodeDeviceCredential(encodeDeviceCredential(ref)), ref);
  });

  test('versions, unknown fields, key choice and limits are checked', async () => {
    const good = encodeDeviceCredential(await credential());
    const m = decode(good) as Map<number, unknown>;
    const with_ = (k: number, v: unknown) => encode(new Map([...m, [k, v]]));
    assert.throws(() => decodeDeviceCredential(with_(0, 2)), code('ERR_FDO_CREDENTIAL_VERSION'));
    assert.throws(() => decodeDeviceCredential(with_(10, 1)), code('ERR_FDO_CREDENTIAL_MALFORMED'));
    assert.throws(() => decodeDeviceCredential(with_(9, 'also a reference')), /exactly one/);
    assert.throws(() => decodeDeviceCredential(with_(8, Uint8Array.of(0x30, 0))), code('ERR_FDO_CREDENTIAL_MALFORMED'));
    assert.throws(() => decodeDeviceCredential(with_(3, new Uint8Array(8))), /HMAC secret/);
    assert.throws(() => decodeDeviceCredential(with_(5, new Uint8Array(15))), /GUID/);
    assert.throws(() => decodeDeviceCredential(good.subarray(0, 40)), code('ERR_FDO_CREDENTIAL_MALFORMED'));
    assert.throws(() => decodeDeviceCredential(new Uint8Array(70_000)), code('ERR_FDO_CREDENTIAL_MALFORMED'));
  });

  test('go-fdo credentials: the shared vector, and the byte-string layout', {
    skip: vectorPath('fdo') === undefined ? vectorsMissing('fdo') : false,
  }, () => {
    const bytes = readFileSync(`${vectorPath('fdo')}/go-fdo-dc.bin`);
    const dc = importGoFdoCredential(bytes);
    assert.equal(dc.active, true);
    assert.equal(dc.protVer, 101);
    assert.equal(dc.deviceInfo, 'go.fdo.example');
    assert.equal(Buffer.from(dc.guid).toString('hex'), '66b2146ffec53ca6ad017625990572ce');
    assert.equal(dc.rvInfo.length, 2);
    assert.equal(dc.pubKeyHash.type, HashType.SHA384);
    // Carried over into IoTopia's own format unchanged.
    assert.deepEqual(decodeDeviceCredential(encodeDeviceCredential(dc)), dc);
    const a = decode(new Uint8Array(bytes)) as unknown[];
    const flat = encode([...a.slice(0, 6), dc.hmacSecret, (dc.deviceKey as { pkcs8: Uint8Array }).pkcs8]);
    assert.deepEqual(importGoFdoCredential(flat), dc);
    assert.throws(() => importGoFdoCredential(encode([...a.slice(0, 6), new Map()])), code('ERR_FDO_CREDENTIAL_MALFORMED'));
  });
});
