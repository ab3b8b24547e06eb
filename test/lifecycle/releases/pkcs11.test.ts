/** The update-authority key in a PKCS#11 token (SoftHSM2): the store keeps its public record only, and envelopes it signs verify. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCoseKey } from '../../../src/codec/cose/key.ts';
import { isKeyHandle } from '../../../src/crypto/private-key-handle.ts';
import { openPkcs11Keystore } from '../../../src/keystore/pkcs11/keystore.ts';
import { uploadPayload } from '../../../src/lifecycle/releases/payloads.ts';
import { createRelease, getRelease } from '../../../src/lifecycle/releases/releases.ts';
import { releaseService } from '../../../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority, updateTrustAnchors } from '../../../src/lifecycle/releases/update-authority.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { verifyEnvelope } from '../../../src/suit/authenticate.ts';
import { makeToken, SOFTHSM_SKIP } from '../../helpers/softhsm.ts';
import { image, KEK, pieces, uriOf } from './fixture.ts';

describe('update-authority key in a PKCS#11 token', { skip: SOFTHSM_SKIP }, () => {
  test('made in the token once, public record in the store, signs envelopes that verify with the anchor', async () => {
    const keystore = openPkcs11Keystore(makeToken('updates'));
    const store = await openStore(':memory:', { kek: KEK });
    try {
      const authority = await ensureUpdateAuthority(store, keystore);
      assert.ok(isKeyHandle(authority.privateKey));
      assert.equal(authority.created, true);
      const again = await ensureUpdateAuthority(store, keystore);
      assert.deepEqual([again.created, again.kid], [false, authority.kid]);
      const record = await store.keys.get('update-authority');
      assert.ok(record !== undefined);
      assert.equal(record.privateKey, undefined);

      const service = releaseService({ store, authority, payloadUri: uriOf });
      const { payload } = await uploadPayload(service.payloads, pieces(image(4000)));
      const made = await createRelease(
        service.releases,
        { model: 'hsm', version: '1', sequenceNumber: 1, components: [{ id: 'fw', digest: payload.digest, size: payload.size }] },
        'token:test',
      );
      const anchor = decodeCoseKey((await updateTrustAnchors(store.keys))[0] as Uint8Array);
      const verified = verifyEnvelope((await getRelease(store, made.id)).envelope, { keys: [anchor] });
      assert.equal(verified.blocks[0]?.verified, true);
    } finally {
      await store.close();
      await keystore.close();
    }
  });
});
