/**
 * Dependency component indexes of draft-ietf-suit-trust-domains-12 (§5.2.2, §5.3, §5.6.2): the
 * draft's own examples (Appendix B) decode, verify with the draft's key and process on a simulated
 * device; indexes that name neither a component nor a Dependency are refused.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { encode } from '../../src/codec/cbor.ts';
import { signEnvelope, verifyEnvelope } from '../../src/suit/authenticate.ts';
import { envelopeDiag } from '../../src/suit/diag.ts';
import { assembleEnvelope, decodeEnvelope, encodeEnvelope, partsOf, readEnvelope, wrapped } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { envelopeText } from '../../src/suit/inspect.ts';
import { decodeManifest, encodeManifest } from '../../src/suit/manifest.ts';
import { SuitProcessError } from '../../src/suit/process/errors.ts';
import { processEnvelope } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice, type SimulatedComponent } from '../../src/suit/process/simulated-device.ts';
import { buildReport } from '../../src/suit/report/from-outcome.ts';
import { decodeReport, encodeReport } from '../../src/suit/report/report.ts';
import { flip, suitRejects } from './helpers.ts';
import { makeEnvelope, params, seq, sha256, testKey } from './process-helpers.ts';
import { APPENDIX_B_PUBLIC_KEY, B1_DEPENDENT, B1_FETCHED, B2_INTEGRATED } from './trust-domains-examples.ts';

const DRAFT_KEY = createPublicKey(APPENDIX_B_PUBLIC_KEY);
const id = (...segments: string[]): Uint8Array[] => segments.map((s) => new Uint8Array(Buffer.from(s)));
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString());
const C00 = id('00');
const C10 = id('10');
const DEP = id('dependent.suit');
const DEP_URI = 'http://example.com/dependent.suit';

/** A device with the components of Appendix B: '10' (the dependent's), '00' (the Dependency's), and 'dependent.suit' to hold it. */
const draftDevice = (components: SimulatedComponent[] = [{ id: C00 }, { id: C10 }, { id: DEP }], fetched = B1_FETCHED) =>
  createSimulatedDevice({ components, payloads: { [DEP_URI]: fetched } });

