import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { test } from 'node:test';
import { decode, encode, type Tag } from '../../src/codec/cbor.ts';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { keyObjectToCoseKey } from '../../src/codec/cose/key.ts';
import { Command, ManifestKey, Parameter } from '../../src/suit/constants.ts';
import { buildEnvelope, buildManifest } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { digestOf } from '../../src/suit/digest.ts';
import { decodeEnvelope } from '../../src/suit/envelope.ts';
import { encodeCommon, encodeManifest } from '../../src/suit/manifest.ts';
import type { SuitProcessOutcome } from '../../src/suit/process/outcome.ts';
import { ReportReason } from '../../src/suit/report/constants.ts';
import { buildReport, commandOffset, reasonFor, resultCodeName, resultCodeOf } from '../../src/suit/report/from-outcome.ts';
import { reportJson } from '../../src/suit/report/inspect.ts';
import { openReport, protectReport } from '../../src/suit/report/protect.ts';
import { decodeReport, encodeReport, type SuitReport } from '../../src/suit/report/report.ts';
import { flip, suitRejects } from './helpers.ts';

const IMAGE = new Uint8Array(2048).map((_, i) => (i * 7) & 0xff);
const manifest = buildManifest(
  parseDescription(
    {
      'manifest-version': 1,
      'manifest-sequence-number': 3,
      'reference-uri': 'https://updates.example/fw.suit',
      components: [
        {
          'install-id': ['00'],
          'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
          'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
          file: 'image.bin',
          uri: 'coaps://updates.example/image.bin',
          bootable: true,
        },
      ],
    },
    { readFile: () => IMAGE },
  ),
);
const manifestDigest = digestOf(-16, encode(encodeManifest(manifest)));
const validate = manifest.sequences.get(ManifestKey.validate)!;
const imageMatch = validate.findIndex((c) => c.code === Command.conditionImageMatch);
const shared = manifest.common.sharedSequence!;
const vendorCheck = shared.findIndex((c) => c.code === Command.conditionVendorIdentifier);

const okOutcome: SuitProcessOutcome = {
  manifestDigest,
  sequenceNumber: 3,
  records: [
    { sequence: 'shared-sequence', commandIndex: vendorCheck, componentIndex: 0, command: 'condition-vendor-identifier' },
    {
      sequence: 'validate',
      commandIndex: imageMatch,
      componentIndex: 0,
      command: 'condition-image-match',
      parameters: { [Parameter.imageDigest]: digestOf(-16, IMAGE), [Parameter.imageSize]: IMAGE.length },
    },
  ],
  result: { ok: true },
};

const failedOutcome: SuitProcessOutcome = {
  ...okOutcome,
  records: [okOutcome.records[1]!],
  result: {
    ok: false,
    failedAt: { sequence: 'validate', commandIndex: imageMatch, command: 'condition-image-match', componentIndex: 0 },
    reason: 'image digest differs',
    code: 'ERR_SUIT_CONDITION_FAILED',
  },
};

test('records point at the command: section key and byte offset inside the section', () => {
  const report = buildReport(okOutcome, { manifest });
  const [shr, val] = report.records;
  assert.ok(shr?.kind === 'record' && val?.kind === 'record');
  // validate (7): the offset indexes the sequence bytes at the command's code.
  assert.equal(val.section, ManifestKey.validate);
  const validateBytes = (() => {
    const m = decode(encodeManifest(manifest)) as Map<number, Uint8Array>;
    return m.get(ManifestKey.validate)!;
  })();
  assert.equal(decode(validateBytes.subarray(val.offset, val.offset + 1)), Command.conditionImageMatch);
  // The shared sequence is in suit-common (3); the offset counts from the start of common's bytes.
  assert.equal(shr.section, ManifestKey.common);
  const common = encodeCommon(manifest.common);
  assert.equal(decode(common.subarray(shr.offset, shr.offset + 1)), Command.conditionVendorIdentifier);
  assert.equal(commandOffset(validate, 0), 1);
  // Measured properties travel as SUIT_Parameters.
  assert.deepEqual(
    val.properties.map((p) => p.code),
    [Parameter.imageDigest, Parameter.imageSize],
  );
  assert.equal(report.reference.uri, 'https://updates.example/fw.suit');
  assert.deepEqual(report.result, { ok: true });
});

