/**
 * The same malformations applied to a valid body of every message type: each must end as an
 * FdoError with the message-body codes, never as another exception.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concat } from '../../../src/codec/bytes.ts';
import { decode, encode, Tag } from '../../../src/codec/cbor.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType, type MsgTypeNumber } from '../../../src/fdo/constants/message-types.ts';
import { MESSAGE_MAX_BYTES } from '../../../src/fdo/messages/limits.ts';
import { decodeMessage, MESSAGE_DECODERS } from '../../../src/fdo/messages/registry.ts';
import { fdoError, fixtures } from './helpers.ts';

const { fixtures: f } = await fixtures();

/** The body's array, and whether it sits inside the COSE_Sign1 tag. */
function bodyArray(bytes: Uint8Array): { items: unknown[]; wrap: (items: unknown[]) => Uint8Array } {
  const v = decode(bytes);
  if (v instanceof Tag) return { items: [...(v.value as unknown[])], wrap: (items) => encode(new Tag(items, v.tag)) };
  return { items: [...(v as unknown[])], wrap: (items) => encode(items) };
}

const other = (v: unknown): unknown => (typeof v === 'string' ? 7 : 'x');

for (const [type, list] of f.bodies) {
  const name = MESSAGE_DECODERS[type].name;
  const valid = list[0] as Uint8Array;

  describe(`${name} (${type}) malformed`, () => {
    test('every fixture decodes', () => {
      for (const b of list) decodeMessage(type, b);
    });

    test('truncated at every length', () => {
      for (let n = 0; n < valid.length; n++) assert.throws(() => decodeMessage(type, valid.subarray(0, n)), fdoError(), `length ${n}`);
    });

    test('trailing bytes', () => {
      assert.throws(() => decodeMessage(type, concat([valid, Uint8Array.of(0x00)])), fdoError('ERR_FDO_MESSAGE_BODY', /bytes|not valid/));
      if (2 * valid.length <= MESSAGE_MAX_BYTES[type]) assert.throws(() => decodeMessage(type, concat([valid, valid])), fdoError());
    });

    test('an extra element', () => {
      const { items, wrap } = bodyArray(valid);
      assert.throws(() => decodeMessage(type, wrap([...items, 0])), fdoError());
    });

    test('a missing element', () => {
      const { items, wrap } = bodyArray(valid);
      if (items.length === 0) return;
      assert.throws(() => decodeMessage(type, wrap(items.slice(0, -1))), fdoError());
    });

    test('each element of the wrong type', () => {
      const { items, wrap } = bodyArray(valid);
      items.forEach((item, i) => {
        const changed = [...items];
        changed[i] = other(item);
        assert.throws(() => decodeMessage(type, wrap(changed)), fdoError(), `element ${i}`);
      });
    });

    test('not an array', () => {
      for (const v of [new Map(), 'x', 1, null, new Uint8Array(4)]) assert.throws(() => decodeMessage(type, encode(v)), fdoError());
    });

    test('over the size cap: refused before decoding', () => {
      const big = concat([valid, new Uint8Array(MESSAGE_MAX_BYTES[type] + 1 - valid.length)]);
      assert.throws(() => decodeMessage(type, big), fdoError('ERR_FDO_MESSAGE_TOO_LARGE', /exceeds/));
      if (valid.length > 1)
        assert.throws(() => decodeMessage(type, valid, { maxBytes: valid.length - 1 }), fdoError('ERR_FDO_MESSAGE_TOO_LARGE'));
      decodeMessage(type, valid, { maxBytes: valid.length });
    });

    test('indefinite-length and non-canonical framing', () => {
      const { items } = bodyArray(valid);
      if (decode(valid) instanceof Tag) return;
      const indefinite = concat([Uint8Array.of(0x9f), ...items.map((x) => encode(x)), Uint8Array.of(0xff)]);
      assert.throws(() => decodeMessage(type, indefinite), fdoError('ERR_FDO_MESSAGE_BODY', /INDEFINITE/));
    });
  });
}

describe('registry', () => {
  test('an unknown message type is ERR_FDO_MESSAGE_TYPE', () => {
    for (const t of [0, 14, 24, 59, 72, 80, 254, 256, -1, 1.5]) {
      assert.throws(() => decodeMessage(t, Uint8Array.of(0x80)), fdoError('ERR_FDO_MESSAGE_TYPE', /not an FDO 1\.1 message/));
    }
  });

  test('every message type of §3.2 has a decoder and a fixture', () => {
    for (const t of Object.values(MsgType)) {
      assert.ok(MESSAGE_DECODERS[t as MsgTypeNumber], `decoder for ${t}`);
      assert.ok(f.bodies.has(t as MsgTypeNumber), `fixture for ${t}`);
    }
  });

  test('a body that is not a Uint8Array is caller misuse', () => {
    assert.throws(() => decodeMessage(MsgType.TO2_Done, [1] as unknown as Uint8Array), TypeError);
  });

  test('error codes are MESSAGE_BODY_ERROR for every structural fault', () => {
    assert.equal(ErrorCode.MESSAGE_BODY_ERROR, 100);
  });
});
