import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorId } from '../../../src/compliance/reports/escape.ts';
import { evidenceUrl } from '../../../src/compliance/reports/evidence-link.ts';

describe('evidenceUrl', () => {
  it('links http(s) URLs as they are, normalised', () => {
    assert.equal(evidenceUrl('https://osv.dev/vulnerability/GHSA-1'), 'https://osv.dev/vulnerability/GHSA-1');
    assert.equal(evidenceUrl('HTTP://Example.com/a b'), 'http://example.com/a%20b');
  });

  it('never links other schemes, protocol-relative references or hrefs with control characters', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>',
      'file:///etc/passwd',
      'vbscript:x',
      '//evil.example/x',
    ]) {
      assert.equal(evidenceUrl(href), undefined, href);
      assert.equal(evidenceUrl(href, 'https://iotopia.example.net/'), undefined, href);
    }
    assert.equal(evidenceUrl('java\tscript:alert(1)'), undefined);
    assert.equal(evidenceUrl('/api/v1/devices/\nx'), undefined);
    assert.equal(evidenceUrl(''), undefined);
    assert.equal(evidenceUrl(undefined), undefined);
  });

  it('appends management API paths to the base URL, keeping its path prefix', () => {
    assert.equal(evidenceUrl('/api/v1/devices/g', 'https://h.example/ops/'), 'https://h.example/ops/api/v1/devices/g');
    assert.equal(evidenceUrl('/api/v1/devices/g', 'https://h.example/ops'), 'https://h.example/ops/api/v1/devices/g');
    assert.equal(evidenceUrl('/api/v1/devices/g', 'https://h.example'), 'https://h.example/api/v1/devices/g');
    assert.equal(evidenceUrl('api/v1/releases/1', 'https://h.example/ops?x=1#y'), 'https://h.example/ops/api/v1/releases/1');
    assert.equal(evidenceUrl('/api/v1/devices/g'), '/api/v1/devices/g');
  });

  it('refuses a base URL that is not http(s)', () => {
    assert.throws(() => evidenceUrl('/api/v1/x', 'javascript:alert(1)//'), TypeError);
    assert.throws(() => evidenceUrl('/api/v1/x', 'not a url'), TypeError);
  });
});

describe('anchorId', () => {
  it('gives distinct provisions distinct ids made only of safe characters', () => {
    const ids = [
      anchorId('p', 'en303645-v3', '5.1-1'),
      anchorId('p', 'en303645-v3', '5.1_1'),
      anchorId('p', 'en303645-v3.5', '1-1'),
      anchorId('p', 'cra', 'I.2(c)'),
      anchorId('p', 'cra', 'I.2 (c)'),
      anchorId('p', 'x', '"><script>'),
    ];
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9._-]+$/);
  });
});
