import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateNames, packageKey } from '../../../src/compliance/products/candidate-names.ts';
import { standardParsers } from '../../../src/compliance/products/standard-parsers.ts';
import { matchVulnerabilities } from '../../../src/compliance/vulns/match.ts';
import { bytesOf } from './toy-parsers.ts';
import { lifecycleRelease, product, productWorld } from './world.ts';

test('candidate names: the component name and its purl name in OSV spelling, as case- and separator-blind keys', () => {
  assert.deepEqual(
    candidateNames([
      { ref: 'a', name: 'core', purl: 'pkg:npm/%40angular/core@1.0.0' },
      { ref: 'b', name: 'log4j-core', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.0' },
      { ref: 'c', name: 'Django', purl: 'pkg:pypi/django@3.2' },
      { ref: 'd', name: 'zope.interface' },
      { ref: 'e', name: 'x', purl: 'not a purl' },
    ]),
    ['core', '@angular/core', 'log4j-core', 'org-apache-logging-log4j:log4j-core', 'django', 'zope-interface', 'x'],
  );
  assert.equal(packageKey('Zope_Interface'), packageKey('zope.interface'));
});

test('an OSV record spelling a PyPI name otherwise than the purl is still a candidate of the release', async () => {
  const w = await productWorld(standardParsers);
  try {
    await w.service.create(product('gw'), 'admin');
    await lifecycleRelease(w.store, 'gw', '1.0', 1);
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      components: [{ type: 'library', 'bom-ref': 'dj', name: 'django', version: '3.2.0', purl: 'pkg:pypi/django@3.2.0' }],
    };
    await w.service.importSbom('gw', '1.0', bytesOf(bom), 'bom.json', 'admin');
    const record = {
      id: 'PYSEC-0001',
      modified: '2031-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'PyPI', name: 'Django' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.2.1' }] }],
        },
      ],
    };
    await w.service.importOsv(bytesOf(record), 'pysec.json', 'admin');
    const candidates = await w.store.vulnerabilities.candidates(
      candidateNames((await w.service.sbomComponents('gw', '1.0')).components),
      10,
    );
    assert.deepEqual(
      candidates.map((r) => r.id),
      ['PYSEC-0001'],
    );
    const direct = matchVulnerabilities((await w.service.sbomComponents('gw', '1.0')).components, [record as never]);
    const viaService = (await w.service.releaseVulnerabilities('gw', '1.0')).matches;
    assert.deepEqual(
      viaService.map((m) => m.vulnerability.id),
      direct.map((m) => m.vulnerability.id),
    );
  } finally {
    await w.close();
  }
});
