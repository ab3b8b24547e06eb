import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const DIR = new URL('../../src/store/', import.meta.url).pathname;

test('src/store writes nothing to a console or stream: secrets pass through it and must never be logged', () => {
  const offenders: string[] = [];
  for (const f of readdirSync(DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(DIR, f), 'utf8');
    if (/\bconsole\.|process\.(stdout|stderr)|\bpino\b|\blogger\b/.test(text)) offenders.push(f);
  }
  assert.deepEqual(offenders, []);
});
