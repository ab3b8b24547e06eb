import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../src/codec/cbor.ts';
import { signEnvelope } from '../../src/suit/authenticate.ts';
import { buildEnvelope } from '../../src/suit/create/build.ts';
import { parseDescription } from '../../src/suit/create/description.ts';
import { decodeEnvelope, readEnvelope } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { processEnvelope } from '../../src/suit/process/process-envelope.ts';
import { createSimulatedDevice, type SimulatedDeviceOptions } from '../../src/suit/process/simulated-device.ts';
import { buildReport } from '../../src/suit/report/from-outcome.ts';
import { decodeReport, encodeReport } from '../../src/suit/report/report.ts';
import { flip } from './helpers.ts';
import { CLASS, IMAGE, imageDigest, makeEnvelope, params, sha256, testKey, VENDOR } from './process-helpers.ts';

const KEY = testKey();
const C0 = [new Uint8Array([0])];
const C1 = [new Uint8Array([1])];
const URI = 'coaps://updates.example/image.bin';

const device = (o: SimulatedDeviceOptions = {}) =>
  createSimulatedDevice({
    identity: { vendorId: VENDOR, classId: CLASS },
    components: [{ id: C0 }, { id: C1 }],
    payloads: { [URI]: IMAGE },
    ...o,
  });

/** The shared sequence of a one-image manifest: identity and image parameters, identity checks. */
const shared = (image = IMAGE): unknown[] => [
  20,
  params([
    [1, VENDOR],
    [2, CLASS],
    [3, imageDigest(image)],
    [14, image.length],
  ]),
  1,
  15,
  2,
  15,
];
const install = [20, params([[21, URI]]), 21, 2, 3, 15];

test('create → sign → verify → process: the image is fetched, installed, matched and the sequence number stored', async () => {
  const d = parseDescription(
    {
      'manifest-version': 1,
      'manifest-sequence-number': 7,
      components: [
        {
          'install-id': ['00'],
          'vendor-id': 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe',
          'class-id': '1492af14-2569-5e48-bf42-9b2d51f2ab45',
          file: 'image.bin',
          uri: URI,
          bootable: true,
        },
      ],
    },
    { readFile: () => IMAGE },
  );
  const signed = signEnvelope(buildEnvelope(d), { key: KEY.privateKey });
  const dev = device({ lastSequenceNumber: 6 });
  const r = await processEnvelope(signed, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, JSON.stringify(r.steps));
  assert.deepEqual(dev.contents(C0), IMAGE);
  assert.equal(dev.lastSequenceNumber(), 7);
  assert.deepEqual(r.sequences, ['install', 'validate', 'invoke']);
  assert.deepEqual(
    dev.events.map((e) => e.kind),
    ['fetch', 'write', 'sequence-number', 'invoke'],
  );
  assert.equal(r.outcome.sequenceNumber, 7);
  assert.equal(r.outcome.manifestDigest.algorithm, -16);
  // The same manifest again is a rollback for an update, but boots.
  const again = await processEnvelope(signed, { keys: [KEY.publicKey], device: dev });
  assert.equal(again.outcome.result.ok, false);
  assert.equal(again.error?.code, 'ERR_SUIT_ROLLBACK');
  const boot = await processEnvelope(signed, { keys: [KEY.publicKey], device: dev, mode: 'boot' });
  assert.deepEqual(boot.outcome.result, { ok: true });
  assert.deepEqual(boot.sequences, ['validate', 'invoke']);
});

test('rollback: a sequence number not greater than the stored one is refused before any command, with a record', async () => {
  for (const [stored, seqNo, refused] of [
    [5, 5, true],
    [5, 4, true],
    [5, 6, false],
    [2n ** 40n, 2 ** 40 - 1, true],
  ] as const) {
    const env = makeEnvelope({ sequenceNumber: seqNo, components: [C0], shared: shared(), sequences: { 20: install } }, KEY.privateKey);
    const dev = device({ lastSequenceNumber: stored });
    const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
    if (!refused) {
      assert.deepEqual(r.outcome.result, { ok: true });
      continue;
    }
    assert.equal(r.error?.code, 'ERR_SUIT_ROLLBACK');
    assert.deepEqual(r.outcome.records, [{ sequence: 'sequence-number', commandIndex: 0, command: 'check-sequence-number' }]);
    assert.ok(!r.outcome.result.ok && r.outcome.result.code === 'ERR_SUIT_ROLLBACK');
    assert.deepEqual(dev.events, [], 'nothing ran');
    assert.equal(dev.lastSequenceNumber(), stored);
  }
  // A boot may run the stored manifest but not an older one.
  const old = makeEnvelope({ sequenceNumber: 3, components: [C0], shared: shared(), sequences: { 7: [3, 15] } }, KEY.privateKey);
  const r = await processEnvelope(old, { keys: [KEY.publicKey], device: device({ lastSequenceNumber: 4 }), mode: 'boot' });
  assert.equal(r.error?.code, 'ERR_SUIT_ROLLBACK');
});

