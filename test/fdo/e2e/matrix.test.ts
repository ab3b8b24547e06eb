/**
 * Every valid combination of device key type, key exchange and cipher suite, each a full
 * DI → sale → TO0 → TO1 → TO2 in process (docs/fdo-protocols.md, "Valid combinations", says which
 * combinations FDO 1.1 allows and why the others are excluded). The owner key follows the key
 * exchange, as the spec's crypto mapping ties each exchange to an owner key type; the combinations
 * the mapping excludes are checked to be refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KexSuite } from '../../../src/fdo/constants/crypto.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { CIPHER_SUITES, DEVICE_KEY_TYPES, journey, KEX_SUITES, makeOwner, OWNER_KEY_FOR_KEX } from './kit.ts';

const TO2_SEQUENCE_TAIL = [64, 65, 66, 67, 68, 69, 70, 71];

for (const deviceKeyType of DEVICE_KEY_TYPES) {
  describe(`device key ${deviceKeyType}`, () => {
    for (const kexSuite of KEX_SUITES) {
      for (const [cipherName, cipherSuite] of CIPHER_SUITES) {
        test(`${kexSuite} + ${cipherName}`, async () => {
          const j = await journey({ deviceKeyType, kexSuite, cipherSuite });
          assert.equal(j.to2.deviceError, undefined, `device: ${String(j.to2.deviceError)} owner: ${String(j.to2.ownerError)}`);
          const result = j.to2.result;
          assert.ok(result);
          assert.deepEqual(
            j.di.transcript.map((t) => t.msgType),
            [10, 11, 12, 13],
          );
          assert.deepEqual(
            j.to1.transcript.map((t) => t.msgType),
            [30, 31, 32, 33],
          );
          assert.deepEqual(
            j.to2.transcript.map((t) => t.msgType),
            [60, 61, 62, 63, ...TO2_SEQUENCE_TAIL],
          );
          const recorded = j.owner.store.onboardedDevices.get(guidToHex(j.di.credential.guid));
          assert.ok(recorded?.replacementVoucher);
          verifyVoucher(parseVoucher(recorded.replacementVoucher), { deviceCredential: result.credential });
        });
      }
    }
  });
}

describe('combinations the crypto mapping excludes are refused', () => {
  const owners = { ECDH256: 'secp256r1', ECDH384: 'secp384r1', RSA2048: 'rsa2048', RSA3072: 'rsa3072' } as const;
  for (const kexSuite of KEX_SUITES) {
    for (const [name, pair] of Object.entries(owners)) {
      if (OWNER_KEY_FOR_KEX[kexSuite]?.pair === pair) continue;
      test(`${kexSuite} with a ${name.replace('ECDH', 'P-')} owner key`, async () => {
        const owner = makeOwner(await cachedKeys(pair, 60));
        const j = await journey({ deviceKeyType: 'SECP256R1', kexSuite, cipherSuite: 1, owner });
        assert.equal(j.to2.result, undefined);
        assert.ok(j.to2.deviceError instanceof FdoPeerError);
        assert.equal(j.to2.deviceError.peerCode, 101);
        const code = (j.to2.ownerError as { code?: string }).code;
        // ASYMKEX with a non-RSA (or wrong-size) owner key fails in the key exchange itself.
        assert.ok(code === 'ERR_FDO_TO2_KEX_MISMATCH' || (kexSuite.startsWith('ASYMKEX') && code === 'ERR_FDO_KEX_OWNER_KEY'), code);
        assert.equal(j.owner.store.onboardedDevices.size, 0);
      });
    }
  }
  test('the kit covers every key exchange IoTopia implements', () => {
    assert.deepEqual([...KEX_SUITES].sort(), Object.values(KexSuite).sort());
  });
});
