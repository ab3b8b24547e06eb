import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  ABSENT,
  moveVoucher,
  VOUCHER_TRANSITIONS,
  type VoucherEvent,
  VoucherTransitionError,
  voucherTransition,
} from '../../src/onboarding/voucher-states.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { VoucherState } from '../../src/store/voucher-repository.ts';

const GUID = new Uint8Array(16).fill(7);
const ALL: readonly (VoucherState | typeof ABSENT)[] = [
  ABSENT,
  'created',
  'extended',
  'imported',
  'registered',
  'onboarded',
  'replaced',
  'resold',
];

/** What each event must do from each state: the table spelled out case by case, so a change to it shows here. */
const EXPECTED: Record<VoucherEvent, Partial<Record<VoucherState | typeof ABSENT, VoucherState | 'keep'>>> = {
  made: { absent: 'created' },
  extended: { created: 'extended', extended: 'extended' },
  imported: {
    absent: 'imported',
    imported: 'imported',
    registered: 'imported',
    onboarded: 'imported',
    replaced: 'imported',
    resold: 'imported',
  },
  registered: { imported: 'registered', registered: 'keep', onboarded: 'keep', replaced: 'keep' },
  onboarded: { imported: 'onboarded', registered: 'onboarded', onboarded: 'onboarded', replaced: 'onboarded' },
  replacement: {
    absent: 'onboarded',
    imported: 'onboarded',
    registered: 'onboarded',
    onboarded: 'onboarded',
    replaced: 'onboarded',
    resold: 'onboarded',
  },
  superseded: { onboarded: 'replaced' },
  retired: { onboarded: 'replaced' },
  resold: { imported: 'resold', registered: 'resold', onboarded: 'resold' },
};

describe('voucher state machine', () => {
  for (const event of Object.keys(VOUCHER_TRANSITIONS) as VoucherEvent[]) {
    test(`${event}: allowed from exactly the listed states, refused from every other`, () => {
      for (const state of ALL) {
        const want = EXPECTED[event][state];
        if (want === undefined) {
          assert.throws(
            () => voucherTransition(event, state, GUID),
            (e: unknown) => e instanceof VoucherTransitionError && e.code === 'ERR_VOUCHER_TRANSITION' && e.state === state,
            `${event} from ${state}`,
          );
        } else {
          assert.equal(voucherTransition(event, state, GUID), want === 'keep' ? undefined : want, `${event} from ${state}`);
        }
      }
    });
  }

  describe('on a store', () => {
    let store: Store;
    before(async () => {
      store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
    });
    after(() => store.close());

    test('events move the stored voucher; a refused event changes nothing and rolls its transaction back', async () => {
      const guid = new Uint8Array(randomBytes(16));
      const bytes = new Uint8Array([1, 2, 3]);
      await store.transaction((r) => moveVoucher(r, guid, 'imported', { voucher: bytes }));
      assert.equal(await store.transaction((r) => moveVoucher(r, guid, 'registered')), 'registered');
      assert.equal(await store.transaction((r) => moveVoucher(r, guid, 'registered')), 'registered');
      assert.equal(await store.transaction((r) => moveVoucher(r, guid, 'onboarded')), 'onboarded');
      assert.equal(await store.transaction((r) => moveVoucher(r, guid, 'resold')), 'resold');
      await assert.rejects(
        store.transaction(async (r) => {
          await moveVoucher(r, guid, 'onboarded');
        }),
        { code: 'ERR_VOUCHER_TRANSITION' },
      );
      const after = await store.vouchers.get('owner', guid);
      assert.equal(after?.state, 'resold');
      assert.deepEqual(after?.voucher, bytes);
    });

    test('an event that needs a stored voucher refuses a GUID without one', async () => {
      await assert.rejects(
        store.transaction((r) => moveVoucher(r, new Uint8Array(randomBytes(16)), 'registered')),
        (e: unknown) => e instanceof VoucherTransitionError && e.state === ABSENT,
      );
    });
  });
});