test('nothing runs before authentication passes', async () => {
  const env = makeEnvelope({ sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: install } }, KEY.privateKey);
  const dev = device();
  await assert.rejects(
    processEnvelope(env, { keys: [testKey().publicKey], device: dev }),
    (e: unknown) => e instanceof SuitError && e.code === 'ERR_SUIT_AUTH_FAILED',
  );
  const at = Buffer.from(env).indexOf(Buffer.from(URI));
  await assert.rejects(
    processEnvelope(flip(env, at), { keys: [KEY.publicKey], device: dev }),
    (e: unknown) => e instanceof SuitError && e.code === 'ERR_SUIT_DIGEST_MISMATCH',
  );
  assert.deepEqual(dev.events, []);
});

test('a wrong vendor or class id fails its condition with a failure record naming it', async () => {
  const env = makeEnvelope({ sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: install } }, KEY.privateKey);
  for (const [identity, command, index] of [
    [{ vendorId: new Uint8Array(16), classId: CLASS }, 'condition-vendor-identifier', 1],
    [{ vendorId: VENDOR, classId: new Uint8Array(16) }, 'condition-class-identifier', 2],
  ] as const) {
    const dev = device({ identity });
    const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
    assert.ok(!r.outcome.result.ok);
    assert.deepEqual(r.outcome.result.failedAt, { sequence: 'shared-sequence', commandIndex: index, command, componentIndex: 0 });
    assert.equal(r.outcome.result.code, 'ERR_SUIT_CONDITION_FAILED');
    const last = r.outcome.records.at(-1);
    assert.equal(last?.command, command);
    // Policy 15 reports the parameters on failure too.
    assert.deepEqual(last?.parameters?.[1], VENDOR);
    assert.deepEqual(dev.events, []);
  }
  // The device identifier condition, which the manifest may also carry.
  const withDevice = makeEnvelope(
    { sequenceNumber: 1, components: [C0], sequences: { 20: [20, params([[24, new Uint8Array(16).fill(7)]]), 24, 2] } },
    KEY.privateKey,
  );
  const bad = await processEnvelope(withDevice, { keys: [KEY.publicKey], device: device() });
  assert.equal(bad.error?.code, 'ERR_SUIT_CONDITION_FAILED');
  const good = await processEnvelope(withDevice, {
    keys: [KEY.publicKey],
    device: device({ identity: { deviceId: new Uint8Array(16).fill(7) } }),
  });
  assert.deepEqual(good.outcome.result, { ok: true });
});

test('try-each: a failed condition moves to the next alternative; an empty last alternative succeeds', async () => {
  const other = new Uint8Array([9, 9, 9]);
  const alternatives = (emptyLast: boolean) => [
    15,
    [
      encode([20, params([[5, 0]]), 5, 5, 20, params([[21, 'coaps://a/slot0.bin']])]),
      encode([20, params([[5, 1]]), 5, 5, 20, params([[21, 'coaps://a/slot1.bin']])]),
      ...(emptyLast ? [null] : []),
    ],
  ];
  const env = makeEnvelope(
    { sequenceNumber: 1, components: [C0], shared: shared(other), sequences: { 20: [...alternatives(false), 21, 2, 3, 15] } },
    KEY.privateKey,
  );
  const payloads = { 'coaps://a/slot0.bin': IMAGE, 'coaps://a/slot1.bin': other };
  const dev = device({ components: [{ id: C0, currentSlot: 1 }], payloads });
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, JSON.stringify(r.steps));
  assert.deepEqual(dev.contents(C0, 1), other);
  assert.ok(r.steps.some((s) => s.command === 'directive-try-each' && s.detail === 'alternative 1 succeeded'));
  assert.ok(r.steps.some((s) => s.command === 'condition-component-slot' && !s.ok && s.at === '.try-each[0][1]'));
  // No slot matches: the try-each fails, unless its last alternative is empty.
  const none = await processEnvelope(env, {
    keys: [KEY.publicKey],
    device: device({ components: [{ id: C0, currentSlot: 2 }], payloads }),
  });
  assert.ok(!none.outcome.result.ok);
  assert.equal(none.outcome.result.failedAt.command, 'directive-try-each');
  const lenient = makeEnvelope(
    { sequenceNumber: 1, components: [C0], sequences: { 20: [...alternatives(true), 20, params([[22, 0]])] } },
    KEY.privateKey,
  );
  const ok = await processEnvelope(lenient, { keys: [KEY.publicKey], device: device({ components: [{ id: C0, currentSlot: 2 }] }) });
  assert.deepEqual(ok.outcome.result, { ok: true });
});