test('encoding is deterministic and round trips; the CDDL shape holds', () => {
  const nonce = randomBytes(8);
  const report = buildReport(okOutcome, { manifest, nonce });
  const bytes = encodeReport(report);
  const top = decode(bytes) as Map<number, unknown>;
  assert.deepEqual([...top.keys()], [2, 3, 4, 99], 'keys in bytewise order of their encodings');
  assert.deepEqual(top.get(99), ['https://updates.example/fw.suit', [-16, manifestDigest.bytes]]);
  assert.equal(top.get(4), true);
  const rec = (top.get(3) as unknown[][])[1]!;
  assert.equal(rec.length, 5);
  assert.deepEqual(rec[0], []);
  assert.deepEqual([...(rec[4] as Map<number, unknown>).keys()], [Parameter.imageDigest, Parameter.imageSize]);
  // image-digest is bstr-wrapped, as in the manifest.
  assert.deepEqual(decode((rec[4] as Map<number, Uint8Array>).get(Parameter.imageDigest)!), [-16, digestOf(-16, IMAGE).bytes]);
  const back = decodeReport(bytes);
  assert.deepEqual(encodeReport(back), bytes);
  assert.deepEqual(back.nonce, new Uint8Array(nonce));
  // A report with keys in another order decodes to the same report and re-encodes deterministically.
  const shuffled = encode(new Map([...top].reverse()));
  assert.notDeepEqual(shuffled, bytes);
  assert.deepEqual(encodeReport(decodeReport(shuffled)), bytes);
});

test('a failure carries result code, record and reason', () => {
  const report = buildReport(failedOutcome, { manifest });
  assert.equal(report.result.ok, false);
  if (report.result.ok) return;
  assert.equal(report.result.reason, ReportReason.conditionFailed);
  assert.equal(report.result.code, resultCodeOf('ERR_SUIT_CONDITION_FAILED'));
  assert.equal(resultCodeName(report.result.code, ['ERR_SUIT_ROLLBACK', 'ERR_SUIT_CONDITION_FAILED']), 'ERR_SUIT_CONDITION_FAILED');
  assert.equal(report.result.record.section, ManifestKey.validate);
  assert.equal(report.result.record.properties.length, 2, 'the measured values of the failed condition');
  const top = decode(encodeReport(report)) as Map<number, unknown>;
  const result = top.get(4) as Map<number, unknown>;
  assert.deepEqual([...result.keys()], [5, 6, 7]);
  assert.equal(result.get(7), ReportReason.conditionFailed);
  assert.deepEqual(decodeReport(encodeReport(report)), report);
  // Reasons by code and command.
  assert.equal(reasonFor('ERR_SUIT_AUTH_FAILED', 'verify'), ReportReason.unauthorised);
  assert.equal(reasonFor('ERR_SUIT_CBOR', 'decode'), ReportReason.cborParse);
  assert.equal(reasonFor('ERR_SUIT_UNKNOWN_COMMAND', 'command-99'), ReportReason.commandUnsupported);
  assert.equal(reasonFor('ERR_SUIT_FETCH_FAILED', 'directive-fetch'), ReportReason.operationFailed);
  assert.notEqual(resultCodeOf('ERR_SUIT_ROLLBACK'), resultCodeOf('ERR_SUIT_CONDITION_FAILED'));
  // The anti-rollback check is reported against the sequence number member (2).
  const rollback = buildReport(
    {
      ...failedOutcome,
      result: {
        ok: false,
        failedAt: { sequence: 'sequence-number', commandIndex: 0, command: 'check-sequence-number' },
        reason: 'old',
        code: 'ERR_SUIT_ROLLBACK',
      },
    },
    { manifest },
  );
  assert.equal(rollback.result.ok === false && rollback.result.record.section, ManifestKey.sequenceNumber);
});

