import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IotopiaError } from '../../src/errors.ts';
import { describeFailure } from '../../src/onboarding/to0-status.ts';

test('a registration failure shows IoTopia errors as they are and hides anything else behind an internal code', () => {
  assert.deepEqual(describeFailure(new IotopiaError('ERR_OWNER_TO0_UNREACHABLE', 'the rendezvous did not answer')), {
    code: 'ERR_OWNER_TO0_UNREACHABLE',
    message: 'the rendezvous did not answer',
  });
  for (const e of [new TypeError("Cannot read properties of undefined (reading 'x')"), 'a string', { code: 'ERR_FAKE', message: 'x' }]) {
    const d = describeFailure(e);
    assert.equal(d.code, 'ERR_OWNER_TO0_INTERNAL');
    assert.doesNotMatch(d.message, /Cannot read|a string|ERR_FAKE/);
  }
});
