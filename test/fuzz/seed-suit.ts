/**
 * Writes test/fuzz/corpus/suit.json: SUIT envelopes built by IoTopia from descriptions that cover
 * every template (secure boot, download, A/B slots, external load, severable members, text), signed
 * with the fuzzing keys. Run it again only when the seeds should change: `node test/fuzz/seed-suit.ts`.
 */
import { writeFileSync } from 'node:fs';
import { severEnvelope, signEnvelope } from '../../src/suit/authenticate.ts';
import { buildEnvelope } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { FUZZ_ED25519, FUZZ_P256, FUZZ_SECRET_256 } from './keys.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const image = (n: number) => ({ 'algorithm-id': 'sha256', 'digest-bytes': hex(new Uint8Array(32).fill(n)) });
const ids = { 'vendor-id': '0a0b0c0d-0e0f-4011-8213-141516171819', 'class-id': '1a1b1c1d-1e1f-4021-a223-242526272829' };

const descriptions: unknown[] = [
  {
    'manifest-sequence-number': 1,
    components: [{ 'install-id': ['00'], 'install-digest': image(1), 'install-size': 10, bootable: true, ...ids }],
  },
  {
    'manifest-sequence-number': 2,
    'reference-uri': 'https://updates.example/m.suit',
    severable: true,
    description: { en: { 'manifest-description': 'fuzz seed', 'update-description': 'all templates' } },
    components: [
      {
        'install-id': ['00', '01'],
        'install-digest': image(2),
        'install-size': 20,
        uri: 'https://updates.example/a.bin',
        bootable: true,
        ...ids,
        description: { en: { 'vendor-name': 'IoTopia', 'component-version': '1.0' } },
      },
      { 'install-id': ['02'], 'install-digest': image(3), 'install-size': 30, uri: 'https://updates.example/b.bin' },
    ],
  },
  {
    'manifest-sequence-number': 3,
    components: [0, 1].map((slot) => ({
      'install-id': ['00'],
      slot,
      'install-digest': image(4 + slot),
      'install-size': 40,
      uri: `https://updates.example/slot${slot}.bin`,
      ...ids,
    })),
  },
  {
    'manifest-sequence-number': 4,
    components: [
      {
        'install-id': ['00'],
        'download-id': ['02'],
        'load-id': ['01'],
        'install-on-download': false,
        'install-digest': image(6),
        'install-size': 60,
        'download-digest': image(7),
        'load-digest': image(8),
        'load-size': 80,
        uri: 'https://updates.example/c.bin',
        bootable: true,
        loadable: true,
        ...ids,
      },
    ],
  },
];

const seeds: string[] = [];
for (const d of descriptions) {
  const unsigned = buildEnvelope(parseDescription(d));
  seeds.push(hex(unsigned));
  const signed = signEnvelope(unsigned, { key: FUZZ_P256 });
  seeds.push(hex(signed), hex(signEnvelope(signed, { key: FUZZ_ED25519 })), hex(signEnvelope(unsigned, { key: FUZZ_SECRET_256 })));
  seeds.push(hex(severEnvelope(signed)));
}
writeFileSync(new URL('./corpus/suit.json', import.meta.url), `${JSON.stringify(seeds, null, 1)}\n`);
