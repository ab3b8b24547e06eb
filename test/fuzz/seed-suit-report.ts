/**
 * Writes test/fuzz/corpus/suit-report.json (SUIT reports: plain, COSE_Sign1 with P-256 and Ed25519,
 * COSE_Mac0) and test/fuzz/corpus/suit-encryption.json ([encryption info, ciphertext] pairs for every
 * key distribution and content encryption), made with the fuzzing keys. Run it again only when the
 * seeds should change: `node test/fuzz/seed-suit-report.ts`.
 */
import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { encode } from '../../src/codec/cbor.ts';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { encryptPayload } from '../../src/suit/encryption/encrypt-payload.ts';
import { protectReport } from '../../src/suit/report/protect.ts';
import { encodeReport, type SuitReport } from '../../src/suit/report/report.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_128, FUZZ_SECRET_256 } from './keys.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const digest = { algorithm: -16, bytes: new Uint8Array(32).fill(0x5c) };
const record = (section: number, offset: number) => ({
  kind: 'record' as const,
  manifestId: [],
  section,
  offset,
  componentIndex: 0,
  properties: [
    { code: 3, name: 'image-digest', value: digest },
    { code: 14, name: 'image-size', value: 1024 },
  ],
  extensions: [],
});

const reports: SuitReport[] = [
  { reference: { digest }, records: [], result: { ok: true }, extensions: new Map() },
  {
    reference: { uri: 'https://updates.example/m.suit', digest },
    nonce: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    records: [
      record(7, 3),
      { kind: 'system-properties', componentId: [Uint8Array.of(0)], properties: [{ code: 14, name: 'image-size', value: 7 }] },
    ],
    result: { ok: false, code: 123456, reason: 10, record: record(7, 3) },
    capabilities: {
      components: [{ prefix: [Uint8Array.of(0)], wildcard: true }],
      lists: new Map([
        [2, [1, 2, 3]],
        [3, [1, 2, 3, 14]],
        [4, [-7, -9]],
      ]),
      extensions: new Map(),
    },
    extensions: new Map(),
  },
];

const reportSeeds: Uint8Array[] = [];
for (const r of reports) {
  const plain = encodeReport(r);
  reportSeeds.push(
    plain,
    protectReport(plain, { key: FUZZ_P256, kid: Uint8Array.of(1) }),
    protectReport(plain, { key: FUZZ_ED25519 }),
    protectReport(plain, { key: FUZZ_SECRET_256 }),
  );
}
writeFileSync(new URL('./corpus/suit-report.json', import.meta.url), `${JSON.stringify(reportSeeds.map(hex), null, 1)}\n`);

const plaintext = new TextEncoder().encode('This is a real firmware image.');
const encSeeds: Uint8Array[] = [];
for (const contentAlgorithm of [Algorithm.A128GCM, Algorithm.A128CTR]) {
  for (const recipients of [
    [{ kind: 'aes-kw' as const, kek: FUZZ_SECRET_128, kid: new TextEncoder().encode('kid-1') }],
    [{ kind: 'es-dh' as const, publicKey: createPublicKey(FUZZ_P256) }],
  ]) {
    const e = encryptPayload({ plaintext, recipients, contentAlgorithm });
    encSeeds.push(encode([e.encryptionInfo, e.ciphertext]));
  }
}
writeFileSync(new URL('./corpus/suit-encryption.json', import.meta.url), `${JSON.stringify(encSeeds.map(hex), null, 1)}\n`);
