/**
 * Writes test/fuzz/corpus/fdo-messages.json: valid bodies of every FDO 1.1 message type, signed
 * with the fuzzing key. Run it again only when the seeds should change: `node test/fuzz/seed-fdo.ts`.
 */
import { writeFileSync } from 'node:fs';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { buildFixtures } from '../fdo/messages/fixtures.ts';
import { FUZZ_P256 } from './keys.ts';

const signer = { key: FUZZ_P256, alg: Algorithm.ES256 };
const { bodies } = buildFixtures({ manufacturer: signer, owner: signer, nextOwner: signer, device: signer });
const seeds = [...bodies.values()].flat().map((b) => Buffer.from(b).toString('hex'));
writeFileSync(new URL('./corpus/fdo-messages.json', import.meta.url), `${JSON.stringify(seeds, null, 1)}\n`);
