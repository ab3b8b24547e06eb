/**
 * The layering of docs/architecture.md, enforced: imports only go down, a module's lib/ folder is
 * its own, and adapters do not import each other. The rules are the data below; the checker is
 * test/architecture/check-layers.ts, and the second half of this file tests it on a made-up tree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type AllowedEdge, checkLayers, type Layer, type LayerRules, unplacedFiles } from './architecture/check-layers.ts';
import { EXPECTED, EXPECTED_UNPLACED, FIXTURE_FILES } from './architecture/fixtures.ts';
import { importsOf, readSources } from './architecture/imports.ts';

const CORE_MODULES = ['src/codec', 'src/crypto', 'src/fdo', 'src/mud', 'src/suit'];
const SERVICES = ['src/onboarding', 'src/intent', 'src/lifecycle', 'src/compliance', 'src/platform'];

/**
 * Bottom first. The protocol core is ordered by what its code uses: crypto reads CBOR and COSE
 * from codec, and FDO, MUD and SUIT build on both without using each other. Storage (the
 * repositories and their SQL backends, the keystore) sits under the pillar services, which
 * depend on its interfaces (ADR 0014); adapters sit on top. web/ is the console's own build.
 */
const LAYERS: readonly Layer[] = [
  { name: 'protocol core: errors', units: ['src/errors.ts'] },
  { name: 'protocol core: codec', units: ['src/codec'] },
  { name: 'protocol core: crypto', units: ['src/crypto'] },
  { name: 'protocol core: FDO, MUD, SUIT', units: ['src/fdo', 'src/mud', 'src/suit'] },
  { name: 'storage', units: ['src/store', 'src/keystore'] },
  { name: 'pillar services', units: SERVICES },
  { name: 'adapters', units: ['src/server', 'src/cli', 'src/agent', 'web'] },
];

/**
 * Within a layer, units are independent except along these edges.
 * - Storage: the software keystore keeps its keys in the store's key repository.
 * - Services: onboarding changes device states through the lifecycle state machine and uses the
 *   platform's keys; lifecycle uses the platform's keys. No edge goes the other way.
 * - The CLI is the process entry point: `iotopia up` starts the platform through the server's
 *   composition root (startPlatform with its configuration), and `iotopia device` and
 *   `fleet simulate` run the device agent. The server never imports the CLI or the agent.
 */
const SAME_LAYER: readonly AllowedEdge[] = [
  { from: 'src/keystore', to: 'src/store', why: "the software keystore keeps private halves sealed in the store's keys table" },
  { from: 'src/onboarding', to: 'src/lifecycle', why: 'voucher changes move the device record through its state machine' },
  { from: 'src/onboarding', to: 'src/platform', why: "the owner and manufacturer roles use the server's keys" },
  { from: 'src/lifecycle', to: 'src/platform', why: "device credentials use the server's keys" },
  { from: 'src/cli', to: 'src/agent', why: 'the CLI runs the device agent' },
  ...['platform.ts', 'config.ts'].map((file) => ({
    from: 'src/cli',
    to: `src/server/platform/${file}`,
    why: "the CLI starts the platform through the server's composition root",
  })),
];

/** Imports that break a rule today and that a change under way removes (none now). */
const PENDING: readonly AllowedEdge[] = [];

const RULES: LayerRules = { layers: LAYERS, sameLayer: SAME_LAYER, pending: PENDING };

const REPO = fileURLToPath(new URL('..', import.meta.url));

describe('architecture: the source tree keeps its layers', () => {
  const sources = readSources(REPO, ['src', 'web']);
  const refs = sources.flatMap(importsOf);
  const { violations, stalePending } = checkLayers(refs, RULES);
  const messages = (kind: string) => violations.filter((v) => v.kind === kind).map((v) => v.message);

  it('reads the whole tree (a broken reader would pass everything)', () => {
    assert.ok(sources.length > 300, `only ${sources.length} files under src/`);
    const relative = refs.filter((r) => r.specifier.startsWith('.'));
    assert.ok(relative.length > 2 * sources.length, `only ${relative.length} relative imports in ${sources.length} files`);
  });

  it('places every file in a layer, and every import lands in one', () => {
    const paths = sources.map((s) => s.path);
    assert.deepEqual([...unplacedFiles(paths, RULES), ...messages('unplaced')], []);
  });

  it('has no upward import', () => {
    assert.deepEqual(messages('upward'), []);
  });

  it("has no import of another module's lib/ folder", () => {
    assert.deepEqual(messages('lib'), []);
  });

  it('imports within a layer only along the listed edges (adapters do not import each other)', () => {
    assert.deepEqual(messages('same-layer'), []);
  });

  it('keeps the HTTP framework in the HTTP adapter: only src/server imports fastify', () => {
    const http = (specifier: string) => specifier === 'fastify' || specifier.startsWith('@fastify/');
    const outside = refs.filter((r) => http(r.specifier) && !r.from.startsWith('src/server/'));
    assert.deepEqual(
      outside.map((r) => `${r.from}:${r.line}: ${r.specifier}`),
      [],
    );
    assert.ok(
      refs.some((r) => http(r.specifier) && r.from.startsWith('src/server/')),
      'the reader sees the server import fastify',
    );
  });

  it('gives each protocol core module an index.ts that names its API from public files only', async () => {
    for (const module of CORE_MODULES) {
      const path = `${module}/index.ts`;
      const index = sources.find((s) => s.path === path);
      assert.ok(index !== undefined, `${path} is missing`);
      const fromLib = importsOf(index).filter((r) => r.target.split('/').includes('lib'));
      assert.deepEqual(
        fromLib.map((r) => `${r.from}:${r.line}: ${r.specifier}`),
        [],
      );
      const api = await import(new URL(`../${path}`, import.meta.url).href);
      assert.ok(Object.keys(api).length > 0, `${path} exports no value`);
    }
  });

  it('lists only pending exceptions that still exist', () => {
    assert.deepEqual(
      stalePending.map((p) => `${p.from} -> ${p.to}`),
      [],
    );
  });
});

describe('architecture: the checker', () => {
  it('reports exactly the deliberate violations of a made-up tree', () => {
    const { violations } = checkLayers(FIXTURE_FILES.flatMap(importsOf), RULES);
    assert.deepEqual(
      violations.map((v) => v.message),
      EXPECTED,
    );
  });

  it('names the files that belong to no layer', () => {
    assert.deepEqual(
      unplacedFiles(
        FIXTURE_FILES.map((f) => f.path),
        RULES,
      ),
      EXPECTED_UNPLACED,
    );
  });

  it('lets a pending exception excuse exactly its own import, and reports one that matches nothing', () => {
    const excused = { from: 'src/cli/commands/token-view.ts', to: 'src/server/api/tokens-api.ts', why: 'test' };
    const gone = { from: 'src/cli/commands/token-view.ts', to: 'src/server/api/tokens.ts', why: 'test' };
    const { violations, stalePending } = checkLayers(FIXTURE_FILES.flatMap(importsOf), { ...RULES, pending: [excused, gone] });
    assert.deepEqual(
      violations.map((v) => v.message),
      EXPECTED.filter((m) => !m.startsWith('src/cli/commands/token-view.ts:')),
    );
    assert.deepEqual(stalePending, [gone]);
  });
});
