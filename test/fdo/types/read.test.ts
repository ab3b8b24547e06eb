import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import {
  asArray,
  asBool,
  asBstr,
  asInt,
  asOneOf,
  asTagged,
  asText,
  asUint,
  decodeFdoCbor,
  rawArrayElements,
} from '../../../src/fdo/types/read.ts';

const bodyError = (where: RegExp) => (e: unknown) =>
  e instanceof FdoError && e.code === 'ERR_FDO_MESSAGE_BODY' && e.fdoCode === ErrorCode.MESSAGE_BODY_ERROR && where.test(e.message);

describe('FDO CBOR readers', () => {
  test('decodeFdoCbor is strict: trailing bytes, indefinite lengths, duplicate keys and limits fail', () => {
    assert.deepEqual(decodeFdoCbor(encode([1, 2]), 'X'), [1, 2]);
    assert.throws(() => decodeFdoCbor(Uint8Array.of(0x01, 0x02), 'Msg'), bodyError(/^Msg: not valid CBOR/));
    assert.throws(() => decodeFdoCbor(Uint8Array.of(0x9f, 0x01, 0xff), 'Msg'), bodyError(/ERR_CBOR_INDEFINITE/));
    assert.throws(() => decodeFdoCbor(Uint8Array.of(0xa2, 0x01, 0x01, 0x01, 0x02), 'Msg'), bodyError(/ERR_CBOR_DUPLICATE_KEY/));
    assert.throws(() => decodeFdoCbor(encode(new Uint8Array(100)), 'Msg', { maxStringBytes: 10 }), bodyError(/ERR_CBOR_LENGTH_LIMIT/));
    const e = (() => {
      try {
        decodeFdoCbor(Uint8Array.of(0x82, 0x01), 'Msg');
      } catch (err) {
        return err as FdoError;
      }
    })();
    assert.equal((e?.cause as { code?: string } | undefined)?.code, 'ERR_CBOR_TRUNCATED');
  });

  test('shape readers name the field and the problem', () => {
    assert.deepEqual(asArray([1, 2], 2, 'A'), [1, 2]);
    assert.deepEqual(asArray([1], [1, 3], 'A'), [1]);
    assert.throws(() => asArray([1, 2, 3], 2, 'Msg.body'), bodyError(/^Msg\.body: expected 2 elements, got 3$/));
    assert.throws(() => asArray([], [1, 3], 'A'), bodyError(/expected 1 to 3 elements/));
    assert.throws(() => asArray('x', 1, 'A'), bodyError(/expected an array, got a text string/));
    assert.throws(() => asBstr(new Uint8Array(3), 'B', { min: 4 }), bodyError(/shorter than 4/));
    assert.throws(() => asBstr(new Uint8Array(5), 'B', { max: 4 }), bodyError(/longer than 4/));
    assert.throws(() => asUint(-1, 'U'), bodyError(/expected an unsigned integer/));
    assert.throws(() => asUint(300, 'U', 255), bodyError(/300 is larger than 255/));
    assert.throws(() => asUint(1.5, 'U'), bodyError(/unsigned integer/));
    assert.throws(() => asUint(2n ** 64n, 'U'), bodyError(/unsigned integer/));
    assert.equal(asInt(-43, 'I'), -43);
    assert.throws(() => asText(new Uint8Array(1), 'T'), bodyError(/expected a text string/));
    assert.throws(() => asText('ééé', 'T', 5), bodyError(/longer than 5 bytes/));
    assert.equal(asBool(true, 'B'), true);
    assert.throws(() => asBool(1, 'B'), bodyError(/expected a boolean/));
    assert.equal(asOneOf(2, { A: 1, B: 2 }, 'E'), 2);
    assert.throws(() => asOneOf(3, { A: 1, B: 2 }, 'E'), bodyError(/3 is not one of 1, 2/));
    assert.throws(() => asTagged(5, 18, 'T'), bodyError(/expected tag 18/));
  });

  test('rawArrayElements returns each element as carried, without re-encoding', () => {
    // 0x18 0x05 is a non-preferred encoding of 5: re-encoding would change it.
    const bytes = Uint8Array.of(0x83, 0x18, 0x05, 0x41, 0xaa, 0x80);
    const parts = rawArrayElements(bytes, 'V');
    assert.deepEqual(
      parts.map((p) => [...p]),
      [[0x18, 0x05], [0x41, 0xaa], [0x80]],
    );
    assert.throws(() => rawArrayElements(Uint8Array.of(0x83, 0x01), 'V'), bodyError(/^V\[1\]: not valid CBOR/));
    assert.throws(() => rawArrayElements(Uint8Array.of(0x81, 0x01, 0x02), 'V'), bodyError(/1 bytes follow the array/));
    assert.throws(() => rawArrayElements(Uint8Array.of(0xa0), 'V'), bodyError(/expected an array/));
  });
});
