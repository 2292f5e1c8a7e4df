import type { CampaignId } from '@poms/core';

/**
 * Errors the Store port throws on purpose. Each has a stable `code` (documented in the error-code
 * catalog); anything else a store throws is unexpected (driver, disk, network).
 */
export type StoreErrorCode =
  'store.not-found' | 'store.conflict' | 'store.stale-revision' | 'store.invalid-argument';

export type StoreEntity =
  | 'experiment'
  | 'campaign'
  | 'revision'
  | 'file'
  | 'dataset'
  | 'snapshot'
  | 'split'
  | 'submission'
  | 'job'
  | 'schedule'
  | 'held-launch'
  | 'user'
  | 'membership'
  | 'token'
  | 'session'
  | 'template'
  | 'metadata-field';

export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
}

export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError;
}

/** The object asked for does not exist (or the key cannot name one). */
export class NotFoundError extends StoreError {
  readonly code = 'store.not-found' as const;
  override readonly name = 'NotFoundError';
  readonly entity: StoreEntity;
  readonly key: string;

  constructor(entity: StoreEntity, key: string) {
    super(`${entity} not found: ${key}`);
    this.entity = entity;
    this.key = key;
  }
}

/** A unique name is already taken (experiment name; campaign name within its experiment). */
export class ConflictError extends StoreError {
  readonly code = 'store.conflict' as const;
  override readonly name = 'ConflictError';
  readonly entity: StoreEntity;
  readonly key: string;

  constructor(entity: StoreEntity, key: string) {
    super(`${entity} already exists: ${key}`);
    this.entity = entity;
    this.key = key;
  }
}

/**
 * Optimistic concurrency refused a save: someone saved since the caller read `expected`.
 * `current` is the revision now stored; the caller reloads, merges, and saves against it.
 */
export class StaleRevisionError extends StoreError {
  readonly code = 'store.stale-revision' as const;
  override readonly name = 'StaleRevisionError';
  readonly campaignId: CampaignId;
  readonly expected: number;
  readonly current: number;

  constructor(campaignId: CampaignId, expected: number, current: number) {
    super(
      `campaign ${campaignId} is at revision ${current}, not ${expected}: reload and save again`,
    );
    this.campaignId = campaignId;
    this.expected = expected;
    this.current = current;
  }
}

/** An input breaks a rule of the store's contract (name pattern, text encoding, page size, …). */
export class InvalidArgumentError extends StoreError {
  readonly code = 'store.invalid-argument' as const;
  override readonly name = 'InvalidArgumentError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