test('records that cannot be located are refused; a locate function places dependency records', () => {
  const at = (sequence: string, commandIndex: number) => ({ ...okOutcome, records: [{ sequence, commandIndex, command: 'x' }] });
  suitRejects(() => buildReport(at('validate', 99), { manifest }), 'ERR_SUIT_REPORT_INPUT');
  suitRejects(() => buildReport(at('no-such-sequence', 0), { manifest }), 'ERR_SUIT_REPORT_INPUT');
  suitRejects(() => buildReport(at('load', 0), { manifest }), 'ERR_SUIT_REPORT_INPUT');
  suitRejects(() => buildReport(at('dep0.install', 0), { manifest }), 'ERR_SUIT_REPORT_INPUT');
  const r = buildReport(at('dep0.install', 2), {
    manifest,
    locate: (s, i) => (s.startsWith('dep0.') ? { manifestId: [0], section: 20, offset: i * 2 + 1 } : undefined),
  });
  assert.deepEqual(r.records[0]?.kind === 'record' && [r.records[0].manifestId, r.records[0].offset], [[0], 5]);
  assert.throws(() => buildReport(okOutcome, {} as never), TypeError);
});

test('signed (ES256, ESP256, EdDSA) and MACed (HMAC 256/256) reports verify; tampering and wrong keys fail', () => {
  const report = encodeReport(buildReport(failedOutcome, { manifest, nonce: Uint8Array.of(1, 2, 3) }));
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const secret = createSecretKey(randomBytes(32));
  for (const [key, verifyKey, alg, expected, tag] of [
    [p256.privateKey, p256.publicKey, undefined, Algorithm.ES256, 18],
    [p256.privateKey, keyObjectToCoseKey(p256.publicKey), Algorithm.ESP256, Algorithm.ESP256, 18],
    [ed.privateKey, ed.publicKey, undefined, Algorithm.EdDSA, 18],
    [secret, secret, undefined, Algorithm.HMAC_256_256, 17],
  ] as const) {
    const kid = Uint8Array.of(7);
    const bytes = protectReport(report, { key, kid, ...(alg === undefined ? {} : { alg }) });
    assert.equal((decode(bytes) as Tag).tag, tag);
    const opened = openReport(bytes, { key: verifyKey });
    assert.equal(opened.verified, true);
    assert.equal(opened.alg, expected);
    assert.deepEqual(opened.kid, kid);
    assert.deepEqual(encodeReport(opened.report), report);
    // Without a key: decoded, not verified.
    assert.equal(openReport(bytes).verified, false);
    const other = tag === 17 ? createSecretKey(randomBytes(32)) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    suitRejects(() => openReport(bytes, { key: other }), 'ERR_SUIT_REPORT_AUTH_FAILED');
    // Every byte flipped: a typed error (or, in the unprotected bucket, a still-valid report).
    for (let i = 0; i < bytes.length; i++) {
      try {
        const r = openReport(flip(bytes, i), { key: verifyKey });
        assert.deepEqual(encodeReport(r.report), report, `byte ${i} changed the report yet verified`);
      } catch (e) {
        assert.ok(
          e instanceof Error && 'code' in e && /^ERR_SUIT_(REPORT_|LIMIT|UNSUPPORTED)/.test(String(e.code)),
          `byte ${i}: ${String(e)}`,
        );
      }
    }
  }
  suitRejects(() => openReport(report, { key: p256.publicKey }), 'ERR_SUIT_REPORT_AUTH_FAILED');
  assert.equal(openReport(report).protection, 'none');
  // A detached payload and an encrypted payload are refused.
  const detached = decode(protectReport(report, { key: p256.privateKey })) as Tag;
  (detached.value as unknown[])[2] = null;
  suitRejects(() => openReport(encode(detached)), 'ERR_SUIT_REPORT_MALFORMED');
  suitRejects(() => protectReport(report, { key: p256.privateKey, alg: Algorithm.A128GCM }), 'ERR_SUIT_UNSUPPORTED');
});

