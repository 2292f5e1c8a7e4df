/**
 * Split state in the store: the cursor of each split and the slices it handed out. A slice and
 * its snapshot are written in the same transaction as the cursor moves, so a crash can neither
 * hand out a slice without moving the cursor nor move it without a record of the slice; the
 * (experiment, owner, seq) key makes two launches racing for one slice conflict, not both win.
 */
import type { Kysely, Transaction } from 'kysely';
import {
  START_CURSOR,
  type SplitCursor,
  type SplitSliceRecord,
  type SplitStateRecord,
} from '@poms/core';
import { ConflictError, InvalidArgumentError } from '../../ports/errors.ts';
import type { Database, SplitSlicesTable } from '../storage/schema.ts';

export async function readSplitState(
  db: Kysely<Database> | Transaction<Database>,
  experiment: string,
  owner: string,
): Promise<SplitStateRecord> {
  const row = await db
    .selectFrom('split_states')
    .selectAll()
    .where('experiment', '=', experiment)
    .where('owner', '=', owner)
    .executeTakeFirst();
  if (!row) return { owner, spec: '', cursor: { ...START_CURSOR }, slices: 0, updated_at: null };
  return {
    owner,
    spec: row.spec,
    cursor: JSON.parse(row.cursor) as SplitCursor,
    slices: row.slices,
    updated_at: row.updated_at,
  };
}

export async function readSplitSlices(
  db: Kysely<Database>,
  experiment: string,
  owner: string,
): Promise<SplitSliceRecord[]> {
  const rows = await db
    .selectFrom('split_slices')
    .selectAll()
    .where('experiment', '=', experiment)
    .where('owner', '=', owner)
    .orderBy('seq')
    .execute();
  return rows.map(toSliceRecord);
}

export function toSliceRecord(row: SplitSlicesTable): SplitSliceRecord {
  return {
    seq: row.seq,
    snapshot_id: row.snapshot,
    parameter: row.parameter,
    label: row.label,
    file_count: row.file_count,
    cursor: JSON.parse(row.cursor) as SplitCursor,
    created_at: row.created_at,
  };
}

/** Moves the cursor from `expected` slices to `seq`; a conflict if someone else moved it. */
export async function advanceSplit(
  trx: Transaction<Database>,
  row: { experiment: string; owner: string; spec: string; cursor: SplitCursor; now: string },
  expected: number,
  seq: number,
): Promise<void> {
  const values = {
    spec: row.spec,
    cursor: JSON.stringify(row.cursor),
    slices: seq,
    updated_at: row.now,
  };
  if (expected === 0) {
    const existing = await readSplitState(trx, row.experiment, row.owner);
    if (existing.updated_at === null) {
      await trx
        .insertInto('split_states')
        .values({ experiment: row.experiment, owner: row.owner, ...values })
        .execute();
      return;
    }
  }
  const updated = await trx
    .updateTable('split_states')
    .set(values)
    .where('experiment', '=', row.experiment)
    .where('owner', '=', row.owner)
    .where('slices', '=', expected)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw staleSplit(row.owner, expected);
}

export function staleSplit(owner: string, expected: number): ConflictError {
  const error = new ConflictError('split', owner);
  error.message = `split ${JSON.stringify(owner)} moved on since slice ${expected}: another launch took the next slice`;
  return error;
}

/** Back to just after slice `toSeq`; returns the snapshot ids of the slices removed. */
export async function rewindSlices(
  trx: Transaction<Database>,
  experiment: string,
  owner: string,
  toSeq: number,
  now: string,
): Promise<{ state: SplitStateRecord; droppedSnapshots: string[] }> {
  const state = await readSplitState(trx, experiment, owner);
  if (!Number.isInteger(toSeq) || toSeq < 0 || toSeq > state.slices) {
    throw new InvalidArgumentError('toSeq', `must be a slice number from 0 to ${state.slices}`);
  }
  const doomed = await trx
    .selectFrom('split_slices')
    .select('snapshot')
    .where('experiment', '=', experiment)
    .where('owner', '=', owner)
    .where('seq', '>', toSeq)
    .execute();
  await trx
    .deleteFrom('split_slices')
    .where('experiment', '=', experiment)
    .where('owner', '=', owner)
    .where('seq', '>', toSeq)
    .execute();
  let cursor: SplitCursor = { ...START_CURSOR };
  if (toSeq > 0) {
    const kept = await trx
      .selectFrom('split_slices')
      .select('cursor')
      .where('experiment', '=', experiment)
      .where('owner', '=', owner)
      .where('seq', '=', toSeq)
      .executeTakeFirstOrThrow();
    cursor = JSON.parse(kept.cursor) as SplitCursor;
  }
  if (state.updated_at !== null) {
    await trx
      .updateTable('split_states')
      .set({ cursor: JSON.stringify(cursor), slices: toSeq, updated_at: now })
      .where('experiment', '=', experiment)
      .where('owner', '=', owner)
      .execute();
  }
  return {
    state: { ...state, cursor, slices: toSeq, updated_at: state.updated_at === null ? null : now },
    droppedSnapshots: doomed.flatMap((d) => (d.snapshot === null ? [] : [d.snapshot])),
  };
}
