/**
 * runNft without root: a stand-in `nft` (a shell script given as nftPath) that echoes its input,
 * fails with long error output, hangs or floods, so the error mapping, caps and timeout are proven
 * without touching the host's firewall.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { IntentError } from '../../../src/intent/errors.ts';
import { firstErrorLines, runNft } from '../../../src/intent/nft/nft-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-nft-run-'));
function fakeNft(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('runNft', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('passes the arguments and the script on standard input and returns standard output', async () => {
    const nftPath = fakeNft('echo', 'echo "args: $*"; cat');
    assert.equal(await runNft(['-f', '-'], { nftPath }, 'add table inet iotopia\n'), 'args: -f -\nadd table inet iotopia\n');
  });

  test('a non-zero exit is ERR_INTENT_APPLY with the first error lines, capped', async () => {
    const nftPath = fakeNft('fail', `cat >/dev/null; for i in 1 2 3 4 5 6 7 8 9; do echo "Error: line $i" >&2; done; exit 1`);
    await assert.rejects(runNft(['-f', '-'], { nftPath }, 'x'), (e: IntentError) => {
      assert.equal(e.code, 'ERR_INTENT_APPLY');
      assert.match(e.message, /exit 1\): Error: line 1\nError: line 2/);
      assert.doesNotMatch(e.message, /line 7/);
      return true;
    });
    assert.equal(firstErrorLines(`${'x'.repeat(5000)}\n`).length, 1001);
  });

  test('a missing program is ERR_INTENT_NFT_MISSING; a bad namespace name is refused before running', async () => {
    await assert.rejects(
      runNft(['list', 'ruleset'], { nftPath: join(dir, 'absent') }),
      (e: IntentError) => e.code === 'ERR_INTENT_NFT_MISSING',
    );
    await assert.rejects(runNft(['list', 'ruleset'], { netns: '../x' }), (e: IntentError) => e.code === 'ERR_INTENT_CONTEXT');
  });

  test('a run over the timeout is killed: ERR_INTENT_APPLY saying so', async () => {
    const nftPath = fakeNft('hang', 'exec sleep 30');
    await assert.rejects(
      runNft(['-f', '-'], { nftPath, timeoutMs: 200 }),
      (e: IntentError) => e.code === 'ERR_INTENT_APPLY' && /no answer within 200 ms/.test(e.message),
    );
  });

  test('output over the cap is ERR_INTENT_APPLY', async () => {
    const nftPath = fakeNft('flood', 'head -c 100000 /dev/zero');
    await assert.rejects(
      runNft(['-j', 'list', 'ruleset'], { nftPath, maxOutput: 1000 }),
      (e: IntentError) => e.code === 'ERR_INTENT_APPLY' && /output over 1000 bytes/.test(e.message),
    );
  });
});