test('capability report round trips; the JSON view names reasons, sections and codes', () => {
  const report = buildReport(failedOutcome, {
    manifest,
    capabilities: {
      components: [{ prefix: [Uint8Array.of(0)], wildcard: true }],
      lists: new Map([
        [2, [1, 2, 3, 12, 14, 15]],
        [3, [1, 2, 3, 14]],
        [4, [-7, -9, -8]],
      ]),
      extensions: new Map(),
    },
  });
  const bytes = encodeReport(report);
  const back = decodeReport(bytes);
  assert.deepEqual(back, report);
  const cap = (decode(bytes) as Map<number, Map<number, unknown>>).get(8)!;
  assert.deepEqual([...cap.keys()], [1, 2, 3, 4]);
  assert.deepEqual(cap.get(1), [[Uint8Array.of(0), true]]);
  const json = reportJson({ report: back, protection: 'none', verified: false }, (n) =>
    resultCodeName(n, ['ERR_SUIT_CONDITION_FAILED']),
  ) as Record<string, Record<string, unknown>>;
  assert.equal(json.result?.reasonName, 'condition-failed');
  assert.equal(json.result?.codeName, 'ERR_SUIT_CONDITION_FAILED');
  assert.equal((json.result?.record as Record<string, unknown> | undefined)?.sectionName, 'validate');
  assert.deepEqual(json.capabilities?.commands, [1, 2, 3, 12, 14, 15]);
});

test('the decoder is strict and has limits', () => {
  const good = decode(encodeReport(buildReport(failedOutcome, { manifest }))) as Map<number, unknown>;
  const variant = (f: (m: Map<number, unknown>) => void) => {
    const m = decode(encode(good)) as Map<number, unknown>;
    f(m);
    return encode(m);
  };
  const bad: [string, Uint8Array][] = [
    ['not CBOR', Uint8Array.of(0xff)],
    ['not a map', encode([1])],
    ['no reference', variant((m) => m.delete(99))],
    ['no records', variant((m) => m.delete(3))],
    ['no result', variant((m) => m.delete(4))],
    ['result false', variant((m) => m.set(4, false))],
    ['reference of 3', variant((m) => m.set(99, ['a', 'b', [-16, new Uint8Array(32)]]))],
    ['short digest', variant((m) => m.set(99, [[-16, new Uint8Array(31)]]))],
    ['record of 4', variant((m) => (m.get(3) as unknown[]).push([[], 7, 1, 0]))],
    ['negative offset', variant((m) => (m.get(3) as unknown[]).push([[], 7, -1, 0, new Map()]))],
    ['record as text', variant((m) => (m.get(3) as unknown[]).push('record'))],
    ['system properties without component', variant((m) => (m.get(3) as unknown[]).push(new Map([[14, 5]])))],
    ['system properties without parameters', variant((m) => (m.get(3) as unknown[]).push(new Map([[0, [Uint8Array.of(0)]]])))],
    ['unknown reason', variant((m) => (m.get(4) as Map<number, unknown>).set(7, 99))],
    ['unknown result member', variant((m) => (m.get(4) as Map<number, unknown>).set(9, 1))],
    ['nonce as text', variant((m) => m.set(2, 'nonce'))],
    ['capabilities missing lists', variant((m) => m.set(8, new Map([[1, [[Uint8Array.of(0)]]]])))],
    ['string key', encode(new Map<unknown, unknown>([...good, ['x', 1]]))],
  ];
  for (const [what, bytes] of bad) assert.ok(suitRejects(() => decodeReport(bytes), 'ERR_SUIT_REPORT_MALFORMED').message.length > 0, what);
  // System properties are accepted and kept.
  const withProps = decodeReport(
    variant((m) =>
      (m.get(3) as unknown[]).push(
        new Map<number, unknown>([
          [0, [Uint8Array.of(0)]],
          [14, 2048],
        ]),
      ),
    ),
  );
  assert.equal(withProps.records.at(-1)?.kind, 'system-properties');
  // Unknown top-level members are kept as extensions.
  assert.equal(decodeReport(variant((m) => m.set(1000, 'x'))).extensions.get(1000), 'x');
  const big = encodeReport(buildReport(okOutcome, { manifest }));
  suitRejects(() => decodeReport(big, { maxBytes: 20 }), 'ERR_SUIT_LIMIT');
  suitRejects(() => decodeReport(big, { maxRecords: 1 }), 'ERR_SUIT_LIMIT');
  suitRejects(() => openReport(big, { limits: { maxBytes: 20 } }), 'ERR_SUIT_LIMIT');
  suitRejects(() => openReport(Uint8Array.of(0x01)), 'ERR_SUIT_REPORT_MALFORMED');
  assert.throws(() => decodeReport('x' as never), TypeError);
  const r: SuitReport = decodeReport(big);
  assert.equal(r.records.length, 2);
});