test('image-match after install, image-not-match, and the image size', async () => {
  const env = makeEnvelope(
    { sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: [25, 15, ...install], 7: [3, 15] } },
    KEY.privateKey,
  );
  const dev = device();
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true });
  assert.deepEqual(
    r.outcome.records.map((x) => `${x.sequence}[${x.commandIndex}] ${x.command}`),
    [
      'shared-sequence[1] condition-vendor-identifier',
      'shared-sequence[2] condition-class-identifier',
      'install[0] condition-image-not-match',
      // the fetch (policy 2) is recorded only on failure
      'install[3] condition-image-match',
      'shared-sequence[1] condition-vendor-identifier',
      'shared-sequence[2] condition-class-identifier',
      'validate[0] condition-image-match',
    ],
  );
  // Installing again: the image is already there, image-not-match fails.
  const env2 = makeEnvelope(
    { sequenceNumber: 2, components: [C0], shared: shared(), sequences: { 20: [25, 15, ...install] } },
    KEY.privateKey,
  );
  const r2 = await processEnvelope(env2, { keys: [KEY.publicKey], device: dev });
  assert.ok(!r2.outcome.result.ok);
  assert.equal(r2.outcome.result.failedAt.command, 'condition-image-not-match');
  // Same digest but a different image-size fails the match.
  const sized = makeEnvelope(
    {
      sequenceNumber: 3,
      components: [C0],
      sequences: {
        7: [
          20,
          params([
            [3, imageDigest(IMAGE)],
            [14, IMAGE.length + 1],
          ]),
          3,
          15,
        ],
      },
    },
    KEY.privateKey,
  );
  const r3 = await processEnvelope(sized, { keys: [KEY.publicKey], device: dev, mode: 'boot' });
  assert.match(r3.outcome.result.ok ? '' : r3.outcome.result.reason, /image-size/);
});

test('payloads come through the fetcher or from the envelope (integrated); failures are typed', async () => {
  const integrated = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0],
      shared: shared(),
      sequences: { 20: [20, params([[21, '#image']]), 21, 2, 3, 15] },
      integrated: { '#image': IMAGE },
    },
    KEY.privateKey,
  );
  const dev = device({ payloads: {} });
  assert.deepEqual((await processEnvelope(integrated, { keys: [KEY.publicKey], device: dev })).outcome.result, { ok: true });
  assert.deepEqual(dev.contents(C0), IMAGE);
  const fetched = makeEnvelope(
    { sequenceNumber: 2, components: [C0], shared: shared(), sequences: { 16: [20, params([[21, URI]]), 21, 2], 20: [3, 15] } },
    KEY.privateKey,
  );
  const d2 = device();
  const r = await processEnvelope(fetched, { keys: [KEY.publicKey], device: d2 });
  assert.deepEqual(r.sequences, ['payload-fetch', 'install']);
  assert.deepEqual(d2.events[0], { kind: 'fetch', uri: URI, bytes: IMAGE.length });
  const missing = await processEnvelope(fetched, { keys: [KEY.publicKey], device: device({ payloads: {} }) });
  assert.equal(missing.error?.code, 'ERR_SUIT_FETCH_FAILED');
  const big = await processEnvelope(fetched, { keys: [KEY.publicKey], device: device(), maxPayloadBytes: 4 });
  assert.equal(big.error?.code, 'ERR_SUIT_FETCH_FAILED');
  // A fetcher that throws something untyped becomes ERR_SUIT_FETCH_FAILED.
  const throwing = { ...device(), fetch: async () => Promise.reject(new Error('connection refused')) };
  const t = await processEnvelope(fetched, { keys: [KEY.publicKey], device: throwing });
  assert.equal(t.error?.code, 'ERR_SUIT_FETCH_FAILED');
  assert.match(t.error?.message ?? '', /connection refused/);
});

