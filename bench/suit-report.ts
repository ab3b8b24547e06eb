import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Algorithm } from '../src/codec/cose/algorithms.ts';
import { checkReport } from '../src/lifecycle/campaigns/report-check.ts';
import { releaseEnvelope } from '../src/lifecycle/releases/envelope.ts';
import type { UpdateAuthority } from '../src/lifecycle/releases/update-authority.ts';
import type { ReleaseRecord } from '../src/store/release-repository.ts';
import { decryptPayload } from '../src/suit/encryption/decrypt-payload.ts';
import { encryptPayload } from '../src/suit/encryption/encrypt-payload.ts';
import { readEnvelope } from '../src/suit/envelope.ts';
import { openReport, protectReport } from '../src/suit/report/protect.ts';
import { encodeReport, type SuitReport } from '../src/suit/report/report.ts';
import { type Measurement, measure } from './measure.ts';

/**
 * SUIT payload decryption (draft-ietf-suit-firmware-encryption) per second and in MB/s for a 1 KiB
 * and a 1 MiB payload, A128GCM and A128CTR, with A128KW and ECDH-ES+A128KW recipients; and SUIT
 * reports (draft-ietf-suit-report) encoded, signed with ES256 and opened with verification; and the
 * server's check of a device's report on feedback (verify, match the offered release's manifest,
 * read its components from the manifest) for a one-component release.
 */
export function suitReportBench(seconds: number): { results: (Measurement & { megabytesPerSecond?: number })[] } {
  const kek = createSecretKey(randomBytes(16));
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const results: (Measurement & { megabytesPerSecond?: number })[] = [];
  for (const size of [1024, 1 << 20]) {
    for (const [alg, algName] of [
      [Algorithm.A128GCM, 'A128GCM'],
      [Algorithm.A128CTR, 'A128CTR'],
    ] as const) {
      for (const kind of ['aes-kw', 'es-dh'] as const) {
        const e = encryptPayload({
          plaintext: randomBytes(size),
          contentAlgorithm: alg,
          recipients: [kind === 'aes-kw' ? { kind, kek } : { kind, publicKey: device.publicKey }],
        });
        const keys = [kind === 'aes-kw' ? kek : device.privateKey];
        const m = measure(
          `SUIT decrypt ${size} bytes ${algName}, ${kind === 'aes-kw' ? 'A128KW' : 'ECDH-ES+A128KW'}`,
          () => decryptPayload({ ...e, keys }),
          seconds,
          size > 4096 ? 1 : 32,
        );
        results.push({ ...m, megabytesPerSecond: Math.round((m.opsPerSec * size) / 1e6) });
      }
    }
  }
  const report: SuitReport = {
    reference: { uri: 'https://updates.example/fw.suit', digest: { algorithm: -16, bytes: randomBytes(32) } },
    nonce: randomBytes(8),
    records: Array.from({ length: 5 }, (_, i) => ({
      kind: 'record' as const,
      manifestId: [],
      section: 7,
      offset: 3 * i + 1,
      componentIndex: 0,
      properties: [{ code: 14, name: 'image-size', value: 34768 }],
      extensions: [],
    })),
    result: { ok: true },
    extensions: new Map(),
  };
  const signed = protectReport(report, { key: device.privateKey });
  results.push(
    measure('SUIT report encode (5 records)', () => encodeReport(report), seconds),
    measure('SUIT report encode + COSE_Sign1 ES256', () => protectReport(report, { key: device.privateKey }), seconds),
    measure(`SUIT report open + ES256 verify (${signed.length} bytes)`, () => openReport(signed, { key: device.publicKey }), seconds),
    feedbackCheck(device, seconds),
  );
  return { results };
}

function feedbackCheck(device: ReturnType<typeof generateKeyPairSync>, seconds: number): Measurement {
  const authority = {
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    alg: Algorithm.ES256,
    kid: randomBytes(8),
  };
  const components = [{ id: 'firmware', digest: randomBytes(32).toString('hex'), size: 1 << 20 }];
  const envelope = releaseEnvelope(
    { model: 'm', version: '1.0', sequenceNumber: 1, components },
    authority as unknown as UpdateAuthority,
    (d) => `/device/v1/artifacts/${d}`,
  );
  const release = { id: 'r', components, envelope } as unknown as ReleaseRecord;
  const report: SuitReport = {
    reference: { digest: readEnvelope(envelope).authentication.digest },
    records: [],
    result: { ok: true },
    extensions: new Map(),
  };
  const signed = protectReport(report, { key: device.privateKey });
  return measure(
    'feedback report check (verify ES256, manifest match, components)',
    () => checkReport(signed, device.publicKey, release, 'succeeded'),
    seconds,
  );
}
