/**
 * Messages built around voucher parts that other implementations produced (go-fdo, fido-device-
 * onboard-rs; ../shared/vectors/fdo): their OVHeader, voucher and OVEntry bytes must pass through
 * the message decoders unchanged, and their entries must decode as FDO COSE_Sign1 messages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decode } from '../../../src/codec/cbor.ts';
import { verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { HashType } from '../../../src/fdo/constants/crypto.ts';
import { decodeDISetCredentials, encodeDISetCredentials } from '../../../src/fdo/messages/di.ts';
import { decodeTO0OwnerSign, encodeTO0OwnerSign, encodeTo0d, signTo1d } from '../../../src/fdo/messages/to0.ts';
import { decodeTO2OVNextEntry, decodeTO2ProveOVHdr, encodeTO2OVNextEntry, encodeTO2ProveOVHdr } from '../../../src/fdo/messages/to2.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { parsePublicKey, publicKeyToKeyObject } from '../../../src/fdo/types/public-key.ts';
import { rawArrayElements } from '../../../src/fdo/types/read.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { fixtures, toHex } from './helpers.ts';

const { keys: k, fixtures: f } = await fixtures();

function voucherBytes(file: string): Uint8Array | undefined {
  const path = vectorPath('fdo', file);
  if (path === undefined) return undefined;
  const pem = readFileSync(path, 'utf8');
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

for (const file of ['go-fdo-ov.pem', 'fdo-rs-v101-voucher2.pem']) {
  const voucher = voucherBytes(file);
  describe(`voucher parts from ${file}`, { skip: voucher === undefined ? vectorsMissing(`fdo/${file}`) : false }, () => {
    const v = voucher as Uint8Array;
    const [, headerBstr, , , entriesRaw] = rawArrayElements(v, 'voucher');
    const ovHeader = decode(headerBstr as Uint8Array) as Uint8Array;
    const entries = rawArrayElements(entriesRaw as Uint8Array, 'entries');

    test('DI.SetCredentials and TO2.ProveOVHdr carry the OVHeader byte for byte', () => {
      assert.equal(toHex(decodeDISetCredentials(encodeDISetCredentials({ ovHeader })).ovHeader), toHex(ovHeader));
      const base = decodeTO2ProveOVHdr(f.bodies.get(61)?.[0] as Uint8Array);
      const body = encodeTO2ProveOVHdr({ ...base, ovHeader, numOVEntries: entries.length, signer: k.owner });
      assert.equal(toHex(decodeTO2ProveOVHdr(body).ovHeader), toHex(ovHeader));
    });

    test('TO0.OwnerSign carries the whole voucher byte for byte', () => {
      const to0d = encodeTo0d({ voucher: v, waitSeconds: 3600, nonceTO0Sign: f.nonces.to0Sign });
      const to1d = signTo1d(
        { rvTo2Addr: [{ dns: 'owner.example', port: 443, protocol: 5 }], to0dHash: hashBytes(HashType.SHA384, to0d) },
        k.owner,
      );
      const msg = decodeTO0OwnerSign(
        encodeTO0OwnerSign({ to0d: { voucher: v, waitSeconds: 3600, nonceTO0Sign: f.nonces.to0Sign }, to1d: { sign1: { bytes: to1d } } }),
      );
      assert.equal(toHex(msg.to0d.voucher), toHex(v));
      assert.deepEqual(msg.to1d.payload.to0dHash, hashBytes(HashType.SHA384, msg.to0d.bytes));
    });

    test('each OVEntry passes TO2.OVNextEntry unchanged; entry 0 verifies with the header key', () => {
      entries.forEach((entry, i) => {
        const msg = decodeTO2OVNextEntry(encodeTO2OVNextEntry({ ovEntryNum: i, ovEntry: entry }));
        assert.equal(toHex(msg.ovEntry), toHex(entry));
        assert.equal(msg.ovEntryNum, i);
      });
      if (entries.length > 0) {
        const header = decode(ovHeader) as unknown[];
        const mfgKey = publicKeyToKeyObject(parsePublicKey(header[4], 'OVPubKey')).key;
        verifySign1(decodeTO2OVNextEntry(encodeTO2OVNextEntry({ ovEntryNum: 0, ovEntry: entries[0] as Uint8Array })).sign1.bytes, {
          key: mfgKey,
        });
      }
    });
  });
}