test('a severed sequence carried in the envelope is located in its member', () => {
  const env = decodeEnvelope(
    buildEnvelope(
      parseDescription(
        {
          'manifest-version': 1,
          'manifest-sequence-number': 4,
          severable: true,
          components: [
            {
              'install-id': ['00'],
              'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
              'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
              file: 'image.bin',
              uri: 'coaps://updates.example/image.bin',
            },
          ],
        },
        { readFile: () => IMAGE },
      ),
    ),
  );
  assert.ok(env.manifest.severed.has(ManifestKey.install));
  const install = env.severable.get(ManifestKey.install)!;
  const fetchAt = install.sequence!.findIndex((c) => c.code === Command.directiveFetch);
  const outcome: SuitProcessOutcome = {
    ...okOutcome,
    records: [{ sequence: 'install', commandIndex: fetchAt, componentIndex: 0, command: 'directive-fetch' }],
  };
  suitRejects(() => buildReport(outcome, { manifest: env.manifest }), 'ERR_SUIT_REPORT_INPUT');
  const r = buildReport(outcome, { manifest: env.manifest, severable: env.severable });
  const rec = r.records[0]!;
  assert.ok(rec.kind === 'record');
  assert.equal(rec.section, ManifestKey.install);
  assert.equal(decode(install.bytes.subarray(rec.offset, rec.offset + 1)), Command.directiveFetch);
});

test('the COSE_Sign1 of a report checks out with node:crypto over a Sig_structure built here', () => {
  const report = encodeReport(buildReport(okOutcome, { manifest }));
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = decode(protectReport(report, { key: device.privateKey })) as Tag;
  assert.equal(signed.tag, 18);
  const [protectedBytes, , payload, signature] = signed.value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  assert.deepEqual(decode(protectedBytes), new Map([[1, Algorithm.ES256]]));
  assert.deepEqual(payload, report, 'the report is the attached payload');
  // RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload].
  const tbs = encode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
  assert.equal(verify('sha256', tbs, { key: device.publicKey, dsaEncoding: 'ieee-p1363' }, signature), true);
  assert.equal(verify('sha256', flip(tbs, tbs.length - 1), { key: device.publicKey, dsaEncoding: 'ieee-p1363' }, signature), false);
});

test('an untagged COSE_Sign1 or COSE_Mac0 opens only with a key, which tells which it is', () => {
  const report = encodeReport(buildReport(okOutcome, { manifest }));
  const device = generateKeyPairSync('ed25519');
  const secret = createSecretKey(randomBytes(32));
  for (const [key, verifyKey] of [
    [device.privateKey, device.publicKey],
    [secret, secret],
  ] as const) {
    const untagged = encode((decode(protectReport(report, { key })) as Tag).value);
    assert.equal(untagged[0], 0x84);
    const opened = openReport(untagged, { key: verifyKey });
    assert.equal(opened.verified, true);
    assert.deepEqual(encodeReport(opened.report), report);
    suitRejects(() => openReport(untagged), 'ERR_SUIT_REPORT_MALFORMED');
  }
});
