import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestImageDigests } from '../../../src/lifecycle/releases/manifest-digests.ts';
import { decodeEnvelope } from '../../../src/suit/envelope.ts';
import { specExamples } from '../../suit/helpers.ts';

const examples = specExamples();

test('the image digests of the draft-ietf-suit-manifest examples are found, in the shared sequence and inside try-each', {
  skip: examples.length === 0 ? 'the SUIT specification vectors are not present' : false,
}, () => {
  const found = examples.map((e) => manifestImageDigests(decodeEnvelope(e.envelopes[0] as Uint8Array).manifest));
  // Every example names its image by the same digest (§A); example 3 (A/B images) names two, inside try-each.
  assert.ok(
    found.every((d) => d.has('00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210')),
    JSON.stringify(found.map((d) => [...d])),
  );
  assert.equal(found[3]?.size, 2);
});
