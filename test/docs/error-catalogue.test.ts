import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(ROOT, dir, f));
}

const codesIn = (text: string): Set<string> => new Set(text.match(/\bERR_[A-Z0-9_]+\b/g) ?? []);

test('every error code in the sources is documented in docs/errors-*.md, and every documented code exists', () => {
  const source = new Set<string>();
  for (const f of files('src', /\.ts$/)) for (const c of codesIn(readFileSync(f, 'utf8'))) source.add(c);
  const documented = new Set<string>();
  for (const f of files('docs', /^errors-.*\.md$/)) for (const c of codesIn(readFileSync(f, 'utf8'))) documented.add(c);
  assert.ok(source.size > 0);
  assert.deepEqual([...source].filter((c) => !documented.has(c)).sort(), [], 'codes used in src/ but missing from docs/errors-*.md');
  assert.deepEqual([...documented].filter((c) => !source.has(c)).sort(), [], 'codes documented but not used in src/');
});