test('write, copy, swap and invoke act on the components the index selects (number, list, true)', async () => {
  const env = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0, C1],
      sequences: {
        20: [
          12,
          [0, 1],
          20,
          params([[18, IMAGE]]),
          18,
          15,
          12,
          1,
          20,
          params([[18, new Uint8Array([1, 2])]]),
          18,
          0,
          12,
          0,
          20,
          params([[22, 1]]),
          31,
          0,
        ],
        7: [12, true, 20, params([[3, imageDigest(IMAGE)]]), 12, 1, 3, 15],
        8: [12, 1, 20, params([[22, 0]]), 22, 15],
        9: [12, 1, 20, params([[23, new Uint8Array([7])]]), 23, 15],
      },
    },
    KEY.privateKey,
  );
  const dev = device();
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, JSON.stringify(r.steps.filter((s) => !s.ok)));
  // After the swap component 1 holds the image again; load copied component 0 ([1, 2]) over it.
  assert.deepEqual(dev.contents(C0), new Uint8Array([1, 2]));
  assert.deepEqual(dev.contents(C1), new Uint8Array([1, 2]));
  assert.deepEqual(dev.events.at(-1), { kind: 'invoke', component: "h'01'", args: new Uint8Array([7]) });
  // The write with policy 15 on the list [0, 1] made one record per component.
  assert.deepEqual(
    r.outcome.records.filter((x) => x.command === 'directive-write').map((x) => x.componentIndex),
    [0, 1],
  );
});

test('every failure mode has a typed code and names the failing command', async () => {
  const cases: [string, unknown[], SimulatedDeviceOptions, string][] = [
    ['missing parameter', [3, 15], {}, 'ERR_SUIT_PARAMETER_MISSING'],
    ['abort', [14, 15], {}, 'ERR_SUIT_ABORT'],
    [
      'invoke refused',
      [20, params([[18, IMAGE]]), 18, 15, 23, 15],
      { components: [{ id: C0, invokeFails: true }, { id: C1 }] },
      'ERR_SUIT_DEVICE_FAILED',
    ],
    ['invoke of an empty component', [23, 15], {}, 'ERR_SUIT_DEVICE_FAILED'],
    ['copy from an empty component', [20, params([[22, 1]]), 22, 15], {}, 'ERR_SUIT_DEVICE_FAILED'],
    [
      'encrypted payload without a key',
      [
        20,
        params([
          [18, IMAGE],
          [19, encode(new Map())],
        ]),
        18,
        15,
      ],
      {},
      'ERR_SUIT_DECRYPT_UNAVAILABLE',
    ],
    ['unlink', [33, 15], {}, 'ERR_SUIT_PROCESS_UNSUPPORTED'],
    ['an unknown command', [99, 0], {}, 'ERR_SUIT_PROCESS_UNSUPPORTED'],
    ['process-dependency of a non-dependency', [11, 15], {}, 'ERR_SUIT_DEPENDENCY_FAILED'],
    ['use-before reached', [20, params([[4, 1000]]), 4, 15], { now: 1000 }, 'ERR_SUIT_CONDITION_FAILED'],
    ['battery low', [20, params([[26, 50]]), 26, 15], { battery: 49 }, 'ERR_SUIT_CONDITION_FAILED'],
    ['not authorized', [20, params([[27, -1]]), 27, 15], { authorize: false }, 'ERR_SUIT_CONDITION_FAILED'],
    [
      'version',
      [20, params([[28, encode([1, [2, 0]])]]), 28, 15],
      { components: [{ id: C0, version: [2, 0] }, { id: C1 }] },
      'ERR_SUIT_CONDITION_FAILED',
    ],
    ['version unknown', [20, params([[28, encode([3, [2]])]]), 28, 15], {}, 'ERR_SUIT_CONDITION_FAILED'],
    ['check-content', [20, params([[18, IMAGE]]), 6, 15], {}, 'ERR_SUIT_CONDITION_FAILED'],
  ];
  for (const [what, cmds, o, code] of cases) {
    const env = makeEnvelope({ sequenceNumber: 1, components: [C0, C1], sequences: { 20: cmds } }, KEY.privateKey);
    const r = await processEnvelope(env, { keys: [KEY.publicKey], device: device(o) });
    assert.equal(r.error?.code, code, `${what}: ${r.error?.message}`);
    assert.ok(!r.outcome.result.ok);
    assert.equal(r.outcome.result.code, code, what);
    assert.equal(r.outcome.result.failedAt.sequence, 'install', what);
    assert.equal(r.steps.at(-1)?.ok, false, what);
  }
  // A component the device does not have stops processing before any sequence (§6.2), with a record.
  const unknown = makeEnvelope(
    { sequenceNumber: 1, components: [C0, C1], sequences: { 20: [20, params([[18, IMAGE]]), 18, 15] } },
    KEY.privateKey,
  );
  const u = await processEnvelope(unknown, { keys: [KEY.publicKey], device: device({ components: [{ id: C0 }] }) });
  assert.equal(u.error?.code, 'ERR_SUIT_COMPONENT_UNKNOWN');
  assert.deepEqual(u.outcome.records, [{ sequence: 'common', commandIndex: 0, command: 'check-components', componentIndex: 1 }]);
  assert.deepEqual(u.sequences, []);
  // The same conditions pass on a device that meets them.
  const passing: [unknown[], SimulatedDeviceOptions][] = [
    [[20, params([[4, 1000]]), 4, 15], { now: 999 }],
    [[20, params([[26, 50]]), 26, 15], { battery: 50 }],
    [[20, params([[26, 50]]), 26, 15], {}],
    [[20, params([[27, -1]]), 27, 15], { authorize: (r) => r.priority === -1 }],
    [[20, params([[28, encode([2, [2, 0]])]]), 28, 15], { components: [{ id: C0, version: [2] }] }],
    [[20, params([[28, encode([5, [1, 0, 2]])]]), 28, 15], { components: [{ id: C0, version: [1, 0, 1] }] }],
    [[20, params([[18, IMAGE]]), 18, 0, 6, 15], {}],
  ];
  for (const [cmds, o] of passing) {
    const env = makeEnvelope({ sequenceNumber: 1, components: [C0], sequences: { 20: cmds } }, KEY.privateKey);
    const r = await processEnvelope(env, { keys: [KEY.publicKey], device: device(o) });
    assert.deepEqual(r.outcome.result, { ok: true }, `${JSON.stringify(cmds)}: ${r.error?.message}`);
  }
  // A severed install that the envelope does not carry cannot be applied.
  const severed = makeEnvelope(
    { sequenceNumber: 1, components: [C0], sequences: { 20: install }, sever: [20], dropSevered: true },
    KEY.privateKey,
  );
  const s = await processEnvelope(severed, { keys: [KEY.publicKey], device: device() });
  assert.equal(s.error?.code, 'ERR_SUIT_SEQUENCE_MISSING');
  // Carried in the envelope, it runs.
  const carried = makeEnvelope(
    { sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: install }, sever: [20] },
    KEY.privateKey,
  );
  assert.deepEqual((await processEnvelope(carried, { keys: [KEY.publicKey], device: device() })).outcome.result, { ok: true });
});

