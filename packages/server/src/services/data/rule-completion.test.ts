import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RULE_STATES, type RuleState } from '@poms/core';
import { ruleCompletion } from './rule-completion.ts';

it('maps every Rucio rule state to done, waiting or stuck', () => {
  const expected: Record<RuleState, string> = {
    OK: 'done',
    REPLICATING: 'waiting',
    INJECT: 'waiting',
    WAITING_APPROVAL: 'waiting',
    STUCK: 'stuck',
    SUSPENDED: 'stuck',
  };
  for (const state of RULE_STATES) {
    const status = { id: 'r', state, locks_ok: 0, locks_replicating: 0, locks_stuck: 0 };
    assert.equal(ruleCompletion(status), expected[state], state);
  }
});
