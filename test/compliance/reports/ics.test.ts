import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvText } from '../../../src/compliance/reports/csv.ts';
import { ReportError } from '../../../src/compliance/reports/errors.ts';
import { icsCsv, icsJson, icsRows } from '../../../src/compliance/reports/ics.ts';
import { assessmentFixture, craOnlyFixture, HOSTILE_DEVICE } from './fixtures.ts';

const code = (c: string) => (e: unknown) => e instanceof ReportError && e.code === c;

describe('csv (RFC 4180)', () => {
  it('quotes fields with commas, quotes, CR or LF, doubles quotes, and ends every record with CRLF', () => {
    assert.equal(csvText([['a', 'b,c', 'say "hi"', 'two\nlines', 'cr\r']]), 'a,"b,c","say ""hi""","two\nlines","cr\r"\r\n');
    assert.equal(csvText([['x'], ['']]), 'x\r\n\r\n');
    assert.equal(csvText([]), '');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+41 22'), "'+41 22");
    assert.equal(csvCell('-2'), "'-2");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tx'), "'\tx");
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('5.1-1'), '5.1-1', 'a minus inside a cell is not a formula');
    assert.equal(csvCell('a=b'), 'a=b');
  });
});

describe('EN 303 645 ICS (Table B.1)', () => {
  it('maps each outcome of the EN 303 645 results to Y, N, N/A or empty with a detail', () => {
    const rows = icsRows(assessmentFixture());
    assert.deepEqual(
      rows.map((r) => [r.provision, r.status, r.support]),
      [
        ['5.1-1', 'M C', 'Y'],
        ['5.1-2', 'M C', 'N/A'],
        ['5.2-1', 'M', 'N'],
        ['5.3-1', 'R', 'N'],
        ['5.5-1', 'M', ''],
        ['5.6-1', 'M', 'Y'],
      ],
    );
    const detail = Object.fromEntries(rows.map((r) => [r.provision, r.detail]));
    assert.equal(detail['5.1-1'], 'no-default-passwords: Devices authenticate with FDO keys; no password is provisioned.');
    assert.equal(detail['5.1-2'], 'condition C1 does not hold: The product uses pre-installed passwords.');
    assert.equal(
      detail['5.2-1'],
      'not met; disclosure-policy-published: No disclosure policy URL is set for the product model.; to do: Publish a vulnerability disclosure policy and a security contact.',
    );
    assert.ok(
      detail['5.3-1']!.startsWith('partially met; updates-delivered: 1 of 2 devices'),
      'only the rule that is not met says what is missing',
    );
    assert.ok(!detail['5.3-1']!.includes('updates-signed'));
    assert.equal(detail['5.5-1'], 'manual evidence needed; to do: State how the product protects data in transit, with evidence.');
    assert.match(detail['5.6-1']!, /^stated by Q\. Auditor <qa@example\.com> \(2026-11-30T09:15:00Z\): UART & JTAG/);
  });

  it('writes CSV with a header, one CRLF record per provision, device strings quoted as text', () => {
    const csv = icsCsv(assessmentFixture());
    const records = csv.split('\r\n');
    assert.equal(records.at(-1), '', 'the last record ends with CRLF');
    assert.equal(records[0], 'Provision,Title,Status,Support,Detail');
    assert.equal(records.length, 1 + 6 + 1);
    assert.equal(
      records[1],
      '5.1-1,Passwords are unique per device or set by the user,M C,Y,no-default-passwords: Devices authenticate with FDO keys; no password is provisioned.',
    );
    assert.ok(records[4]!.includes(`${HOSTILE_DEVICE.replaceAll('"', '""')} did not report`), 'quotes doubled, markup left as text');
    assert.ok(records[4]!.endsWith('"'), 'a detail holding quotes is quoted');
    assert.ok(records[5]!.startsWith('5.5-1,Security-relevant data is sent with best-practice cryptography,M,,'));
  });

  it('neutralises a formula a device string puts at the start of a cell', () => {
    const a = assessmentFixture();
    a.results[0]!.title = '=cmd|"/c calc"!A1';
    const line = icsCsv(a).split('\r\n')[1]!;
    assert.ok(line.startsWith(`5.1-1,"'=cmd|""/c calc""!A1",M C,Y,`));
  });

  it('writes JSON naming the catalog, product and assessment', () => {
    const json = JSON.parse(icsJson(assessmentFixture()));
    assert.equal(json.standard, 'ETSI EN 303 645');
    assert.equal(json.table, 'B.1');
    assert.deepEqual(json.catalog, { id: 'en303645-v3', title: 'ETSI EN 303 645', version: '3.1.3' });
    assert.equal(json.productModel, 'acme-cam-2');
    assert.equal(json.assessment, 'as-2026-12-07-001');
    assert.equal(json.at, '2026-12-07T12:00:00Z');
    assert.deepEqual(json.rows, icsRows(assessmentFixture()));
  });

  it('refuses an assessment without an EN 303 645 catalog, or a catalog it does not include', () => {
    assert.throws(() => icsRows(craOnlyFixture()), code('ERR_REPORT_NO_ICS'));
    assert.throws(() => icsCsv(craOnlyFixture()), code('ERR_REPORT_NO_ICS'));
    assert.throws(() => icsRows(assessmentFixture(), 'cra-annex-i'), code('ERR_REPORT_NO_ICS'));
    assert.throws(() => icsRows(assessmentFixture(), 'en303645-v2'), code('ERR_REPORT_NO_ICS'));
    assert.equal(icsRows(assessmentFixture(), 'en303645-v3').length, 6);
  });

  it('asks which catalog when an assessment includes two EN 303 645 versions', () => {
    const a = assessmentFixture();
    a.catalogs.push({ id: 'en303645-v2', title: 'ETSI EN 303 645', version: '2.1.1' });
    assert.throws(() => icsRows(a), code('ERR_REPORT_ICS_AMBIGUOUS'));
    assert.equal(icsRows(a, 'en303645-v2').length, 0);
    assert.equal(icsRows(a, 'en303645-v3').length, 6);
  });
});
