import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { decodeDeviceServiceInfo, encodeDeviceServiceInfo } from '../../../src/fdo/serviceinfo/device-service-info-codec.ts';
import { resolveMaxServiceInfoSize } from '../../../src/fdo/serviceinfo/max-size.ts';
import { decodeOwnerServiceInfo, encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';

const kv = (key: string, value: unknown) => ({ key, value: encode(value) });

test('TO2.DeviceServiceInfo and TO2.OwnerServiceInfo round-trip as [bool, (bool,) [[tstr, bstr .cbor]]]', () => {
  const d = { isMoreServiceInfo: true, serviceInfo: [kv('devmod:active', true), kv('devmod:os', 'Linux')] };
  const bytes = encodeDeviceServiceInfo(d);
  assert.equal(bytes[0], 0x82);
  assert.deepEqual(decodeDeviceServiceInfo(bytes), d);
  // The value is a byte string wrapping CBOR: 0x41 0xf5 for `true`.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x82, 0xf5, 0x82, 0x82]);
  const o = { isMoreServiceInfo: false, isDone: true, serviceInfo: [] };
  assert.deepEqual([...encodeOwnerServiceInfo(o)], [0x83, 0xf4, 0xf5, 0x80]);
  assert.deepEqual(decodeOwnerServiceInfo(encodeOwnerServiceInfo(o)), o);
});

test('an empty ServiceInfo written as null is read as empty', () => {
  assert.deepEqual(decodeOwnerServiceInfo(encode([false, false, null])).serviceInfo, []);
});

test('malformed bodies fail with ERR_FDO_SVI_MALFORMED and MESSAGE_BODY_ERROR', () => {
  const cases: unknown[] = [
    [false],
    [1, []],
    [false, {}],
    [false, [['devmod:os']]],
    [false, [[1, new Uint8Array([0xf5])]]],
    [false, [['devmod:os', 'Linux']]],
    'not an array',
  ];
  for (const c of cases) {
    assert.throws(() => decodeDeviceServiceInfo(encode(c)), { code: 'ERR_FDO_SVI_MALFORMED', fdoCode: 100 }, JSON.stringify(c));
  }
  assert.throws(() => decodeDeviceServiceInfo(new Uint8Array([0x82, 0xf5])), { code: 'ERR_FDO_SVI_MALFORMED' });
  assert.throws(() => decodeOwnerServiceInfo(encode([false, []])), { code: 'ERR_FDO_SVI_MALFORMED' });
});

test('limits: body size, KV count, key length', () => {
  const many = { isMoreServiceInfo: false, serviceInfo: Array.from({ length: 20 }, (_, i) => kv(`m:${i}`, i)) };
  assert.throws(() => decodeDeviceServiceInfo(encodeDeviceServiceInfo(many), { maxKvs: 10 }), { code: 'ERR_FDO_SVI_LIMIT', fdoCode: 100 });
  const big = { isMoreServiceInfo: false, serviceInfo: [kv('m:x', new Uint8Array(2000))] };
  assert.throws(() => decodeDeviceServiceInfo(encodeDeviceServiceInfo(big), { maxBodyBytes: 1300 }), { code: 'ERR_FDO_SVI_LIMIT' });
  const longKey = { isMoreServiceInfo: false, serviceInfo: [kv(`m:${'x'.repeat(300)}`, 1)] };
  assert.throws(() => decodeDeviceServiceInfo(encodeDeviceServiceInfo(longKey)), { code: 'ERR_FDO_SVI_LIMIT' });
});

test('resolveMaxServiceInfoSize: null is 1300; out of range is ERR_FDO_SVI_MAX_SIZE', () => {
  assert.equal(resolveMaxServiceInfoSize(null), 1300);
  assert.equal(resolveMaxServiceInfoSize(undefined), 1300);
  assert.equal(resolveMaxServiceInfoSize(256), 256);
  assert.equal(resolveMaxServiceInfoSize(65535), 65535);
  for (const bad of [0, 255, 65536, 1.5])
    assert.throws(() => resolveMaxServiceInfoSize(bad), { code: 'ERR_FDO_SVI_MAX_SIZE', fdoCode: 100 });
});
