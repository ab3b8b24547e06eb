import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classIdOf, uuidV5, VENDOR_DOMAIN, vendorIdOf } from '../../../src/lifecycle/releases/identifiers.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('vendor and class ids are version 5 UUIDs (RFC 9562 §5.5) as the SUIT examples use them', () => {
  // The vendor id of the draft-ietf-suit-manifest examples is UUIDv5(DNS, "arm.com").
  assert.equal(hex(vendorIdOf('arm.com')), 'fa6b4a53d5ad5fdfbe9de663e4d41ffe');
  assert.equal(hex(classIdOf(vendorIdOf('arm.com'), 'nRF52840')), 'e0b7f35e13455e83bafb23e4183b794b');
  assert.equal(hex(classIdOf(vendorIdOf('vendor.example'), 'bulb-x1')), '8a40c5fd055e52559c7b15b80eecf25c');
  assert.throws(() => uuidV5(new Uint8Array(15), 'x'), TypeError);
});

test('a vendor domain is a lowercase DNS name', () => {
  for (const ok of ['arm.com', 'vendor.example', 'a', 'x-1.y']) assert.ok(VENDOR_DOMAIN.test(ok), ok);
  for (const bad of ['', 'Arm.com', '-a.com', 'a..b', 'a.com.', 'a b', `${'a'.repeat(64)}.com`]) assert.ok(!VENDOR_DOMAIN.test(bad), bad);
});
