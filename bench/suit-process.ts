import { generateKeyPairSync } from 'node:crypto';
import { signEnvelope, verifyEnvelope } from '../src/suit/authenticate.ts';
import { buildEnvelope } from '../src/suit/create/build.ts';
import { parseDescription } from '../src/suit/create/description.ts';
import { processEnvelope } from '../src/suit/process/process-envelope.ts';
import { createSimulatedDevice } from '../src/suit/process/simulated-device.ts';
import { type Measurement, measure } from './measure.ts';

/** As `measure`, awaiting each operation (the processor awaits its device). */
async function measureAsync(name: string, fn: () => Promise<unknown>, seconds: number): Promise<Measurement> {
  const warmUntil = performance.now() + Math.min(200, seconds * 200);
  while (performance.now() < warmUntil) await fn();
  const perOp: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < end) {
    const t = process.hrtime.bigint();
    await fn();
    perOp.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const elapsed = (performance.now() - started) / 1000;
  perOp.sort((a, b) => a - b);
  const pct = (p: number): number => Number((perOp[Math.min(perOp.length - 1, Math.floor(p * perOp.length))] ?? 0).toFixed(3));
  return { name, opsPerSec: Math.round(perOp.length / elapsed), p50Us: pct(0.5), p99Us: pct(0.99), samples: perOp.length };
}

/**
 * SUIT manifests processed per second on a simulated device (verify, anti-rollback, install:
 * fetch of a 64 KiB image, image match; validate; invoke) next to verification alone, in the same run.
 */
export async function suitProcessBench(seconds: number): Promise<{ results: Measurement[]; ratios: { name: string; ratio: number }[] }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const image = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff);
  const uri = 'https://updates.example/fw.bin';
  const description = {
    'manifest-sequence-number': 9,
    components: [
      {
        'install-id': ['00'],
        file: 'fw.bin',
        uri,
        'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
        'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
        bootable: true,
      },
    ],
  };
  const envelope = signEnvelope(buildEnvelope(parseDescription(description, { readFile: () => image })), { key: privateKey });
  const keys = [publicKey];
  const identity = {
    vendorId: new Uint8Array(Buffer.from('fa6b4a53d5ad5fdfbe9de663e4d41ffe', 'hex')),
    classId: new Uint8Array(Buffer.from('1492af1425695e48bf429b2d51f2ab45', 'hex')),
  };
  const run = async () => {
    const device = createSimulatedDevice({
      identity,
      components: [{ id: [new Uint8Array([0])] }],
      payloads: { [uri]: image },
      lastSequenceNumber: 8,
    });
    const r = await processEnvelope(envelope, { keys, device });
    if (!r.outcome.result.ok) throw new Error(`bench manifest failed: ${r.outcome.result.reason}`);
  };
  await run();
  const rows = [
    await measureAsync(`SUIT process update on a simulated device (${envelope.length}-byte envelope, 64 KiB image)`, run, seconds),
    measure('SUIT envelope verify only (same envelope)', () => verifyEnvelope(envelope, { keys }), seconds),
  ];
  const [p, v] = rows as [Measurement, Measurement];
  return { results: rows, ratios: [{ name: 'SUIT process / verify only', ratio: Number((p.opsPerSec / v.opsPerSec).toFixed(3)) }] };
}