test('Appendix B: every example decodes, re-encodes byte for byte and names its Dependency by index 1 past the one component', () => {
  for (const [name, bytes] of [
    ['B.1 dependent', B1_DEPENDENT],
    ['B.2 integrated', B2_INTEGRATED],
  ] as const) {
    const env = decodeEnvelope(bytes);
    const common = env.manifest.common;
    assert.deepEqual(common.components, [C10], name);
    assert.deepEqual([...(common.dependencies?.keys() ?? [])], [1], name);
    assert.deepEqual(common.dependencies?.get(1)?.get(1), DEP, `${name}: suit-dependency-prefix`);
    const install = env.manifest.sequences.get(20) ?? [];
    assert.deepEqual(install[0]?.argument, { kind: 'component-index', index: 1 }, name);
    assert.deepEqual(encodeManifest(env.manifest), readEnvelope(bytes).manifestBytes, name);
    assert.deepEqual(encodeEnvelope(env), bytes, name);
    assert.match(envelopeText(env), /dependencies:\n {2}\[1\] past the components, prefix 646570656e64656e742e73756974/);
    assert.match(envelopeDiag(bytes), /\/ dependencies \/ 1: \{\s+1: \{\/ dependency-prefix \/ 1: \[h'646570656e64656e742e73756974'\]\}/);
  }
  assert.deepEqual(decodeEnvelope(B1_FETCHED).manifest.common.dependencies, undefined);
  assert.deepEqual(encodeEnvelope(decodeEnvelope(B1_FETCHED)), B1_FETCHED);
  assert.equal(decodeEnvelope(B2_INTEGRATED).integrated.get('#dependent.suit')?.length, B1_FETCHED.length);
});

test('Appendix B: every example verifies with the draft key (ESP256) and with no other', () => {
  for (const bytes of [B1_DEPENDENT, B1_FETCHED, B2_INTEGRATED]) {
    const v = verifyEnvelope(bytes, { keys: [DRAFT_KEY] });
    assert.equal(v.envelope.manifest.sequenceNumber, 0);
    suitRejects(() => verifyEnvelope(bytes, { keys: [testKey().publicKey] }), 'ERR_SUIT_AUTH_FAILED');
  }
  // The digest the dependent expects of its Dependency is that of the fetched envelope's manifest.
  assert.equal(
    Buffer.from(readEnvelope(B1_FETCHED).authentication.digest.bytes).toString('hex'),
    '0f02caf6d3e61920d36bf3cea7f862a13bb8fb1f09c3f4c29b121feab78ef3d8',
  );
});

test('Appendix B.1: the Dependency at index 1 is fetched, checked and processed; then the dependent writes and invokes its component', async () => {
  const dev = draftDevice();
  const r = await processEnvelope(B1_DEPENDENT, { keys: [DRAFT_KEY], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.deepEqual(r.sequences, ['dependency-resolution', 'install', 'invoke']);
  assert.deepEqual(dev.contents(DEP), B1_FETCHED);
  assert.equal(text(dev.contents(C00)), 'hello world');
  assert.equal(text(dev.contents(C10)), ' in multiple trust domains');
  assert.deepEqual(
    dev.events.filter((e) => e.kind !== 'sequence-number').map((e) => [e.kind, 'component' in e ? e.component : 'uri' in e ? e.uri : '']),
    [
      ['fetch', DEP_URI],
      ['write', 'dependent.suit'],
      ['write', '00'],
      ['write', '10'],
      ['invoke', '10'],
    ],
  );
  const at = (command: string) => r.steps.find((s) => s.command === command && s.componentIndex === 1);
  assert.equal(at('condition-image-match')?.detail, 'dependency manifest digest matches');
  assert.equal(at('condition-dependency-integrity')?.component, 'dependent.suit');
  assert.equal(at('directive-process-dependency')?.detail, "processed the dependency's install");
  assert.ok(r.steps.some((s) => s.sequence === 'dependency[1].install' && s.command === 'directive-write' && s.component === '00'));
  // The SUIT report of the run places the Dependency's records at component index 1.
  const env = decodeEnvelope(B1_DEPENDENT);
  const report = decodeReport(encodeReport(buildReport(r.outcome, { manifest: env.manifest, severable: env.severable })));
  const placed = report.records.map((x) => {
    const rec = x as { section?: number; componentIndex?: number };
    return [rec.section, rec.componentIndex];
  });
  assert.deepEqual(placed, [
    [15, 1],
    [20, 1],
    [20, 0],
    [9, 0],
  ]);
});

test('Appendix B.2: the integrated Dependency is taken from the envelope, nothing is fetched', async () => {
  const dev = createSimulatedDevice({ components: [{ id: C00 }, { id: C10 }, { id: DEP }] });
  const r = await processEnvelope(B2_INTEGRATED, { keys: [DRAFT_KEY], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.ok(!dev.events.some((e) => e.kind === 'fetch'));
  assert.deepEqual(dev.contents(DEP), B1_FETCHED);
  assert.equal(text(dev.contents(C00)), 'hello world');
  assert.equal(text(dev.contents(C10)), ' in multiple trust domains');
});

test('Appendix B.1 fails where it should: another Dependency at the URI, a device without the Dependency component', async () => {
  // A different envelope, signed by the same key, served at the URI: its manifest digest is not the one expected.
  const stranger = makeEnvelope(
    { sequenceNumber: 0, components: [C00], sequences: { 20: [20, params([[18, new Uint8Array(1)]]), 18, 15] } },
    testKey().privateKey,
  );
  const wrong = await processEnvelope(B1_DEPENDENT, { keys: [DRAFT_KEY], device: draftDevice(undefined, stranger) });
  assert.ok(!wrong.outcome.result.ok);
  assert.equal(wrong.outcome.result.failedAt.command, 'condition-image-match');
  assert.equal(wrong.outcome.result.failedAt.componentIndex, 1);
  assert.equal(wrong.error?.code, 'ERR_SUIT_CONDITION_FAILED');
  // The device lacks the component the Dependency is identified by (its prefix): refused before any command.
  const dev = draftDevice([{ id: C00 }, { id: C10 }]);
  const missing = await processEnvelope(B1_DEPENDENT, { keys: [DRAFT_KEY], device: dev });
  assert.equal(missing.error?.code, 'ERR_SUIT_COMPONENT_UNKNOWN');
  assert.match(missing.error?.message ?? '', /no component dependent\.suit \(dependency 1\)/);
  assert.ok(!missing.outcome.result.ok && missing.outcome.result.failedAt.componentIndex === 1);
  assert.deepEqual(dev.events, []);
});

// Hand-made manifests for the decoder's index checks.
const commonOf = (dependencies: unknown, shared?: unknown[]): Uint8Array => {
  const c = new Map<number, unknown>([[2, [C10]]]);
  if (dependencies !== undefined) c.set(1, dependencies);
  if (shared !== undefined) c.set(4, seq(...shared));
  return encode(c);
};
const manifestOf = (common: Uint8Array, sequences: [number, Uint8Array][] = []): Uint8Array =>
  encode(new Map<number, unknown>([[1, 1], [2, 0], [3, common], ...sequences]));
const prefixed = (...indexes: number[]) => new Map(indexes.map((i) => [i, new Map([[1, id(`dep${i}`)]])]));

test('indexes that are neither a component nor a Dependency are refused with ERR_SUIT_MALFORMED naming the index', () => {
  const deps = commonOf(prefixed(1, 3));
  // Indexes 0 (component), 1 and 3 (Dependencies) decode: alone, in a list, in override-multiple and copy-params.
  const ok = decodeManifest(
    manifestOf(deps, [[20, seq(12, 3, 12, [0, 1, 3], 34, new Map([[3, new Map([[21, '#x']])]]), 35, new Map([[1, [21]]]))]]),
  );
  assert.deepEqual(ok.sequences.get(20)?.[1]?.argument, { kind: 'component-index', index: [0, 1, 3] });
  for (const [what, commands] of [
    ['past both', seq(12, 4)],
    ['the gap between them', seq(12, 2)],
    ['in a list', seq(12, [0, 2])],
    ['in override-multiple', seq(34, new Map([[2, new Map([[21, '#x']])]]))],
    ['in copy-params', seq(35, new Map([[5, [21]]]))],
  ] as const) {
    const e = suitRejects(() => decodeManifest(manifestOf(deps, [[20, commands]])), 'ERR_SUIT_MALFORMED');
    assert.match(e.message, /component index \d is outside the 1 component\(s\) and is not one of the dependencies \(1, 3\)/, what);
    assert.match(e.path, /^manifest\.install\[/, what);
  }
  // The shared sequence too.
  const shared = suitRejects(() => decodeManifest(manifestOf(commonOf(prefixed(1), [12, 2]))), 'ERR_SUIT_MALFORMED');
  assert.equal(shared.path, 'manifest.common.shared-sequence[1](directive-set-component-index)');
  // The shared sequence may select a Dependency, wherever suit-dependencies sits in suit-common.
  assert.deepEqual(decodeManifest(manifestOf(commonOf(prefixed(1), [12, 1]))).common.sharedSequence?.[0]?.argument, {
    kind: 'component-index',
    index: 1,
  });
  // Without suit-dependencies, index 1 is outside the one component, as before.
  const none = suitRejects(() => decodeManifest(manifestOf(commonOf(undefined), [[20, seq(12, 1)]])), 'ERR_SUIT_MALFORMED');
  assert.match(none.message, /component index 1 is outside the 1 component\(s\)$/);
});

test('suit-dependencies itself is checked: non-empty, ascending, metadata maps, prefixes that are component identifiers, indexes within the limit', () => {
  const at = 'manifest.common.dependencies';
  const rejects = (deps: unknown, code = 'ERR_SUIT_MALFORMED') => suitRejects(() => decodeManifest(manifestOf(commonOf(deps))), code);
  assert.match(rejects(new Map()).message, /at least one dependency/);
  assert.match(rejects(new Map([[1, []]])).path, /^manifest\.common\.dependencies\{1\}$/);
  assert.equal(rejects(new Map([[-1, new Map()]])).path, `${at} key`);
  assert.equal(rejects(new Map([[1, new Map([[1, []]])]])).path, `${at}{1}.dependency-prefix`);
  assert.equal(rejects(new Map([[1, new Map([[1, ['text']]])]])).path, `${at}{1}.dependency-prefix[0]`);
  assert.match(rejects(prefixed(3, 1)).message, /dependency index 1 follows 3: keys must be in ascending order/);
  assert.match(rejects(prefixed(64), 'ERR_SUIT_LIMIT').message, /dependency index 64 is past the limit of 64/);
  assert.deepEqual([...(decodeManifest(manifestOf(commonOf(prefixed(63)))).common.dependencies?.keys() ?? [])], [63]);
  // Unknown metadata ($$SUIT_Dependency_Extensions) is kept and encoded back.
  const extended = manifestOf(
    commonOf(
      new Map([
        [
          1,
          new Map<number, unknown>([
            [1, DEP],
            [-7, 'x'],
          ]),
        ],
      ]),
    ),
  );
  assert.deepEqual(encodeManifest(decodeManifest(extended)), extended);
});

test('a Dependency past the components without a dependency-prefix decodes, but no device can hold it: processing refuses it', async () => {
  const key = testKey();
  const env = makeEnvelope({ sequenceNumber: 1, components: [C10], dependencies: [1], sequences: { 20: [12, 1, 11, 15] } }, key.privateKey);
  assert.deepEqual([...(decodeEnvelope(env).manifest.common.dependencies?.keys() ?? [])], [1]);
  const dev = createSimulatedDevice({ components: [{ id: C10 }], autoCreateComponents: true });
  const r = await processEnvelope(env, { keys: [key.publicKey], device: dev });
  assert.equal(r.error?.code, 'ERR_SUIT_COMPONENT_UNKNOWN');
  assert.match(r.error?.message ?? '', /dependency 1 is past the 1 component\(s\) and has no dependency-prefix/);
  assert.deepEqual(r.sequences, []);
});

test('component index True selects the Dependencies past the components; override-multiple and is-dependency address them', async () => {
  const key = testKey();
  const digest = encode([-16, readEnvelope(B1_FETCHED).authentication.digest.bytes]);
  const env = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C10],
      dependencies: [1],
      dependencyPrefixes: { 1: DEP },
      integrated: { '#dep': B1_FETCHED },
      sequences: {
        // override-multiple leaves the index at 1, the Dependency: fetch it and check it.
        15: [
          34,
          new Map([
            [0, params([[18, new Uint8Array(Buffer.from('image'))]])],
            [
              1,
              params([
                [21, '#dep'],
                [3, digest],
              ]),
            ],
          ]),
          21,
          2,
          8,
          15,
          7,
          15,
        ],
        // True: write on the component only (is-dependency fails softly on the Dependency), process-dependency on the Dependency only.
        20: [12, true, 15, [seq(8, 15), seq(18, 15)], 11, 15],
      },
    },
    key.privateKey,
  );
  const dev = draftDevice();
  const r = await processEnvelope(env, { keys: [key.publicKey, DRAFT_KEY], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.equal(text(dev.contents(C10)), 'image');
  assert.equal(text(dev.contents(C00)), 'hello world');
  const processed = r.steps.filter((s) => s.command === 'directive-process-dependency').map((s) => [s.componentIndex, s.detail]);
  assert.deepEqual(processed, [
    [0, 'not a dependency: skipped'],
    [1, "processed the dependency's install"],
  ]);
  // Neither the write nor the Dependency's own commands touched the Dependency's envelope.
  assert.deepEqual(dev.contents(DEP), B1_FETCHED);
});

test('every single-byte change of the Appendix B manifests, re-signed, decodes and processes to an outcome or a typed error', async (t) => {
  const key = testKey();
  let processed = 0;
  let refused = 0;
  for (const example of [B1_DEPENDENT, B2_INTEGRATED]) {
    const raw = readEnvelope(example);
    for (let at = 0; at < raw.manifestBytes.length; at++) {
      for (const mask of [0x01, 0x80]) {
        const manifestBytes = flip(raw.manifestBytes, at, mask);
        const unsigned = assembleEnvelope({
          ...partsOf(raw),
          blocks: [],
          manifestBytes,
          digestBytes: encode([-16, sha256(wrapped(manifestBytes))]),
        });
        try {
          const r = await processEnvelope(signEnvelope(unsigned, { key: key.privateKey }), {
            keys: [key.publicKey, DRAFT_KEY],
            device: createSimulatedDevice({ autoCreateComponents: true, payloads: { [DEP_URI]: B1_FETCHED } }),
          });
          if (r.error !== undefined) assert.ok(r.error instanceof SuitError || r.error instanceof SuitProcessError, String(r.error));
          processed++;
        } catch (e) {
          assert.ok(e instanceof SuitError, `byte ${at} mask ${mask}: ${String(e)}`);
          refused++;
        }
      }
    }
  }
  t.diagnostic(`${processed} processed to an outcome, ${refused} refused with a SuitError`);
  assert.ok(processed > 100 && refused > 100, `${processed} processed, ${refused} refused`);
});

test('process-dependency runs only the envelope whose manifest digest was checked: unchecked, or written after the check, it is refused', async () => {
  const key = testKey();
  const digest = encode([-16, readEnvelope(B1_FETCHED).authentication.digest.bytes]);
  const other = makeEnvelope(
    { sequenceNumber: 0, components: [C00], sequences: { 20: [20, params([[18, new Uint8Array(1)]]), 18, 15] } },
    key.privateKey,
  );
  const fetchDep = [
    12,
    1,
    20,
    params([
      [21, '#dep'],
      [3, digest],
    ]),
    21,
    2,
  ];
  const run = async (install: unknown[]) => {
    const env = makeEnvelope(
      {
        sequenceNumber: 1,
        components: [C10],
        dependencies: [1],
        dependencyPrefixes: { 1: DEP },
        integrated: { '#dep': B1_FETCHED },
        sequences: { 15: fetchDep, 20: install },
      },
      key.privateKey,
    );
    return processEnvelope(env, { keys: [key.publicKey, DRAFT_KEY], device: draftDevice() });
  };
  // Checked by dependency-integrity, or by image-match (as Appendix B.2 does): processed.
  for (const check of [7, 3]) assert.deepEqual((await run([12, 1, check, 15, 11, 15])).outcome.result, { ok: true });
  // Not checked at all.
  const unchecked = await run([12, 1, 11, 15]);
  assert.equal(unchecked.error?.code, 'ERR_SUIT_DEPENDENCY_FAILED');
  assert.match(
    unchecked.error?.message ?? '',
    /dependency 1 \(dependent\.suit\) has not passed dependency-integrity or image-match since it was last written/,
  );
  // Checked, then overwritten with another (validly signed) envelope.
  const swapped = await run([12, 1, 7, 15, 20, params([[18, other]]), 18, 15, 11, 15]);
  assert.equal(swapped.error?.code, 'ERR_SUIT_DEPENDENCY_FAILED');
  assert.ok(!swapped.outcome.result.ok && swapped.outcome.result.failedAt.command === 'directive-process-dependency');
});
