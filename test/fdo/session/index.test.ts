/** The public surface of src/fdo/session, used the way the TO2 state machines will use it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { CipherSuite } from '../../../src/fdo/constants/crypto.ts';
import * as session from '../../../src/fdo/session/index.ts';
import { systemRandom as random } from '../../helpers/random.ts';

test('index: a TO2-shaped exchange with every piece of state stored as JSON between messages', () => {
  assert.deepEqual(Object.keys(session).sort(), [
    'RECENT_IV_LIMIT',
    'createOwnerKex',
    'createSessionState',
    'deriveSessionKeys',
    'deviceRespondKex',
    'importOwnerKexState',
    'importSessionState',
    'isCipherSuiteSupported',
    'isKexSuiteSupported',
    'openMessage',
    'ownerFinishKex',
    'sealMessage',
  ]);
  const db = new Map<string, string>();
  const suite = 'ECDH384';
  const cipherSuite = CipherSuite.COSEAES256CTR;
  assert.ok(session.isKexSuiteSupported(suite) && session.isCipherSuiteSupported(cipherSuite));

  // Owner, TO2.HelloDevice → TO2.ProveOVHdr: xA goes out, the exchange state is stored.
  const started = session.createOwnerKex(suite, { random });
  db.set('kex', JSON.stringify(started.state));

  // Device, TO2.ProveOVHdr → TO2.ProveDevice: xB goes out; the device's session begins.
  const dev = session.deviceRespondKex(suite, started.xA, { random });
  let deviceState = session.createSessionState(session.deriveSessionKeys(dev.sharedSecret, cipherSuite), { random });

  // Owner (any replica), TO2.ProveDevice → TO2.SetupDevice: finish, start the session, encrypt.
  const secret = session.ownerFinishKex(session.importOwnerKexState(JSON.parse(db.get('kex') ?? '')), dev.xB);
  db.delete('kex');
  const ownerState = session.createSessionState(session.deriveSessionKeys(secret, cipherSuite), { random });
  const setup = session.sealMessage(ownerState, encode(['SetupDevice body']), { random });
  db.set('session', JSON.stringify(setup.state));

  // Device opens TO2.SetupDevice and answers with TO2.DeviceServiceInfoReady.
  const opened = session.openMessage(deviceState, setup.message);
  assert.deepEqual(opened.plaintext, encode(['SetupDevice body']));
  const ready = session.sealMessage(opened.state, encode(['DeviceServiceInfoReady body']), { random });
  deviceState = ready.state;

  // Another owner replica continues from storage.
  const got = session.openMessage(session.importSessionState(JSON.parse(db.get('session') ?? '')), ready.message);
  assert.deepEqual(got.plaintext, encode(['DeviceServiceInfoReady body']));
  assert.equal(deviceState.cipherSuite, cipherSuite);
});
