/**
 * A short pass over the compliance pillar's decoders (SBOM, OSV then matching, VEX) with a fixed
 * seed: byte mutations and structural ones (test/fuzz/targets-compliance.ts). Anything thrown but
 * the decoder's typed error is a finding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AsyncFuzzTarget } from '../fuzz/engine-async.ts';
import { mutate } from '../fuzz/mutate.ts';
import { complianceCorpus, mutateJson, TARGET_SBOM, TARGETS_COMPLIANCE_SYNC } from '../fuzz/targets-compliance.ts';
import { Prng } from '../helpers/random.ts';

const SEED = 20261207;

async function run(target: AsyncFuzzTarget, corpus: Uint8Array[], iterations: number) {
  const rng = new Prng(SEED);
  const findings: string[] = [];
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < corpus.length + iterations && findings.length < 10; i++) {
    const seed = rng.pick(corpus);
    // Half the inputs keep valid JSON with one value changed, half are byte mutations.
    const input = i < corpus.length ? (corpus[i] as Uint8Array) : rng.below(2) === 0 ? mutateJson(seed, rng) : mutate(seed, rng, corpus);
    try {
      await target.run(input);
      accepted++;
    } catch (e) {
      if (target.expected(e)) rejected++;
      else
        findings.push(
          `${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} for ${Buffer.from(input).toString().slice(0, 200)}`,
        );
    }
  }
  return { accepted, rejected, findings };
}

test(`fuzz: ${TARGET_SBOM.name}`, async (t) => {
  const r = await run(TARGET_SBOM, complianceCorpus('sbom'), 400);
  t.diagnostic(`${r.accepted} accepted, ${r.rejected} rejected with typed errors`);
  assert.deepEqual(r.findings, []);
  assert.ok(r.accepted > 0 && r.rejected > 0);
});

for (const { kind, target } of TARGETS_COMPLIANCE_SYNC)
  test(`fuzz: ${target.name}`, async (t) => {
    const r = await run({ ...target, run: async (b) => target.run(b) }, complianceCorpus(kind), 3_000);
    t.diagnostic(`${r.accepted} accepted, ${r.rejected} rejected with typed errors`);
    assert.deepEqual(r.findings, []);
    assert.ok(r.accepted > 0 && r.rejected > 0);
  });
