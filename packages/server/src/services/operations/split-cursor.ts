// A stage's split cursor on behalf of a caller: where it is (anyone of the experiment), and
// starting it over or rewinding it to just after an earlier slice (stage.launch on the campaign),
// as POMS let operators do. Rewinding forgets the later slices and their snapshots, so their files
// count as not delivered again and the next launches deliver them anew, each in a new submission
// (a submission's ledger never holds a file twice). It is refused while a submission of a
// forgotten slice is still at work (its recovery chain not done): recoveries and the files it
// passes downstream still read that slice's snapshot, and its files would be processed twice at
// once. The change and its audit entry commit in one transaction.
import type { SplitSliceRecord } from '@poms/core';
import type { Store } from '../../ports/store.ts';
import type { AccessService, Caller } from '../access.ts';
import { splitOwner } from '../execution/launches.ts';
import { recordChange } from './audit.ts';
import { requireStage } from './holds.ts';

export type SplitErrorCode = 'split.in-use' | 'split.bad-rewind';

export class SplitCursorError extends Error {
  override readonly name = 'SplitCursorError';
  constructor(
    readonly code: SplitErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface SplitView {
  owner: string;
  test: boolean;
  /** The split spec the cursor belongs to ('' before the first slice). */
  spec: string;
  /** Slices handed out so far: the next launch takes slice `slices + 1`. */
  slices: number;
  updated_at: string | null;
  history: {
    seq: number;
    label: string;
    parameter: string | null;
    file_count: number;
    created_at: string;
  }[];
}

export type SplitAction = { action: 'reset' } | { action: 'rewind'; to: number };

export interface SplitChange {
  owner: string;
  test: boolean;
  action: 'reset' | 'rewind';
  from: number;
  to: number;
  /** The slices forgotten, oldest first. */
  dropped: { seq: number; label: string; file_count: number }[];
}

export class SplitCursorOperations {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  async state(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    test = false,
  ): Promise<SplitView> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    requireStage(record, stage);
    const owner = splitOwner(record.id, stage, test);
    const state = await this.store.catalog.splitState(experiment, owner);
    const slices = await this.store.catalog.splitSlices(experiment, owner);
    return {
      owner,
      test,
      spec: state.spec,
      slices: state.slices,
      updated_at: state.updated_at,
      history: slices.map(sliceView),
    };
  }

  async change(
    caller: Caller,
    experiment: string,
    campaign: string,
    stage: string,
    input: SplitAction & { test?: boolean | undefined },
  ): Promise<SplitChange> {
    this.access.check(caller, 'view', { experiment });
    const record = await this.store.campaigns.get(experiment, campaign);
    this.access.check(caller, 'stage.launch', await this.access.campaignTarget(record));
    requireStage(record, stage);
    const test = input.test === true;
    const owner = splitOwner(record.id, stage, test);
    const to = input.action === 'reset' ? 0 : input.to;
    return this.store.transaction(async (tx) => {
      const before = await tx.catalog.splitState(experiment, owner);
      if (to > before.slices) {
        throw new SplitCursorError(
          'split.bad-rewind',
          `the split of ${campaign}/${stage}${test ? ' (test launches)' : ''} has handed out ${before.slices} slices: rewind to 0..${before.slices}`,
          'body.to',
        );
      }
      const slices = await tx.catalog.splitSlices(experiment, owner);
      const dropped = slices.filter((s) => s.seq > to);
      const change: SplitChange = {
        owner,
        test,
        action: input.action,
        from: before.slices,
        to,
        dropped: dropped.map((s) => ({ seq: s.seq, label: s.label, file_count: s.file_count })),
      };
      if (dropped.length === 0) return change;
      // Rewind first, then look for work still on the forgotten slices: a launch that took one
      // meanwhile either committed before (and is seen here) or must now wait for this
      // transaction and finds the cursor moved (it plans again).
      await tx.catalog.rewindSplit(experiment, owner, to);
      const busy = (await tx.submissions.unfinished()).filter(
        (s) =>
          s.campaign_id === record.id &&
          s.stage === stage &&
          s.test === test &&
          s.split_seq !== null &&
          s.split_seq > to,
      );
      if (busy.length > 0) {
        throw new SplitCursorError(
          'split.in-use',
          `slices after ${to} of ${campaign}/${stage} are still being processed by ${busy
            .map((s) => `${s.id} (slice ${s.split_seq}, ${s.status})`)
            .join(
              ', ',
            )}: wait for them to end (or kill them) before ${input.action === 'reset' ? 'resetting' : 'rewinding'} the split`,
          undefined,
          { submissions: busy.map((s) => s.id) },
        );
      }
      await recordChange(tx, caller, {
        experiment,
        action: `split.${input.action}`,
        objectType: 'stage',
        objectId: `${campaign}/${stage}`,
        summary: `${input.action === 'reset' ? 'reset' : `rewound to slice ${to}`} the split of ${campaign}/${stage}${test ? ' (test launches)' : ''}: forgot slices ${dropped.map((s) => s.seq).join(', ')}`,
        before: { slices: before.slices, spec: before.spec },
        after: { slices: to, dropped: change.dropped },
      });
      return change;
    });
  }
}

function sliceView(s: SplitSliceRecord): SplitView['history'][number] {
  return {
    seq: s.seq,
    label: s.label,
    parameter: s.parameter,
    file_count: s.file_count,
    created_at: s.created_at,
  };
}
