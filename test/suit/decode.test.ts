import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode, Tag } from '../../src/codec/cbor.ts';
import { decodeSequence, type SuitCommand } from '../../src/suit/commands.ts';
import { checkWrappedDigest, digestOf, encodeDigest } from '../../src/suit/digest.ts';
import { assembleEnvelope, decodeEnvelope, encodeEnvelope, wrapped } from '../../src/suit/envelope.ts';
import { DEFAULT_SUIT_LIMITS } from '../../src/suit/lib/read.ts';
import { decodeManifest, encodeManifest } from '../../src/suit/manifest.ts';
import { suitRejects } from './helpers.ts';

const seq = (...items: unknown[]): Uint8Array => encode(items);
const common = (components = 1, shared?: Uint8Array): Uint8Array =>
  encode(
    new Map<number, unknown>([
      [2, Array.from({ length: components }, (_, i) => [Uint8Array.of(i)])],
      ...(shared === undefined ? [] : ([[4, shared]] as [number, unknown][])),
    ]),
  );
const manifest = (members: [number, unknown][] = [], components = 1): Uint8Array =>
  encode(new Map<number, unknown>([[1, 1], [2, 0], [3, common(components)], ...members]));
const envelope = (manifestBytes: Uint8Array, extra: [number | string, unknown][] = []): Uint8Array =>
  encode(
    new Tag(
      new Map<number | string, unknown>([[2, encode([encodeDigest(digestOf(-16, wrapped(manifestBytes)))])], [3, manifestBytes], ...extra]),
      107,
    ),
  );

test('structure errors name the element and have stable codes', () => {
  suitRejects(() => decodeEnvelope(Uint8Array.of(0xff)), 'ERR_SUIT_CBOR');
  suitRejects(() => decodeEnvelope(encode(new Tag(new Map(), 108))), 'ERR_SUIT_MALFORMED');
  const noAuth = suitRejects(() => decodeEnvelope(encode(new Map([[3, manifest()]]))), 'ERR_SUIT_MALFORMED');
  assert.match(noAuth.message, /authentication-wrapper \(2\) is missing/);
  suitRejects(() => decodeEnvelope(encode(new Map([[2, encode([])]]))), 'ERR_SUIT_MALFORMED');
  const v2 = encode(
    new Map<number, unknown>([
      [1, 2],
      [2, 0],
      [3, common()],
    ]),
  );
  assert.equal(suitRejects(() => decodeEnvelope(envelope(v2)), 'ERR_SUIT_UNSUPPORTED').path, 'manifest.manifest-version');
  const odd = suitRejects(() => decodeManifest(manifest([[7, seq(3, 15, 23)]])), 'ERR_SUIT_MALFORMED');
  assert.equal(odd.path, 'manifest.validate');
  const index = suitRejects(() => decodeManifest(manifest([[9, seq(12, 1, 23, 2)]])), 'ERR_SUIT_MALFORMED');
  assert.match(index.message, /component index 1 is outside the 1 component/);
  const policy = suitRejects(() => decodeManifest(manifest([[7, seq(3, 'x')]])), 'ERR_SUIT_MALFORMED');
  assert.equal(policy.path, 'manifest.validate[1](condition-image-match)');
  // A digest of the wrong length for its algorithm.
  suitRejects(() => decodeManifest(manifest([[7, seq(20, new Map([[3, encode([-16, new Uint8Array(31)])]]))]])), 'ERR_SUIT_MALFORMED');
  // An authentication block that is not a tagged COSE structure.
  const m = manifest();
  const notCose = encode(
    new Map<number, unknown>([
      [2, encode([encodeDigest(digestOf(-16, wrapped(m))), encode([1, 2])])],
      [3, m],
    ]),
  );
  suitRejects(() => decodeEnvelope(notCose), 'ERR_SUIT_MALFORMED');
});

test('limits: size, nesting, sequence length, components', () => {
  suitRejects(() => decodeEnvelope(envelope(manifest()), { limits: { maxBytes: 20 } }), 'ERR_SUIT_LIMIT');
  let inner: Uint8Array = seq(23, 2);
  for (let i = 0; i < DEFAULT_SUIT_LIMITS.maxSequenceDepth + 1; i++) inner = seq(32, inner);
  const deep = suitRejects(() => decodeManifest(manifest([[9, inner]])), 'ERR_SUIT_LIMIT');
  assert.match(deep.message, /nest deeper/);
  const long = seq(...Array.from({ length: 2 * (DEFAULT_SUIT_LIMITS.maxCommands + 1) }, (_, i) => (i % 2 === 0 ? 3 : 15)));
  suitRejects(() => decodeManifest(manifest([[7, long]])), 'ERR_SUIT_LIMIT');
  suitRejects(() => decodeManifest(manifest([], DEFAULT_SUIT_LIMITS.maxComponents + 1)), 'ERR_SUIT_LIMIT');
  // Within the limits the same shapes decode.
  decodeManifest(manifest([[9, seq(32, seq(32, seq(23, 2)))]]));
});

