import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode, Tag } from '../../../src/codec/cbor.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { decodeErrorMessage, encodeErrorMessage, errorMessageFor } from '../../../src/fdo/messages/error.ts';
import { MAX_ERROR_TEXT_BYTES } from '../../../src/fdo/messages/limits.ts';
import { decodeTO2Done } from '../../../src/fdo/messages/to2.ts';
import { fdoError, toHex } from './helpers.ts';

describe('error message (255)', () => {
  test('round trip with and without the optional fields', () => {
    const full = { code: 101, prevMsgType: 64, message: 'invalid message', timestamp: 1_700_000_000, correlationId: 42 };
    assert.deepEqual(decodeErrorMessage(encodeErrorMessage(full)), full);
    const bare = { code: 500, prevMsgType: 0, message: '' };
    assert.deepEqual(decodeErrorMessage(encodeErrorMessage(bare)), bare);
    assert.equal(toHex(encodeErrorMessage(bare)), '851901f40060f6f6');
    const text = { ...bare, timestamp: '2024-05-01T12:00:00Z' };
    assert.deepEqual(decodeErrorMessage(encodeErrorMessage(text)), text);
  });

  test('every timestamp form of §3.8 is read, and the bare integer peers send', () => {
    const withTs = (ts: unknown) => encode([100, 60, 'x', ts, null]);
    assert.equal(decodeErrorMessage(withTs(new Tag(1_700_000_000, 1))).timestamp, 1_700_000_000);
    assert.equal(decodeErrorMessage(withTs(new Tag('2024-05-01T12:00:00Z', 0))).timestamp, '2024-05-01T12:00:00Z');
    assert.equal(decodeErrorMessage(withTs(1_700_000_000)).timestamp, 1_700_000_000);
    assert.equal(decodeErrorMessage(withTs(null)).timestamp, undefined);
    assert.throws(() => decodeErrorMessage(withTs(-5)), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorTs/));
    assert.throws(() => decodeErrorMessage(withTs(new Tag(5, 100))), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorTs/));
    assert.throws(() => decodeErrorMessage(withTs('2024')), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorTs/));
    assert.throws(() => decodeErrorMessage(withTs(new Tag(1.5, 1))), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorTs/));
  });

  test('a correlation id may use all 64 bits', () => {
    const m = decodeErrorMessage(encode([100, 60, 'x', null, 2n ** 64n - 1n]));
    assert.equal(m.correlationId, 2n ** 64n - 1n);
    assert.deepEqual(decodeErrorMessage(encodeErrorMessage({ ...m })), m);
    assert.throws(() => decodeErrorMessage(encode([100, 60, 'x', null, -1])), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorCID/));
  });

  test('field bounds', () => {
    assert.equal(decodeErrorMessage(encode([65_535, 255, 'x', null, null])).code, 65_535);
    assert.throws(() => decodeErrorMessage(encode([65_536, 1, 'x', null, null])), fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorCode/));
    assert.throws(() => decodeErrorMessage(encode([100, 256, 'x', null, null])), fdoError('ERR_FDO_MESSAGE_BODY', /EMPrevMsgID/));
    assert.throws(
      () => decodeErrorMessage(encode([100, 1, 'é'.repeat(MAX_ERROR_TEXT_BYTES / 2 + 1), null, null])),
      fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorStr/),
    );
    assert.throws(
      () => decodeErrorMessage(encode([100, 1, new Uint8Array(2), null, null])),
      fdoError('ERR_FDO_MESSAGE_BODY', /EMErrorStr/),
    );
    assert.throws(() => encodeErrorMessage({ code: 70_000, prevMsgType: 1, message: '' }), TypeError);
  });
});

describe('errorMessageFor', () => {
  test('an FdoError gives its spec code and a generic text, never its own message', () => {
    let err: unknown;
    try {
      decodeTO2Done(encode([new Uint8Array(3)]));
    } catch (e) {
      err = e;
    }
    const m = errorMessageFor(err, MsgType.TO2_Done, { timestamp: 1_700_000_000, correlationId: 9 });
    assert.deepEqual(m, {
      code: ErrorCode.MESSAGE_BODY_ERROR,
      prevMsgType: 70,
      message: 'message body error',
      timestamp: 1_700_000_000,
      correlationId: 9,
    });
    assert.ok(!m.message.includes('NonceTO2ProveDv'));
    decodeErrorMessage(encodeErrorMessage(m));
  });

  test('anything else is INTERNAL_SERVER_ERROR with nothing from the error', () => {
    const m = errorMessageFor(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), MsgType.DI_AppStart);
    assert.deepEqual(m, { code: 500, prevMsgType: 10, message: 'internal error' });
    assert.deepEqual(errorMessageFor('a string', 0), { code: 500, prevMsgType: 0, message: 'internal error' });
  });

  test('each spec code has its own text', () => {
    const texts = new Set<string>();
    for (const code of Object.values(ErrorCode)) {
      const m = errorMessageFor(new FdoError('ERR_FDO_MESSAGE_BODY', code, 'internal detail'), 20);
      assert.equal(m.code, code);
      assert.ok(!m.message.includes('internal detail'));
      texts.add(m.message);
    }
    assert.equal(texts.size, Object.values(ErrorCode).length);
  });

  test('prevMsgType must be a uint8', () => {
    assert.throws(() => errorMessageFor(new Error('x'), 256), TypeError);
    assert.throws(() => errorMessageFor(new Error('x'), -1), TypeError);
  });
});
