/**
 * Strings from devices and API users reach the terminal escaped: a device whose model holds a
 * terminal escape sequence and CRLF, and a token whose name holds CRLF, are listed by the CLI
 * without any ESC, CR or LF of theirs, shown as `\xNN` instead.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { esc, escapeComposed, escapeJson, escapeText } from '../../src/cli/escape.ts';
import { runDi } from '../../src/fdo/client/flows.ts';
import { createApiToken } from '../../src/platform/tokens.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';

const HOSTILE_MODEL = '\x1b]0;pwned\x07\r\nFAKE';
const HOSTILE_NAME = 'ops\r\nFAKE token';

test('escapeText shows C0, DEL, C1, line separators and bidi controls as escapes and leaves the rest', () => {
  assert.equal(escapeText('\x1b]0;pwned\x07\r\nFAKE'), '\\x1b]0;pwned\\x07\\x0d\\x0aFAKE');
  assert.equal(escapeText('a\x00b\x7fc\x9bd\x85'), 'a\\x00b\\x7fc\\x9bd\\x85');
  assert.equal(escapeText('x\u2028y\u2029z'), 'x\\u{2028}y\\u{2029}z');
  assert.equal(escapeText('\u202ereversed\u202c \u2066iso\u2069 \u200f'), '\\u{202e}reversed\\u{202c} \\u{2066}iso\\u{2069} \\u{200f}');
  assert.equal(escapeText('plain ünïcödé 設備 \\x41 tab-free'), 'plain ünïcödé 設備 \\x41 tab-free');
  assert.equal(escapeComposed('line 1\nline\r2\x1b[2J'), 'line 1\nline\\x0d2\\x1b[2J');
  assert.equal(esc`model ${HOSTILE_MODEL} n=${3}`, 'model \\x1b]0;pwned\\x07\\x0d\\x0aFAKE n=3');
});

test('escapeJson writes DEL, C1, line separators and bidi controls as \\u escapes; the data parses back the same', () => {
  const value = { model: 'a\x7fb\x9b2Jc\u2028d\u202ee', plain: 'ünï 設備' };
  const text = escapeJson(JSON.stringify(value));
  assert.equal(text, '{"model":"a\\u007fb\\u009b2Jc\\u2028d\\u202ee","plain":"ünï 設備"}');
  assert.deepEqual(JSON.parse(text), value);
});

describe('the CLI lists hostile device and token strings escaped', () => {
  let platform: Platform;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-escape-cli-'));
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('IOTOPIA_')) delete clean[k];
  const run = (args: string[]) => runCli(args, dir, clean);
  const api = () => ['--server', platform.url, '--token', admin];

  before(async () => {
    platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent' }]));
    admin = platform.firstAdminToken ?? assert.fail('no first admin token');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await runDi(platform.url, {
      random: (n) => new Uint8Array(randomBytes(n)),
      deviceKey: privateKey,
      serialNumber: 'SN\x1b[31m-1',
      model: HOSTILE_MODEL,
    });
    await createApiToken(platform.store, { name: HOSTILE_NAME, roles: ['auditor'] });
  });
  after(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** No ESC, BEL or CR anywhere, and no line that the value started. */
  const assertNeutral = (out: string) => {
    assert.ok(!['\x1b', '\x07', '\r'].some((c) => out.includes(c)), `raw control characters in ${JSON.stringify(out)}`);
    assert.ok(!out.split('\n').some((l) => l.startsWith('FAKE')), `a forged line in ${JSON.stringify(out)}`);
  };

  test('voucher list shows the model as escapes; the server holds it raw (so the check can fail)', async () => {
    const raw = await run(['voucher', 'list', ...api(), '--json']);
    assert.equal(raw.code, 0, raw.err);
    assert.ok(
      (JSON.parse(raw.out) as { deviceInfo: string }[]).some((v) => v.deviceInfo === HOSTILE_MODEL),
      'the model is stored as sent',
    );
    assertNeutral(raw.out);
    const listed = await run(['voucher', 'list', ...api()]);
    assert.equal(listed.code, 0, listed.err);
    assertNeutral(listed.out);
    assert.ok(listed.out.includes('\\x1b]0;pwned\\x07\\x0d\\x0aFAKE'), listed.out);
  });

  test('token list shows a CRLF name as escapes', async () => {
    const listed = await run(['token', 'list', ...api()]);
    assert.equal(listed.code, 0, listed.err);
    assertNeutral(listed.out);
    assert.ok(listed.out.includes('ops\\x0d\\x0aFAKE token'), listed.out);
  });
});
