/**
 * A small made-up tree for testing the layer checker itself: each file holds allowed imports next
 * to deliberate violations, and EXPECTED lists exactly what the checker must report for it under
 * IoTopia's rules. Comments and strings that look like imports must not count.
 */
import type { SourceText } from './imports.ts';

export const FIXTURE_FILES: readonly SourceText[] = [
  {
    path: 'src/codec/cbor.ts',
    text: ["import { param } from './cose/lib/headers.ts';", "import { IotopiaError } from '../errors.ts';", 'export const x = 1;'].join(
      '\n',
    ),
  },
  {
    path: 'src/codec/upward.ts',
    text: [
      "// import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';",
      'const text = "import(\'../server/platform/platform.ts\')";',
      "import type { OwnershipVoucher } from '../fdo/voucher/voucher.ts';",
    ].join('\n'),
  },
  {
    path: 'src/mud/signature/verify.ts',
    text: [
      'import {',
      '  certInfo,',
      "} from '../../crypto/lib/cert-info.ts';",
      "import { parseCertificate } from '../../crypto/x509-parse.ts';",
    ].join('\n'),
  },
  { path: 'src/fdo/session/reply.ts', text: "import { expectReply } from '../protocol/lib/peer-error.ts';" },
  { path: 'src/suit/encryption/steps.ts', text: "export { nonceOf } from '../../codec/cose/encrypt-steps.ts';" },
  { path: 'src/crypto/guid-type.ts', text: "export type Guid = import('../fdo/types/guid.ts').Guid;" },
  { path: 'src/fdo/outside.ts', text: "import fastify from 'fastify';\nimport { readFile } from 'node:fs/promises';" },
  { path: 'src/server/api/owner.ts', text: "export async function to0() {\n  return import('../../agent/flows.ts');\n}" },
  { path: 'src/cli/commands/up.ts', text: "import { startPlatform } from '../../server/platform/platform.ts';" },
  { path: 'src/cli/commands/token-view.ts', text: "import { tokenView } from '../../server/api/tokens-api.ts';" },
  { path: 'src/cli/commands/device.ts', text: "import { runOnboard } from '../../agent/flows.ts';" },
  { path: 'src/store/to0.ts', text: "import type { To0Port } from '../onboarding/ports.ts';" },
  { path: 'src/store/rules.ts', text: "import { refresh } from '../onboarding/to0-refresh.ts';" },
  { path: 'src/onboarding/vouchers.ts', text: "import type { Store } from '../store/store.ts';" },
  { path: 'src/lifecycle/back.ts', text: "import { moveVoucher } from '../onboarding/voucher-states.ts';" },
  { path: 'src/intent/fetch.ts', text: "import { mudFromJson } from '../../bin/mud.ts';" },
  { path: 'src/stray.ts', text: 'export const stray = 1;' },
];

/** What checkLayers reports for FIXTURE_FILES, in order. */
export const EXPECTED = [
  'src/codec/upward.ts:3: upward: src/codec (protocol core: codec) -> src/fdo (protocol core: FDO, MUD, SUIT)',
  'src/mud/signature/verify.ts:3: lib: src/mud -> src/crypto/lib/ (private to src/crypto)',
  'src/crypto/guid-type.ts:1: upward: src/crypto (protocol core: crypto) -> src/fdo (protocol core: FDO, MUD, SUIT)',
  'src/server/api/owner.ts:2: same-layer: src/server -> src/agent (src/agent/flows.ts)',
  'src/cli/commands/token-view.ts:1: same-layer: src/cli -> src/server (src/server/api/tokens-api.ts)',
  'src/store/to0.ts:1: upward: src/store (storage) -> src/onboarding (pillar services)',
  'src/store/rules.ts:1: upward: src/store (storage) -> src/onboarding (pillar services)',
  'src/lifecycle/back.ts:1: same-layer: src/lifecycle -> src/onboarding (src/onboarding/voucher-states.ts)',
  'src/intent/fetch.ts:1: unplaced: bin/mud.ts belongs to no layer',
];

/** The files of FIXTURE_FILES outside every layer. */
export const EXPECTED_UNPLACED = ['src/stray.ts'];