test('reporting policy: records on success, on failure, and parameters only when asked', async () => {
  const env = (policy: number) =>
    makeEnvelope({ sequenceNumber: 1, components: [C0], sequences: { 20: [20, params([[18, IMAGE]]), 18, policy] } }, KEY.privateKey);
  const records = async (policy: number) =>
    (await processEnvelope(env(policy), { keys: [KEY.publicKey], device: device() })).outcome.records;
  assert.deepEqual(await records(0), []);
  assert.deepEqual(await records(2), []);
  assert.deepEqual(await records(1), [{ sequence: 'install', commandIndex: 1, componentIndex: 0, command: 'directive-write' }]);
  const withParams = await records(5);
  assert.deepEqual(withParams[0]?.parameters, { 18: IMAGE });
  const failing = makeEnvelope({ sequenceNumber: 1, components: [C0], sequences: { 20: [14, 2] } }, KEY.privateKey);
  const f = await processEnvelope(failing, { keys: [KEY.publicKey], device: device() });
  assert.deepEqual(f.outcome.records, [{ sequence: 'install', commandIndex: 0, componentIndex: 0, command: 'condition-abort' }]);
});

test('run-sequence with soft-failure ends the sequence without failing; without it the failure stands', async () => {
  const inner = (soft: boolean) => encode([20, params([[13, soft]]), 14, 15, 20, params([[18, IMAGE]]), 18, 15]);
  for (const soft of [true, false]) {
    const env = makeEnvelope({ sequenceNumber: 1, components: [C0, C1], sequences: { 20: [12, true, 32, inner(soft)] } }, KEY.privateKey);
    const dev = device();
    const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
    // condition-abort is a condition: soft-failure absorbs it, and the write after it never runs.
    assert.equal(r.outcome.result.ok, soft, JSON.stringify(r.outcome.result));
    assert.equal(dev.contents(C0), undefined);
  }
});

