import { Decoder, Encoder } from 'cbor-x';
import { decode, encode, Tag } from '../src/codec/cbor.ts';
import { type Measurement, measure } from './measure.ts';

/** A message shaped like FDO TO2.ProveOVHdr: a COSE_Sign1 whose payload holds a voucher header. */
export function fdoSizedMessage(): unknown {
  const header = [
    101,
    new Uint8Array(16).fill(1),
    [
      [
        [5, 'owner.example'],
        [3, 8043],
        [12, 1],
      ],
    ],
    'device-model-x',
    [-16, 1, new Uint8Array(91)],
    [-43, new Uint8Array(48)],
  ];
  const payload = encode([
    encode(header),
    1,
    [-43, new Uint8Array(48)],
    new Uint8Array(16),
    [-16, 1, new Uint8Array(91)],
    new Uint8Array(32),
  ]);
  return new Tag(
    [
      encode(new Map([[1, -7]])),
      new Map<number, unknown>([
        [-259, new Uint8Array(16)],
        [-260, new Uint8Array(65)],
      ]),
      payload,
      new Uint8Array(64),
    ],
    18,
  );
}

export function cborBench(seconds: number): Measurement[] {
  const value = fdoSizedMessage();
  const bytes = encode(value);
  // The library alone, configured as IoTopia configures it: the difference is the cost of our layer
  // (the limits scan on decode, the exact-integer check on encode).
  const rawEncoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, variableMapSize: true });
  const rawDecoder = new Decoder({ mapsAsObjects: false, useRecords: false });
  const size = `${bytes.length}-byte FDO-sized message`;
  return [
    measure(`cbor encode (${size})`, () => encode(value), seconds),
    measure(`cbor-x encode alone (${size})`, () => rawEncoder.encode(value), seconds),
    measure(`cbor decode (${size}, strict, limits)`, () => decode(bytes), seconds),
    measure(`cbor-x decode alone (${size}, no limits)`, () => rawDecoder.decode(bytes), seconds),
  ];
}
