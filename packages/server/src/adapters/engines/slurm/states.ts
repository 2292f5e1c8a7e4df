// Slurm's job states (squeue %T, scontrol JobState, sacct State) as the port's job states. Every
// state Slurm 22.05 documents is here; one it adds later reads as unknown, never as failed.
import type { JobState } from '@poms/core';

const HELD_REASONS = new Set(['JobHeldUser', 'JobHeldAdmin', 'RequeueHold']);

/** Why a job ended badly, when its state says more than its exit code. */
const FAILURE_REASONS: Record<string, string> = {
  TIMEOUT: 'Slurm: the job reached its time limit',
  OUT_OF_MEMORY: 'Slurm: the job ran out of memory',
  NODE_FAIL: 'Slurm: the node running the job failed',
  PREEMPTED: 'Slurm: the job was preempted',
  BOOT_FAIL: 'Slurm: the node failed to boot for the job',
  DEADLINE: 'Slurm: the job reached its deadline before it could run',
  SPECIAL_EXIT: 'Slurm: the job ended in SPECIAL_EXIT',
};

export interface MappedState {
  state: JobState;
  reason?: string;
}

/** True for states a job leaves no more (it will not run again unless requeued by hand). */
export function isFinalSlurmState(slurm: string): boolean {
  return slurmState(baseState(slurm), '').state in FINAL;
}
const FINAL = { completed: 1, failed: 1, cancelled: 1 } as const;

/** `CANCELLED by 0` (sacct) and `CANCELLED+` (squeue with long states) name CANCELLED. */
export function baseState(slurm: string): string {
  return (slurm.split(/[ +]/)[0] ?? '').toUpperCase();
}

/** A Slurm state and reason as the port's state; `reason` is Slurm's pending/held reason. */
export function slurmState(slurm: string, reason: string): MappedState {
  const state = baseState(slurm);
  switch (state) {
    case 'PENDING':
    case 'REQUEUED':
    case 'REQUEUE_FED':
    case 'CONFIGURING':
      return HELD_REASONS.has(reason)
        ? { state: 'held', reason: `Slurm: ${reason}` }
        : { state: 'queued' };
    case 'REQUEUE_HOLD':
      return { state: 'held', reason: 'Slurm: requeued and held' };
    case 'RUNNING':
    case 'COMPLETING':
    case 'RESIZING':
    case 'SIGNALING':
    case 'STAGE_OUT':
      return { state: 'running' };
    case 'SUSPENDED':
    case 'STOPPED':
      return { state: 'held', reason: `Slurm: ${state}` };
    case 'COMPLETED':
      return { state: 'completed' };
    case 'FAILED':
      return { state: 'failed' };
    case 'CANCELLED':
    case 'REVOKED':
      return { state: 'cancelled' };
    case 'TIMEOUT':
    case 'OUT_OF_MEMORY':
    case 'NODE_FAIL':
    case 'PREEMPTED':
    case 'BOOT_FAIL':
    case 'DEADLINE':
    case 'SPECIAL_EXIT':
      return { state: 'failed', reason: FAILURE_REASONS[state] ?? `Slurm: ${state}` };
    default:
      return { state: 'unknown', reason: `Slurm state '${slurm}' is not one this engine knows` };
  }
}
