import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { DeviceSgType } from '../../../src/fdo/constants/crypto.ts';
import { deviceAlgorithmsFor } from '../../../src/fdo/protocol/lib/device-signature.ts';
import { parseSigInfo } from '../../../src/fdo/types/sig-info.ts';

test('RSA device keys may attest with RS or PS signatures; the PSS sgTypes parse', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.deepEqual(deviceAlgorithmsFor(publicKey), [Algorithm.RS256, Algorithm.PS256]);
  assert.equal(parseSigInfo([DeviceSgType.PS256, new Uint8Array(0)], 'eASigInfo').sgType, -37);
  assert.equal(parseSigInfo([DeviceSgType.PS384, new Uint8Array(0)], 'eASigInfo').sgType, -38);
});
