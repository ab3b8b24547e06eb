import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { anchorId, escapeHtml } from '../../../src/compliance/reports/escape.ts';
import { renderHtmlReport } from '../../../src/compliance/reports/html-report.ts';
import { assessmentFixture, diffFixture, GUID_A, HOSTILE_DEVICE } from './fixtures.ts';

const html = renderHtmlReport(assessmentFixture(), {
  diff: diffFixture(),
  baseUrl: 'https://iotopia.example.net/ops/',
  generator: 'IoTopia test',
});

/** The text of the section with this heading id, up to its closing tag. */
function section(id: string): string {
  const start = html.indexOf(`aria-labelledby="${id}"`);
  assert.ok(start > 0, `section ${id} is missing`);
  return html.slice(start, html.indexOf('</section>', start));
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('renderHtmlReport', () => {
  it('is one HTML5 document with lang, charset, title and no script or external resource', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<title>Compliance report: acme-cam-2 \(eu market\)<\/title>/);
    assert.equal(count(html, /<script/gi), 0, 'no script element (device strings are escaped)');
    assert.equal(count(html, /<link\b/gi), 0);
    assert.equal(count(html, /\bsrc=/gi), 0);
    assert.equal(count(html, /<style>/g), 1);
  });

  it('names its one stylesheet by hash in a strict Content-Security-Policy', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp !== undefined);
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(css).digest('base64');
    assert.equal(csp, `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`);
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'), 'the policy precedes the style it governs');
    assert.equal(count(html, / style="/g), 0, 'no style attribute: the policy would block it');
  });

  it('summarises product, market, catalogs, date, id and the counts per outcome and per catalog', () => {
    const s = section('summary');
    assert.match(s, /<dt>Product model<\/dt><dd>acme-cam-2<\/dd>/);
    assert.match(s, /<dt>Market<\/dt><dd>eu<\/dd>/);
    assert.match(s, /<time datetime="2026-12-07T12:00:00Z">/);
    assert.match(s, /<code>as-2026-12-07-001<\/code>/);
    assert.match(s, /ETSI EN 303 645 \(<code>en303645-v3<\/code>, version 3\.1\.3\)/);
    const row = (label: RegExp) => {
      const m = new RegExp(`<tr><th scope="row">${label.source}</th>((?:<td class="num">\\d+</td>)+)</tr>`).exec(s);
      assert.ok(m, `row ${label}`);
      return [...m[1]!.matchAll(/>(\d+)</g)].map((x) => Number(x[1]));
    };
    // Columns: not met, partially met, manual evidence needed, met, not applicable, total.
    assert.deepEqual(row(/ETSI EN 303 645 <code>en303645-v3<\/code>/), [1, 1, 1, 2, 1, 6]);
    assert.deepEqual(row(/EU Cyber Resilience Act, Annex I <code>cra-annex-i<\/code>/), [1, 0, 0, 1, 0, 2]);
    assert.deepEqual(row(/All catalogs/), [2, 1, 1, 3, 1, 8]);
    assert.match(s, /<strong>4 open gaps<\/strong>, 3 of them on mandatory provisions; 3 of 8 provisions met, 1 not applicable\./);
    assert.doesNotMatch(s, /stored summary/, 'the stored summary agrees with the results');
  });

  it('says so when the stored summary disagrees with the results', () => {
    const a = assessmentFixture();
    a.summary.met = 7;
    assert.match(renderHtmlReport(a), /stored summary \(met 7, not met 2,[^)]*\) differs from its provision results/);
  });

  it('lists the gaps in the assessment order with what to do, linked to their provision', () => {
    const s = section('gaps');
    const order = [...s.matchAll(/<tr class="gap"><td class="num">(\d+)<\/td><th scope="row"><a href="#([^"]+)">([^<]+)<\/a>/g)];
    assert.deepEqual(
      order.map((m) => [m[1], m[3]]),
      [
        ['1', 'I.2(c)'],
        ['2', '5.2-1'],
        ['3', '5.5-1'],
        ['4', '5.3-1'],
      ],
    );
    for (const m of order) assert.ok(html.includes(`<tr class="provision" id="${m[2]}">`), `gap link #${m[2]} has a target`);
    assert.ok(s.indexOf('Remediate the open vulnerabilities') < s.indexOf('Publish a vulnerability disclosure policy'));
    assert.match(s, /5\.5-1<\/a> Communicate|5\.5-1<\/a> Security-relevant data/);
  });

  it('says there are no gaps when there are none', () => {
    const a = assessmentFixture();
    a.gaps = [];
    assert.match(renderHtmlReport(a), /No gaps: every applicable provision is met\./);
  });

  it('has one row per provision, grouped by catalog then section, each table with a caption and scoped headers', () => {
    const s = section('provisions');
    const a = assessmentFixture();
    const rows = [...s.matchAll(/<tr class="provision" id="([^"]+)"><th scope="row">([^<]+)<\/th>/g)];
    assert.deepEqual(
      rows.map((m) => m[2]),
      a.results.map((r) => escapeHtml(r.provision)),
    );
    assert.deepEqual(
      rows.map((m) => m[1]),
      a.results.map((r) => anchorId('p', r.catalog, r.provision)),
    );
    assert.equal(new Set(rows.map((m) => m[1])).size, rows.length, 'anchors are unique');
    const captions = [...s.matchAll(/<caption>([^<]+)<\/caption>/g)].map((m) => m[1]);
    assert.deepEqual(
      captions,
      [...new Set(a.results.map((r) => `${r.catalog}|${r.section}`))].map((k) => k.split('|')[1]),
    );
    assert.ok(s.indexOf('ETSI EN 303 645 <span') < s.indexOf('EU Cyber Resilience Act'));
    assert.equal(count(html, /<th>/g), 0, 'every header cell has a scope');
  });

  it('shows the condition of a not-applicable provision, rule findings, remedies and manual evidence with who and when', () => {
    const s = section('provisions');
    assert.match(
      s,
      /<p class="condition"><strong>Condition:<\/strong> <code>C1<\/code> The product uses pre-installed passwords\. — does not hold for this product<\/p>/,
    );
    assert.match(s, /<span class="rule-id">updates-delivered<\/span> <span class="outcome o-partially-met">/);
    assert.match(s, /<p class="remedy"><strong>What to do:<\/strong> Finish campaign c-7 or retire devices that cannot update\.<\/p>/);
    assert.match(s, /UART &amp; JTAG are fused off at the factory \(&quot;production&quot; fuse map\)\./);
    assert.match(s, /stated by Q\. Auditor &lt;qa@example\.com&gt; at <time datetime="2026-11-30T09:15:00Z">/);
    assert.match(s, /fuse-map &lt;v2&gt;\.pdf \(application\/pdf, 48213 bytes, SHA-256 <code>(a3f1){16}<\/code>\)/);
    assert.match(s, /<p class="remedy"><strong>What to do:<\/strong> State how the product protects data in transit, with evidence\.<\/p>/);
  });

  it('joins relative evidence hrefs to the base URL, keeps absolute http(s) ones, and never links other schemes', () => {
    assert.ok(html.includes(`<a href="https://iotopia.example.net/ops/api/v1/devices/${GUID_A}">`));
    assert.ok(html.includes('<a href="https://iotopia.example.net/ops/api/v1/releases/2.1.0">'));
    assert.ok(html.includes('<a href="https://osv.dev/vulnerability/CVE-2026-0001">'));
    assert.ok(html.includes('<a href="https://mud.example.com/cam.json?a=1&amp;b=%222%22">'));
    assert.equal(count(html, /href="javascript:/gi), 0);
    assert.match(
      html,
      /campaign <code>c-7<\/code>: link to a script URL <span class="muted">\(not linked: javascript:alert\(1\)\)<\/span>/,
    );
    const plain = renderHtmlReport(assessmentFixture());
    assert.ok(plain.includes(`<a href="/api/v1/devices/${GUID_A}">`), 'without baseUrl a relative href stays relative');
    assert.throws(() => renderHtmlReport(assessmentFixture(), { baseUrl: 'file:///etc/' }), TypeError);
  });

  it('escapes every device-supplied string: markup shows as text', () => {
    const escaped = escapeHtml(HOSTILE_DEVICE);
    assert.equal(escaped, 'cam &quot;lobby&quot; &amp; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    assert.ok(html.includes(escaped));
    assert.ok(!html.includes(HOSTILE_DEVICE));
    assert.ok(!html.includes("alert('x')"));
    const a = assessmentFixture();
    a.productModel = '<img src=x onerror=alert(1)>';
    a.id = '"><b>';
    a.market = 'eu & "uk"';
    const r = renderHtmlReport(a, { generator: '</title><script>' });
    assert.ok(!r.includes('<img'));
    assert.ok(!r.includes('"><b>'));
    assert.ok(!r.includes('</title><script>'));
    assert.ok(r.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('shows the diff: each change with before, after, direction and why', () => {
    const s = section('diff');
    assert.match(s, /From assessment <code>as-2026-11-01-004<\/code> to <code>as-2026-12-07-001<\/code>: 4 provisions changed\./);
    const directions = [...s.matchAll(/<tr class="change change-(\w+)">/g)].map((m) => m[1]);
    assert.deepEqual(directions, ['improved', 'regressed', 'added', 'removed']);
    assert.match(s, /<span class="muted">not assessed<\/span>/);
    assert.ok(s.includes(`published against ${escapeHtml(HOSTILE_DEVICE)}&#39;s firmware`));
    assert.match(s, /5\.4-1 <span class="muted">/, 'a provision no longer assessed is not linked');
    assert.doesNotMatch(s, /not at the assessment of this report/);
    const other = renderHtmlReport(assessmentFixture(), { diff: { ...diffFixture(), to: 'as-other' } });
    assert.match(other, /This diff ends at assessment <code>as-other<\/code>, not at the assessment of this report/);
    assert.doesNotMatch(renderHtmlReport(assessmentFixture()), /id="diff"/, 'no diff section without a diff');
  });

  it('prints: page breaks, repeated table headers, link targets and forced light colours', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const print = css.slice(css.indexOf('@media print'));
    assert.match(print, /section\.provisions, section\.diff \{ break-before: page; \}/);
    assert.match(print, /tr, \.notice \{ break-inside: avoid; \}/);
    assert.match(print, /thead \{ display: table-header-group; \}/);
    assert.match(css, /@media \(prefers-color-scheme: dark\)/);
  });
});