test('update management: override-multiple, copy-params and wait', async () => {
  const env = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0, C1],
      sequences: {
        20: [
          34,
          new Map([
            [
              0,
              params([
                [29, encode(new Map([[2, 10]]))],
                [26, 10],
              ]),
            ],
            [1, params([[18, IMAGE]])],
          ]),
          12,
          1,
          35,
          new Map([[0, [26, 29]]]),
          12,
          true,
          29,
          15,
          26,
          15,
          12,
          1,
          18,
          15,
        ],
      },
    },
    KEY.privateKey,
  );
  const dev = device({ battery: 10 });
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  const waits = dev.events.filter((e) => e.kind === 'wait');
  assert.equal(waits.length, 2);
  // Component 1 got wait-info from component 0 by copy-params.
  for (const w of waits) assert.deepEqual(w.kind === 'wait' ? w.info : undefined, new Map([[2, 10]]));
  assert.deepEqual(dev.contents(C1), IMAGE);
});

test('an injected decrypt function turns encryption-info payloads into plaintext before write, fetch and copy', async () => {
  const info = encode(new Map([[1, 'test']]));
  const calls: Uint8Array[] = [];
  const decrypt = (encryptionInfo: Uint8Array, ciphertext: Uint8Array) => {
    calls.push(encryptionInfo);
    return ciphertext.map((b) => b ^ 0x5a);
  };
  const masked = IMAGE.map((b) => b ^ 0x5a);
  const env = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0],
      shared: shared(),
      sequences: {
        20: [
          20,
          params([
            [18, masked],
            [19, info],
          ]),
          18,
          15,
          3,
          15,
        ],
      },
    },
    KEY.privateKey,
  );
  const dev = device();
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev, decrypt });
  assert.deepEqual(r.outcome.result, { ok: true });
  assert.deepEqual(dev.contents(C0), IMAGE);
  assert.deepEqual(calls, [info]);
  assert.match(r.steps.find((s) => s.command === 'directive-write')?.detail ?? '', /decrypted/);
});

test('trust domains: a dependency manifest fetched in dependency-resolution is checked and processed', async () => {
  const dep = makeEnvelope(
    { sequenceNumber: 3, components: [C0], shared: shared(), sequences: { 20: install, 7: [3, 15] } },
    KEY.privateKey,
  );
  const { authentication } = readEnvelope(dep);
  const root = (depBytes: Uint8Array, digest: Uint8Array) =>
    makeEnvelope(
      {
        sequenceNumber: 1,
        components: [C0, [new Uint8Array(Buffer.from('dependency.suit'))]],
        dependencies: [1],
        integrated: { '#dep': depBytes },
        sequences: {
          15: [
            12,
            1,
            20,
            params([
              [21, '#dep'],
              [3, digest],
            ]),
            21,
            2,
            // image-match on a dependency measures its manifest, as dependency-integrity does.
            3,
            15,
            7,
            15,
            8,
            15,
          ],
          // With the index True, process-dependency passes over component 0, which is no dependency.
          20: [12, true, 11, 15],
          7: [12, 1, 11, 15],
        },
      },
      KEY.privateKey,
    );
  const dev = device({ autoCreateComponents: true });
  const r = await processEnvelope(root(dep, encode([-16, authentication.digest.bytes])), { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.deepEqual(dev.contents(C0), IMAGE);
  assert.ok(r.steps.some((s) => s.sequence === 'dependency[1].install' && s.command === 'directive-fetch'));
  assert.ok(
    r.steps.some((s) => s.command === 'directive-process-dependency' && s.componentIndex === 0 && s.detail === 'not a dependency: skipped'),
  );
  // A dependency digest that does not match fails the image match.
  const wrong = await processEnvelope(root(dep, encode([-16, sha256(IMAGE)])), {
    keys: [KEY.publicKey],
    device: device({ autoCreateComponents: true }),
  });
  assert.ok(!wrong.outcome.result.ok);
  assert.equal(wrong.outcome.result.failedAt.command, 'condition-image-match');
  assert.match(wrong.error?.message ?? '', /manifest digest of dependency/);
  // A dependency signed by another key does not verify with the trust anchors.
  const stranger = makeEnvelope({ sequenceNumber: 3, components: [C0], sequences: { 20: install } }, testKey().privateKey);
  const s = await processEnvelope(root(stranger, encode([-16, readEnvelope(stranger).authentication.digest.bytes])), {
    keys: [KEY.publicKey],
    device: device({ autoCreateComponents: true }),
  });
  assert.equal(s.error?.code, 'ERR_SUIT_AUTH_FAILED');
  assert.ok(!s.outcome.result.ok && s.outcome.result.failedAt.command === 'directive-process-dependency');
  // A failure inside the dependency is reported as a dependency failure.
  const failing = makeEnvelope({ sequenceNumber: 3, components: [C0], sequences: { 20: [14, 15] } }, KEY.privateKey);
  const f = await processEnvelope(root(failing, encode([-16, readEnvelope(failing).authentication.digest.bytes])), {
    keys: [KEY.publicKey],
    device: device({ autoCreateComponents: true }),
  });
  assert.equal(f.error?.code, 'ERR_SUIT_DEPENDENCY_FAILED');
  assert.match(f.error?.message ?? '', /ERR_SUIT_ABORT/);
});

test('try-each: soft failure set False in an alternative makes its condition failure final; with index true it runs per component', async () => {
  const strict = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0],
      sequences: { 20: [15, [encode([20, params([[13, false]]), 14, 15]), encode([20, params([[18, IMAGE]]), 18, 15])]] },
    },
    KEY.privateKey,
  );
  const dev = device();
  const r = await processEnvelope(strict, { keys: [KEY.publicKey], device: dev });
  assert.ok(!r.outcome.result.ok);
  assert.equal(r.outcome.result.failedAt.command, 'condition-abort');
  assert.equal(r.error?.code, 'ERR_SUIT_ABORT');
  assert.equal(dev.contents(C0), undefined, 'the second alternative never ran');
  // Index true: each component takes the alternative its own slot matches.
  const perComponent = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0, C1],
      sequences: {
        20: [
          12,
          true,
          15,
          [
            encode([20, params([[5, 0]]), 5, 5, 20, params([[18, new Uint8Array([0])]])]),
            encode([20, params([[5, 1]]), 5, 5, 20, params([[18, new Uint8Array([1])]])]),
          ],
          18,
          15,
        ],
      },
    },
    KEY.privateKey,
  );
  const two = device({
    components: [
      { id: C0, currentSlot: 1 },
      { id: C1, currentSlot: 0 },
    ],
  });
  const p = await processEnvelope(perComponent, { keys: [KEY.publicKey], device: two });
  assert.deepEqual(p.outcome.result, { ok: true }, p.error?.message);
  assert.deepEqual(two.contents(C0, 1), new Uint8Array([1]));
  assert.deepEqual(two.contents(C1, 0), new Uint8Array([0]));
});

