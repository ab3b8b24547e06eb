/**
 * The examples of draft-ietf-suit-trust-domains-12, Appendix B (B.1 "Example 0: Process Dependency",
 * B.2 "Example 1: Integrated Dependency"), and the public key the draft gives to verify them
 * (Appendix B: ECDSA secp256r1, signed with ESP256). The bytes are the hex files the draft includes
 * from its source repository (suit-wg/suit-multiple-trust-domains, examples/example1_process.hex,
 * example0_dependent.hex and example2_integrated.hex at commit 97bf14c, 22 July 2025, the day -12
 * was submitted; unchanged since 26 June 2025, so -11 prints the same). Each envelope that has a
 * Dependency names it by component index 1 while suit-components holds one component.
 */

const hex = (lines: readonly string[]): Uint8Array => new Uint8Array(Buffer.from(lines.join(''), 'hex'));

/** B.1, the first envelope: depends on the one fetched from http://example.com/dependent.suit (373 bytes). */
export const B1_DEPENDENT = hex([
  'd86ba2025873825824822f5820aeba316a9a1e38253b29e6c99b60538368',
  'b8ac8b5e6b9ace1d239970830bbe62584ad28443a10128a0f658403f3e9a',
  '2ca98208feaeaeeadf7e1a0323c97896abfb79f91e8d0c1509b0a533cd0b',
  '96bfc876a8f3b8ace712fff8ef7ea945e62a61e0ba5bd9929e4a1b47ec64',
  '750358f9a70101020003581ca201a101a101814e646570656e64656e742e',
  '7375697402818142313005814e646570656e64696e672e73756974095286',
  '0c0014a11749636174203030203130170f0f5857880c0114a3035824822f',
  '58200f02caf6d3e61920d36bf3cea7f862a13bb8fb1f09c3f4c29b121fea',
  'b78ef3d80e18be157821687474703a2f2f6578616d706c652e636f6d2f64',
  '6570656e64656e742e737569741502030f1458538e0c0114a1035824822f',
  '58200f02caf6d3e61920d36bf3cea7f862a13bb8fb1f09c3f4c29b121fea',
  'b78ef3d8070f0b000c0014a112581a20696e206d756c7469706c65207472',
  '75737420646f6d61696e73120f',
]);

/** B.1, the second envelope: the one fetched from http://example.com/dependent.suit (190 bytes). */
export const B1_FETCHED = hex([
  'd86ba2025873825824822f58200f02caf6d3e61920d36bf3cea7f862a13b',
  'b8fb1f09c3f4c29b121feab78ef3d8584ad28443a10128a0f65840a25f33',
  '7126369d2e0b451c01dbd8cdb84a77e7f6c39e789db3d227753494000c9d',
  '250001fddca39b4b4e3755a7278c11998171905f56c394cfbb907105da80',
  '4f035842a6010102000347a102818142303005814e646570656e64656e74',
  '2e73756974094d8414a11746636174203030170f14528414a1124b68656c',
  '6c6f20776f726c64120f',
]);

/** B.2: the first envelope of B.1 with the fetched one integrated under "#dependent.suit" (519 bytes). */
export const B2_INTEGRATED = hex([
  'd86ba3025873825824822f582088e1199580864eb1d1ad35eb5925be68ca',
  '565ee3bb39c27cdb31ceda4dd667df584ad28443a10128a0f65840074a36',
  '1f7bbfa2acf4ec3cfdaf4fdd8738414bad672caea4f43607be6031ea90cb',
  '0c283a03c728608b0509c6fd2afed40cfb0c3d341340830a00905e6a7298',
  '900358bba70101020003581ca201a101a101814e646570656e64656e742e',
  '7375697402818142313005814e646570656e64696e672e73756974095286',
  '0c0014a11749636174203030203130170f0f5844880c0114a3035824822f',
  '58200f02caf6d3e61920d36bf3cea7f862a13bb8fb1f09c3f4c29b121fea',
  'b78ef3d80e18be156f23646570656e64656e742e737569741502030f1458',
  '288a0c010b000c0014a112581a20696e206d756c7469706c652074727573',
  '7420646f6d61696e73120f6f23646570656e64656e742e7375697458bed8',
  '6ba2025873825824822f58200f02caf6d3e61920d36bf3cea7f862a13bb8',
  'fb1f09c3f4c29b121feab78ef3d8584ad28443a10128a0f65840a25f3371',
  '26369d2e0b451c01dbd8cdb84a77e7f6c39e789db3d227753494000c9d25',
  '0001fddca39b4b4e3755a7278c11998171905f56c394cfbb907105da804f',
  '035842a6010102000347a102818142303005814e646570656e64656e742e',
  '73756974094d8414a11746636174203030170f14528414a1124b68656c6c',
  '6f20776f726c64120f',
]);

/** The public key of Appendix B that verifies every example. */
export const APPENDIX_B_PUBLIC_KEY = [
  '-----BEGIN PUBLIC KEY-----',
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhJaBGq4LqqvSYVcYnuzaJr6qi/Eb',
  'bz/m4rVlnIXbwK07HypLbAmBMcCjbazR14vTgdzfsJwFLbM5kdtzOLSolg==',
  '-----END PUBLIC KEY-----',
  '',
].join('\n');
