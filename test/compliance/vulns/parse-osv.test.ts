import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { VulnError } from '../../../src/compliance/vulns/errors.ts';
import { parseOsvRecord, readOsvDirectory } from '../../../src/compliance/vulns/parse-osv.ts';
import { tempDirs } from '../../helpers/temp.ts';

const OSV = new URL('../../fixtures/compliance/osv/', import.meta.url);
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const newDir = tempDirs('iotopia-osv-');

function refused(f: () => unknown, code: string): VulnError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VulnError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail('accepted');
}

describe('parseOsvRecord', () => {
  it('reads a GitHub advisory in OSV form: aliases, severity, every affected package', () => {
    const r = parseOsvRecord(readFileSync(new URL('npm/GHSA-35jh-r3h4-6jhm.json', OSV)), 'lodash');
    assert.equal(r.id, 'GHSA-35jh-r3h4-6jhm');
    assert.deepEqual(r.aliases, ['CVE-2021-23337']);
    assert.equal(r.severity?.[0]?.score, 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H');
    assert.deepEqual(
      r.affected.map((a) => a.package?.name),
      ['lodash', 'lodash-es'],
    );
    assert.deepEqual(r.affected[0]?.ranges?.[0]?.events, [{ introduced: '0' }, { fixed: '4.17.21' }]);
    // Members matching does not read are not kept.
    assert.equal('database_specific' in r, false);
  });

  it('reads a Go vulnerability database record and a withdrawn one', () => {
    const go = parseOsvRecord(readFileSync(new URL('go/GO-2020-0015.json', OSV)), 'go');
    assert.equal(go.affected[0]?.package?.ecosystem, 'Go');
    const withdrawn = parseOsvRecord(readFileSync(new URL('go/GO-2022-0617.json', OSV)), 'go');
    assert.equal(withdrawn.withdrawn, '2024-08-21T16:25:56Z');
  });

  it('refuses a record without id or modified, naming the field', () => {
    const e = refused(() => parseOsvRecord(json({ id: 'X-1', affected: [] }), 'x.json'), 'ERR_OSV_SCHEMA');
    assert.equal(e.source, 'x.json');
    assert.equal(e.entry, 'X-1');
    assert.equal(e.field, '/');
    assert.match(e.message, /modified/);
  });

  it('refuses an unknown range type and an event with two kinds', () => {
    const base = { id: 'X-2', modified: '2026-01-01T00:00:00Z' };
    const t = refused(
      () => parseOsvRecord(json({ ...base, affected: [{ ranges: [{ type: 'SEMVER2', events: [{ introduced: '0' }] }] }] }), 'x'),
      'ERR_OSV_SCHEMA',
    );
    assert.match(t.field ?? '', /^\/affected\/0\/ranges\/0/);
    const two = refused(
      () =>
        parseOsvRecord(json({ ...base, affected: [{ ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }] }] }), 'x'),
      'ERR_OSV_SCHEMA',
    );
    assert.equal(two.field, '/affected/0/ranges/0/events/0');
  });

  it('refuses malformed JSON and an array where one record is expected', () => {
    refused(() => parseOsvRecord(new TextEncoder().encode('{"id":'), 'x'), 'ERR_OSV_JSON');
    refused(() => parseOsvRecord(json([]), 'x'), 'ERR_OSV_SCHEMA');
  });
});

describe('readOsvDirectory', () => {
  it('reads every *.json recursively, in path order, withdrawn records included', async () => {
    const records = await readOsvDirectory(new URL('.', OSV).pathname);
    assert.deepEqual(
      records.map((r) => r.id),
      [
        'GO-2020-0015',
        'GO-2022-0617',
        'GHSA-35jh-r3h4-6jhm',
        'GHSA-mhpp-875w-9cpv',
        'GHSA-j8r2-6x86-q33q',
        'GHSA-p44j-xrqg-4xrr',
        'GHSA-35c4-f3rq-f9g3',
        'GHSA-9qj7-jvg4-qr2x',
      ],
    );
  });

  it('reads a file holding an array of records and names the file and index of a bad one', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'a'));
    const ok = { id: 'A-1', modified: '2026-01-01T00:00:00Z', affected: [] };
    writeFileSync(join(dir, 'a', 'list.json'), JSON.stringify([ok, { ...ok, id: 'A-2' }]));
    writeFileSync(join(dir, 'ignored.txt'), 'not json');
    assert.deepEqual(
      (await readOsvDirectory(dir)).map((r) => r.id),
      ['A-1', 'A-2'],
    );
    writeFileSync(join(dir, 'b.json'), JSON.stringify([ok, { id: 'B-2' }]));
    const e = await readOsvDirectory(dir).then(
      () => assert.fail('accepted'),
      (err: unknown) => err as VulnError,
    );
    assert.equal(e.code, 'ERR_OSV_SCHEMA');
    assert.equal(e.source, join(dir, 'b.json'));
    assert.equal(e.entry, 'record 1 (B-2)');
  });

  it('stops at the record limit and when the directory cannot be read', async () => {
    const e = await readOsvDirectory(new URL('.', OSV).pathname, { limit: 3 }).then(
      () => assert.fail('accepted'),
      (err: unknown) => err as VulnError,
    );
    assert.equal(e.code, 'ERR_OSV_TOO_MANY');
    const missing = await readOsvDirectory(join(newDir(), 'absent')).then(
      () => assert.fail('accepted'),
      (err: unknown) => err as VulnError,
    );
    assert.equal(missing.code, 'ERR_OSV_READ');
  });
});