test('unknown commands are kept and re-encoded, or refused on request; every typed argument round trips', () => {
  const s = seq(
    12,
    [0, 1],
    15,
    [seq(20, new Map([[5, 0]]), 5, 5), seq(20, new Map([[5, 1]]), 5, 5), null],
    34,
    new Map([[1, new Map([[21, 'https://x.example']])]]),
    35,
    new Map([[0, [4, 26]]]),
    20,
    new Map<number, unknown>([
      [28, encode([4, [1, 0]])],
      [30, encode(new Map([[5, 1]]))],
      [27, -1],
      [99, 'private'],
    ]),
    4242,
    new Map([[1, 'x']]),
    32,
    seq(23, 2),
  );
  const m = manifest([[20, s]], 2);
  const decoded = decodeManifest(m);
  const cmds = decoded.sequences.get(20) as SuitCommand[];
  assert.deepEqual(
    cmds.map((c) => [c.name, c.argument.kind]),
    [
      ['directive-set-component-index', 'component-index'],
      ['directive-try-each', 'try-each'],
      ['directive-override-multiple', 'override-multiple'],
      ['directive-copy-params', 'copy-params'],
      ['directive-override-parameters', 'parameters'],
      ['command-4242', 'unknown'],
      ['directive-run-sequence', 'sequence'],
    ],
  );
  assert.deepEqual(encodeManifest(decoded), m);
  const e = suitRejects(() => decodeManifest(m, { rejectUnknownCommands: true }), 'ERR_SUIT_UNKNOWN_COMMAND');
  assert.match(e.path, /command-4242/);
  suitRejects(
    () => decodeSequence(seq(15, []), 'x', { limits: DEFAULT_SUIT_LIMITS, components: 1, rejectUnknownCommands: false }),
    'ERR_SUIT_MALFORMED',
  );
});

test('severable members: the envelope may carry only members whose digest the manifest holds', () => {
  const install = seq(21, 2);
  const withDigest = manifest([[20, [-16, digestOf(-16, wrapped(install)).bytes]]]);
  const env = envelope(withDigest, [
    [20, install],
    ['#image', Uint8Array.of(1, 2, 3)],
  ]);
  const d = decodeEnvelope(env);
  assert.deepEqual(d.severable.get(20)?.sequence?.[0]?.name, 'directive-fetch');
  assert.deepEqual(d.integrated.get('#image'), Uint8Array.of(1, 2, 3));
  assert.deepEqual(encodeEnvelope(d), env);
  // Carried without a digest in the manifest, or while the manifest holds it itself.
  suitRejects(() => decodeEnvelope(envelope(manifest(), [[20, install]])), 'ERR_SUIT_SEVERED');
  suitRejects(() => decodeEnvelope(envelope(manifest([[20, install]]), [[20, install]])), 'ERR_SUIT_SEVERED');
  // Assembling keeps members in key order after the authentication wrapper and manifest.
  const re = assembleEnvelope({
    tagged: false,
    digestBytes: d.authentication.digestBytes,
    blocks: [],
    manifestBytes: d.manifestBytes,
    severable: new Map([[20, install]]),
    integrated: new Map(),
    extensions: new Map(),
    keyOrder: [],
  });
  assert.deepEqual([...decodeEnvelope(re).keyOrder], [2, 3, 20]);
});

test('the shared sequence takes conditions and the shared directives only', () => {
  const withShared = (shared: Uint8Array) =>
    encode(
      new Map<number, unknown>([
        [1, 1],
        [2, 0],
        [3, common(1, shared)],
      ]),
    );
  decodeManifest(withShared(seq(12, 0, 20, new Map([[21, 'https://x.example']]), 1, 15, 32, seq(2, 15))));
  const fetch = suitRejects(() => decodeManifest(withShared(seq(20, new Map([[21, 'https://x.example']]), 21, 2))), 'ERR_SUIT_MALFORMED');
  assert.match(fetch.message, /directive-fetch is not allowed in the shared sequence/);
  // Also inside try-each and run-sequence of the shared sequence.
  suitRejects(() => decodeManifest(withShared(seq(15, [seq(23, 2)]))), 'ERR_SUIT_MALFORMED');
  suitRejects(() => decodeManifest(withShared(seq(32, seq(22, 2)))), 'ERR_SUIT_MALFORMED');
  // The same commands are fine in the install sequence.
  decodeManifest(manifest([[20, seq(20, new Map([[21, 'https://x.example']]), 21, 2)]]));
});

test('the digest of a bstr-wrapped member covers its head, at every head size', () => {
  for (const [n, alg] of [0, 23, 24, 255, 256, 65535, 65536].flatMap((n) => [-16, -43, -44, -18, -45].map((a) => [n, a] as const))) {
    const content = new Uint8Array(n).fill(n & 0xff);
    const expected = digestOf(alg, wrapped(content));
    checkWrappedDigest(expected, content, 'member', 'envelope.member');
    const other = digestOf(alg, content);
    assert.throws(
      () => checkWrappedDigest(other, content, 'member', 'envelope.member'),
      (e: unknown) => (e as { code?: string }).code === 'ERR_SUIT_DIGEST_MISMATCH',
    );
  }
});
