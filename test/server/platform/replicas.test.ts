/**
 * Two `iotopia up` instances sharing one PostgreSQL database and nothing else (each its own data
 * directory; the same master key, as the documentation asks): every FDO message of a device's
 * DI, TO1 and TO2 goes to the other server than the message before, and the device onboards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi, runOnboard } from '../../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { PG_SKIP, startReplicaPair } from '../../helpers/platform.ts';
import { systemRandom as random } from '../../helpers/random.ts';

test('two servers sharing one PostgreSQL database serve alternate messages of one device’s DI, TO1 and TO2', {
  skip: PG_SKIP,
}, async () => {
  const { a, b, close } = await startReplicaPair('iotopia-replica-');
  try {
    assert.deepEqual(b.keys.created, [], 'the second server uses the keys the first one made');
    const servers = [new URL(a.url), new URL(b.url)];
    const seen: string[] = [];
    let n = 0;
    // Every request goes to the other server than the one before, whatever address it names.
    const alternate: typeof fetch = (input, init) => {
      const target = new URL(input instanceof Request ? input.url : String(input));
      const server = servers[n++ % 2] as URL;
      target.host = server.host;
      seen.push(server.port);
      return fetch(target, init);
    };
    const deviceKey = (await generateKeyPair('secp256r1')).privateKey;
    const credential = await runDi(
      a.url,
      { random, deviceKey, serialNumber: 'SN-replicas', model: 'replica test', keyType: PublicKeyType.SECP256R1 },
      { fetch: alternate },
    );
    const result = await runOnboard(
      credential,
      {},
      {
        fetch: alternate,
        deviceKey,
        to2: {
          kexSuite: KexSuite.ECDH256,
          cipherSuite: CipherSuite.A128GCM,
          random,
          serviceInfo: { devmod: { os: 'linux', arch: 'x86_64', version: '1', device: 'replica', sep: ';', bin: 'x86_64' }, modules: [] },
        },
      },
    );
    assert.notDeepEqual(result.to2.credential.guid, credential.guid);
    assert.ok(seen.length >= 10, `${seen.length} messages`);
    assert.ok(seen.includes(servers[0]?.port as string) && seen.includes(servers[1]?.port as string));
    const device = await a.store.devices.get(credential.guid);
    assert.equal(device?.state, 'onboarded');
  } finally {
    await close();
  }
});
