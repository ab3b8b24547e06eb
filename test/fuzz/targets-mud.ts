import { parseMudSignature } from '../../src/mud/signature/cms-parse.ts';
import { verifyMudSignature } from '../../src/mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../src/mud/signature/errors.ts';
import { decodeDhcp4MudUrl, decodeDhcp6MudUrl } from '../../src/mud/url/dhcp.ts';
import { MudUrlError } from '../../src/mud/url/errors.ts';
import { decodeLldpMudUrl } from '../../src/mud/url/lldp.ts';
import { decodeMudSignerExtension, decodeMudUrlExtension, readCertificateMudExtensions } from '../../src/mud/url/x509.ts';
import type { FuzzTarget } from './engine.ts';
import { FUZZ_MUD_FILE, FUZZ_MUD_TIME, fuzzMudCertificate } from './mud-fixtures.ts';

const isSignatureError = (e: unknown): boolean => e instanceof MudSignatureError;
const isUrlError = (e: unknown): boolean => e instanceof MudUrlError;
const anchor = fuzzMudCertificate();

const url = (name: string, run: (b: Uint8Array) => unknown): { corpus: string; target: FuzzTarget } => ({
  corpus: 'mud-url',
  target: { name, run: (b) => void run(b), expected: isUrlError },
});
const cms = (name: string, run: (b: Uint8Array) => unknown): { corpus: string; target: FuzzTarget } => ({
  corpus: 'mud-signature',
  target: { name, run: (b) => void run(b), expected: isSignatureError },
});

/**
 * The MUD URL decoders (one corpus of every carrier, so each meets the others' shapes) and the
 * MUD signature (CMS) parser and verifier.
 */
export const TARGETS_MUD: ReadonlyArray<{ corpus: string; target: FuzzTarget }> = [
  url('MUD URL DHCPv4 option 161 decode', decodeDhcp4MudUrl),
  url('MUD URL DHCPv6 option 112 decode', decodeDhcp6MudUrl),
  url('MUD URL LLDP TLV decode', decodeLldpMudUrl),
  url('MUD URL id-pe-mud-url value decode', decodeMudUrlExtension),
  url('MUD signer id-pe-mudsigner value decode', decodeMudSignerExtension),
  url('MUD URL certificate extensions read', readCertificateMudExtensions),
  cms('MUD signature (CMS) parse', parseMudSignature),
  cms('MUD signature verify (no chain)', (b) => verifyMudSignature(FUZZ_MUD_FILE, b, { checkChain: false, time: FUZZ_MUD_TIME })),
  cms('MUD signature verify (chain to an anchor)', (b) =>
    verifyMudSignature(FUZZ_MUD_FILE, b, { trustAnchors: [anchor], time: FUZZ_MUD_TIME }),
  ),
];
