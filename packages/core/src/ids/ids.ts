// Branded ids: a campaign id cannot be passed where a stage id is expected, and every id says
// what it names on the wire by its prefix (DESIGN.md §8).

declare const brand: unique symbol;
export type Branded<T, B extends string> = T & { readonly [brand]: B };

export const ID_PREFIXES = {
  experiment: 'exp',
  campaign: 'cmp',
  revision: 'rev',
  stage: 'stg',
  submission: 'sub',
  job: 'job',
  file: 'fil',
  snapshot: 'snp',
  user: 'usr',
  held_launch: 'hld',
  schedule: 'sch',
  token: 'tok',
  session: 'ses',
  audit: 'aud',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type Id<K extends IdKind> = Branded<string, K>;
export type CampaignId = Id<'campaign'>;
export type StageId = Id<'stage'>;
export type SubmissionId = Id<'submission'>;
export type JobId = Id<'job'>;
export type FileId = Id<'file'>;
export type UserId = Id<'user'>;
export type TokenId = Id<'token'>;
export type SessionId = Id<'session'>;
export type AuditId = Id<'audit'>;

const ID_BODY = /^[0-9a-z]{10,40}$/;

/** Accepts `cmp_…` for kind `campaign`; anything else is not an id of that kind. */
export function parseId<K extends IdKind>(kind: K, text: string): Id<K> | undefined {
  const prefix = `${ID_PREFIXES[kind]}_`;
  if (!text.startsWith(prefix) || !ID_BODY.test(text.slice(prefix.length))) return undefined;
  return text as Id<K>;
}

/** Where ids come from: injected, so core stays free of randomness and tests stay repeatable. */
export interface IdSource {
  next<K extends IdKind>(kind: K): Id<K>;
}

/** The time, injected for the same reason. */
export interface Clock {
  now(): Date;
}
