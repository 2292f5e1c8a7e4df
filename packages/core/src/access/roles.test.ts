import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Experiment } from './experiment.ts';
import { ROLES, roleAtLeast } from './roles.ts';

describe('roles', () => {
  it('orders analysis < production-shifter < production < superuser', () => {
    assert.deepEqual(ROLES, ['analysis', 'production-shifter', 'production', 'superuser']);
    assert.equal(roleAtLeast('production', 'production-shifter'), true);
    assert.equal(roleAtLeast('production-shifter', 'production'), false);
    assert.equal(roleAtLeast('superuser', 'analysis'), true);
    for (const role of ROLES) assert.equal(roleAtLeast(role, role), true);
  });
});

describe('Experiment', () => {
  it('takes short lowercase ids only', () => {
    assert.equal(
      Experiment.safeParse({ name: 'dune', display_name: 'DUNE', active: true }).success,
      true,
    );
    for (const name of ['DUNE', 'd', 'du ne', '1dune', 'a'.repeat(33)]) {
      assert.equal(
        Experiment.safeParse({ name, display_name: 'x', active: true }).success,
        false,
        name,
      );
    }
  });
});