test('parameters persist across the sequences of a run; the shared sequence runs before each', async () => {
  // install sets the URI and the content for component 0; load (a later sequence) still sees the content.
  const env = makeEnvelope(
    { sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: [20, params([[18, IMAGE]]), 18, 15], 8: [6, 15] } },
    KEY.privateKey,
  );
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: device() });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.equal(r.steps.filter((s) => s.sequence === 'shared-sequence' && s.command === 'condition-vendor-identifier').length, 2);
});

test('a payload a distributor added to the envelope under its URI is used instead of fetching', async () => {
  const env = makeEnvelope(
    { sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: install }, integrated: { [URI]: IMAGE } },
    KEY.privateKey,
  );
  const dev = device({ payloads: {} });
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(r.outcome.result, { ok: true }, r.error?.message);
  assert.equal(
    dev.events.some((e) => e.kind === 'fetch'),
    false,
  );
});

test('a run executes a bounded number of commands: nested run-sequence over every component stops with ERR_SUIT_LIMIT', async () => {
  const components = Array.from({ length: 10 }, (_, i) => [new Uint8Array([i])]);
  let inner = encode([20, params([[14, 1]])]);
  for (let level = 0; level < 5; level++) inner = encode([12, true, 32, inner]);
  const env = makeEnvelope({ sequenceNumber: 1, components, sequences: { 20: [12, true, 32, inner] } }, KEY.privateKey);
  const started = performance.now();
  const r = await processEnvelope(env, { keys: [KEY.publicKey], device: device({ autoCreateComponents: true }) });
  assert.equal(r.error?.code, 'ERR_SUIT_LIMIT');
  assert.match(r.error?.message ?? '', /more than 100000 commands/);
  assert.ok(performance.now() - started < 20_000);
  // A lower budget stops a small manifest too.
  const small = makeEnvelope({ sequenceNumber: 1, components: [C0], shared: shared(), sequences: { 20: install } }, KEY.privateKey);
  const s = await processEnvelope(small, { keys: [KEY.publicKey], device: device(), maxCommandsExecuted: 4 });
  assert.equal(s.error?.code, 'ERR_SUIT_LIMIT');
  assert.ok(!s.outcome.result.ok && s.outcome.result.failedAt.sequence === 'install');
});

