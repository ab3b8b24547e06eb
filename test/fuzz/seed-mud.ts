/**
 * Writes the MUD seed corpora (test/fuzz/corpus/mud-url.json, mud-signature.json). Run it again
 * only when the set of seeds should change: `node test/fuzz/seed-mud.ts`.
 */

import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER } from '../../src/mud/url/constants.ts';
import { encodeDhcp4MudUrl, encodeDhcp6MudUrl } from '../../src/mud/url/dhcp.ts';
import { encodeLldpMudUrl } from '../../src/mud/url/lldp.ts';
import { encodeMudSignerExtension, encodeMudUrlExtension } from '../../src/mud/url/x509.ts';
import { FUZZ_P256 } from './keys.ts';
import { FUZZ_MUD_FILE, FUZZ_MUD_TIME, fuzzMudCertificate } from './mud-fixtures.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const write = (name: string, seeds: string[]) =>
  writeFileSync(new URL(`./corpus/${name}.json`, import.meta.url), `${JSON.stringify(seeds, null, 1)}\n`);

const signer = fuzzMudCertificate();
const short = 'https://a.example/m';
const long = `https://fuzz.example/${'x'.repeat(255 - 21)}`;
const reserved = new TextEncoder().encode(`${short} reserved part`);
const device = createCertificate({
  subject: { commonName: 'fuzz device' },
  publicKey: createPublicKey(FUZZ_P256),
  signer: { privateKey: FUZZ_P256 },
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
  serialNumber: 8n,
  extensions: [
    { oid: ID_PE_MUD_URL, value: encodeMudUrlExtension(short) },
    { oid: ID_PE_MUDSIGNER, value: encodeMudSignerExtension(signer) },
  ],
});

write('mud-url', [
  hex(encodeDhcp4MudUrl(short)),
  hex(encodeDhcp4MudUrl(long)),
  hex(Uint8Array.of(161, reserved.length, ...reserved)),
  hex(encodeDhcp6MudUrl(short)),
  hex(encodeDhcp6MudUrl(long)),
  hex(encodeLldpMudUrl(short)),
  hex(encodeLldpMudUrl(long)),
  hex(encodeMudUrlExtension(short)),
  hex(encodeMudSignerExtension(signer)),
  hex(new Uint8Array(device.raw)),
]);

write('mud-signature', [
  hex(signMudFile(FUZZ_MUD_FILE, { privateKey: FUZZ_P256, certificate: signer, signingTime: FUZZ_MUD_TIME })),
  hex(
    signMudFile(FUZZ_MUD_FILE, {
      privateKey: FUZZ_P256,
      certificate: signer,
      signingTime: FUZZ_MUD_TIME,
      contentType: 'mud',
      digestAlgorithm: 'sha384',
    }),
  ),
  hex(
    signMudFile(FUZZ_MUD_FILE, {
      privateKey: FUZZ_P256,
      certificate: signer,
      chain: [device],
      signingTime: new Date('2060-01-01T00:00:00Z'),
    }),
  ),
]);
