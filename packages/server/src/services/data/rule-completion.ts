// Whether a Rucio rule has done its work, for a stage that waits on data placement: its locks are
// all OK (done), Rucio is still working or waiting for someone (waiting), or a person must act
// (stuck: transfers failed past their retries, or an administrator suspended the rule).
import type { RuleStatus } from '@poms/core';

export type RuleCompletion = 'done' | 'waiting' | 'stuck';

export function ruleCompletion(status: RuleStatus): RuleCompletion {
  switch (status.state) {
    case 'OK':
      return 'done';
    case 'REPLICATING':
    case 'INJECT':
    case 'WAITING_APPROVAL':
      return 'waiting';
    case 'STUCK':
    case 'SUSPENDED':
      return 'stuck';
  }
}