test('update management: version comparison stops at the manifest integers; pre-releases sort below releases; override-multiple leaves the index at its last component', async () => {
  const check = async (type: number, value: number[], installed: number[]) => {
    const env = makeEnvelope(
      { sequenceNumber: 1, components: [C0], sequences: { 20: [20, params([[28, encode([type, value])]]), 28, 15] } },
      KEY.privateKey,
    );
    return (await processEnvelope(env, { keys: [KEY.publicKey], device: device({ components: [{ id: C0, version: installed }] }) })).outcome
      .result.ok;
  };
  assert.equal(await check(3, [1], [1, 0, 5]), true, 'Equal [1] matches 1.0.5');
  assert.equal(await check(3, [1], [2, 0]), false);
  assert.equal(await check(2, [1, 0], [1, 9]), true);
  assert.equal(await check(5, [1, 10], [1, 9, 9]), true);
  assert.equal(await check(5, [1, 10], [1, 10, 0]), false);
  assert.equal(await check(5, [2, 0, 0], [2, 0, -1, 1]), true, '2.0-rc.1 is below 2.0.0');
  assert.equal(await check(1, [1], [1, 9]), false, 'Greater [1] is false for 1.9: only the first integer compares');
  // override-multiple then write: the write acts on the last component listed (1).
  const env = makeEnvelope(
    {
      sequenceNumber: 1,
      components: [C0, C1],
      sequences: {
        20: [
          34,
          new Map([
            [0, params([[18, new Uint8Array([0])]])],
            [1, params([[18, IMAGE]])],
          ]),
          18,
          15,
        ],
      },
    },
    KEY.privateKey,
  );
  const dev = device();
  assert.deepEqual((await processEnvelope(env, { keys: [KEY.publicKey], device: dev })).outcome.result, { ok: true });
  assert.deepEqual(dev.contents(C1), IMAGE);
  assert.equal(dev.contents(C0), undefined);
});

test('report hook: the outcome of a success, a rollback, a missing component and a failed condition each build a SUIT report', async () => {
  const env = makeEnvelope(
    { sequenceNumber: 5, components: [C0], shared: shared(), sequences: { 20: install, 7: [3, 15] } },
    KEY.privateKey,
  );
  const manifest = decodeEnvelope(env).manifest;
  const runs = [
    await processEnvelope(env, { keys: [KEY.publicKey], device: device() }),
    await processEnvelope(env, { keys: [KEY.publicKey], device: device({ lastSequenceNumber: 5 }) }),
    await processEnvelope(env, { keys: [KEY.publicKey], device: device({ components: [] }) }),
    await processEnvelope(env, { keys: [KEY.publicKey], device: device({ identity: { vendorId: new Uint8Array(16), classId: CLASS } }) }),
  ];
  assert.deepEqual(
    runs.map((r) => r.error?.code ?? 'ok'),
    ['ok', 'ERR_SUIT_ROLLBACK', 'ERR_SUIT_COMPONENT_UNKNOWN', 'ERR_SUIT_CONDITION_FAILED'],
  );
  for (const r of runs) {
    const report = decodeReport(encodeReport(buildReport(r.outcome, { manifest })));
    assert.equal(report.result.ok, r.outcome.result.ok);
    assert.equal(report.records.length, r.outcome.records.length);
  }
});

test('sequence order: an update runs dependency-resolution, payload-fetch, candidate-verification, install, validate, load, invoke; a boot the last three', async () => {
  const seqs: Record<number, unknown[]> = {};
  for (const k of [9, 8, 7, 20, 18, 16, 15]) seqs[k] = [20, params([[18, new Uint8Array([k])]]), 18, 0];
  const env = makeEnvelope({ sequenceNumber: 1, components: [C0], sequences: seqs }, KEY.privateKey);
  const dev = device();
  const update = await processEnvelope(env, { keys: [KEY.publicKey], device: dev });
  assert.deepEqual(update.sequences, [
    'dependency-resolution',
    'payload-fetch',
    'candidate-verification',
    'install',
    'validate',
    'load',
    'invoke',
  ]);
  // The last write was invoke's; the sequence number was stored after validate.
  assert.deepEqual(dev.contents(C0), new Uint8Array([9]));
  assert.deepEqual(
    dev.events.map((e) => e.kind),
    ['write', 'write', 'write', 'write', 'write', 'sequence-number', 'write', 'write'],
  );
  const boot = await processEnvelope(env, { keys: [KEY.publicKey], device: device(), mode: 'boot' });
  assert.deepEqual(boot.sequences, ['validate', 'load', 'invoke']);
});
