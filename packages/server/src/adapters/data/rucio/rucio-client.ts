// The ReplicaManager port over Rucio's REST API (DESIGN.md §4): registers replicas, makes datasets
// and attaches files to them, makes replication rules and reads their state, and lists where
// copies are. Operations the port calls idempotent treat Rucio's "already exists" answers as done.
// Large lists are sent in batches so no single request asks the server for unbounded work.
import type {
  Did,
  MetadataValue,
  ReplicaManager,
  ReplicaRegistration,
  RuleRequest,
  RuleStatus,
} from '@poms/core';
import type { z } from 'zod';
import { CreatedRuleIds, DidRuleLine, ReplicaLine, RuleAnswer } from './answers.ts';
import { isAlreadyThere, RucioError } from './errors.ts';
import { parseJsonStream } from './json-stream.ts';
import type { RucioClientOptions } from './options.ts';
import { didPath, didText, rulePath } from './paths.ts';
import { RucioHttp, type RucioAnswer, type RucioCall } from './rucio-http.ts';

/** Files per request when registering, attaching or listing. */
export const BATCH_SIZE = 500;

/** Replica states that count as a usable copy (Rucio sends names; `A` is the stored code). */
const AVAILABLE = new Set(['AVAILABLE', 'A']);

export class RucioClient implements ReplicaManager {
  private readonly http: RucioHttp;
  private readonly account: string;

  constructor(options: RucioClientOptions) {
    this.http = new RucioHttp(options);
    this.account = options.account;
  }

  async addReplicas(rse: string, files: readonly ReplicaRegistration[]): Promise<void> {
    for (const batch of batches(files)) {
      try {
        await this.registerReplicas(rse, batch);
      } catch (error) {
        // Rucio refuses the whole batch when one replica exists; register the rest one by one,
        // where "exists" means that file is done (Rucio checks size and checksum before that).
        if (!isAlreadyThere(error) || batch.length === 1) throw error;
        for (const file of batch)
          await this.registerReplicas(rse, [file]).catch(ignoreAlreadyThere);
      }
    }
  }

  private async registerReplicas(rse: string, files: readonly ReplicaRegistration[]) {
    await this.http.call({
      operation: 'addReplicas',
      subject: files.length === 1 && files[0] ? didText(files[0]) : `${files.length} files`,
      method: 'POST',
      path: '/replicas',
      accept: 'application/json',
      body: { rse, files: files.map(replicaBody) },
    });
  }

  async createDataset(
    dataset: Did,
    options: { meta?: Record<string, MetadataValue>; lifetime?: number } = {},
  ): Promise<void> {
    await this.http
      .call({
        operation: 'createDataset',
        subject: didText(dataset),
        method: 'POST',
        path: didPath(dataset),
        accept: 'application/json',
        body: {
          type: 'DATASET',
          ...(options.meta === undefined ? {} : { meta: options.meta }),
          ...(options.lifetime === undefined ? {} : { lifetime: options.lifetime }),
        },
      })
      .catch(ignoreAlreadyThere);
  }

  async attach(dataset: Did, files: readonly Did[]): Promise<void> {
    for (const batch of batches(files)) {
      const dids = batch.map(didBody);
      try {
        await this.http.call({
          operation: 'attach',
          subject: didText(dataset),
          method: 'POST',
          path: didPath(dataset, 'dids'),
          accept: 'application/json',
          body: { dids },
        });
      } catch (error) {
        if (!isAlreadyThere(error)) throw error;
        if (batch.length === 1) continue;
        // One file already attached refuses the whole batch; the bulk call can skip such files.
        await this.http.call({
          operation: 'attach',
          subject: didText(dataset),
          method: 'POST',
          path: '/dids/attachments',
          accept: 'application/json',
          body: { attachments: [{ ...didBody(dataset), dids }], ignore_duplicate: true },
        });
      }
    }
  }

  async addRule(rule: RuleRequest): Promise<string> {
    const { did } = rule;
    const call: RucioCall = {
      operation: 'addRule',
      subject: didText(did),
      method: 'POST',
      path: '/rules/',
      accept: 'application/json',
      body: {
        dids: [didBody(did)],
        account: this.account,
        copies: rule.copies,
        rse_expression: rule.rse_expression,
        ...(rule.grouping === undefined ? {} : { grouping: rule.grouping }),
        ...(rule.lifetime === undefined ? {} : { lifetime: rule.lifetime }),
        ...(rule.comment === undefined ? {} : { comment: rule.comment }),
        ...(rule.activity === undefined ? {} : { activity: rule.activity }),
      },
    };
    try {
      const ids = parseAnswer(call, await this.http.call(call), CreatedRuleIds);
      return ids[0] ?? '';
    } catch (error) {
      if (!(error instanceof RucioError) || error.exceptionClass !== 'DuplicateRule') throw error;
      const existing = await this.sameRule(did, rule);
      if (existing === undefined) throw error;
      return existing.id;
    }
  }

  /** The rule Rucio calls a duplicate: same DID, account, RSE expression and copies. */
  private async sameRule(did: Did, rule: RuleRequest): Promise<DidRuleLine | undefined> {
    const call: RucioCall = {
      operation: 'addRule (finding the existing rule)',
      subject: didText(did),
      method: 'GET',
      path: didPath(did, 'rules'),
      accept: 'application/x-json-stream',
    };
    const rules = parseLines(call, await this.http.call(call), DidRuleLine);
    return rules.find(
      (r) =>
        r.account === this.account &&
        r.rse_expression === rule.rse_expression &&
        r.copies === rule.copies,
    );
  }

  async ruleStatus(id: string): Promise<RuleStatus> {
    const call: RucioCall = {
      operation: 'ruleStatus',
      subject: `rule ${id}`,
      method: 'GET',
      path: rulePath(id),
      accept: 'application/json',
    };
    const rule = parseAnswer(call, await this.http.call(call), RuleAnswer);
    return {
      id: rule.id,
      state: rule.state,
      locks_ok: rule.locks_ok_cnt,
      locks_replicating: rule.locks_replicating_cnt,
      locks_stuck: rule.locks_stuck_cnt,
      ...(rule.error ? { error: rule.error } : {}),
    };
  }

  async listReplicas(files: readonly Did[]): Promise<Map<string, string[]>> {
    const where = new Map<string, string[]>(files.map((file) => [didText(file), []]));
    for (const batch of batches(files)) {
      const call: RucioCall = {
        operation: 'listReplicas',
        subject: batch.length === 1 && batch[0] ? didText(batch[0]) : `${batch.length} files`,
        method: 'POST',
        path: '/replicas/list',
        accept: 'application/x-json-stream',
        // all_states: each RSE's replica state is given, so only AVAILABLE ones are kept here,
        // whatever the server's defaults.
        body: { dids: batch.map(didBody), all_states: true },
      };
      for (const line of parseLines(call, await this.http.call(call), ReplicaLine)) {
        where.set(didText(line), availableRses(line));
      }
    }
    return where;
  }
}

function availableRses(line: ReplicaLine): string[] {
  const rses =
    line.states === undefined
      ? Object.keys(line.rses)
      : Object.entries(line.states)
          .filter(([, state]) => AVAILABLE.has(state))
          .map(([rse]) => rse);
  return rses.sort();
}

function didBody(did: Did): { scope: string; name: string } {
  return { scope: did.scope, name: did.name };
}

function replicaBody(file: ReplicaRegistration): Record<string, unknown> {
  return {
    scope: file.scope,
    name: file.name,
    bytes: file.bytes,
    adler32: file.adler32,
    ...(file.pfn === undefined ? {} : { pfn: file.pfn }),
    ...(file.meta === undefined ? {} : { meta: file.meta }),
  };
}

function ignoreAlreadyThere(error: unknown): void {
  if (!isAlreadyThere(error)) throw error;
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    yield items.slice(start, start + BATCH_SIZE);
  }
}

function parseAnswer<T>(call: RucioCall, answer: RucioAnswer, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    throw unexpected(call, answer, 'the answer is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw unexpected(call, answer, parsed.error.message);
  return parsed.data;
}

function parseLines<T>(call: RucioCall, answer: RucioAnswer, schema: z.ZodType<T>): T[] {
  try {
    return parseJsonStream(answer.text, schema);
  } catch (error) {
    throw unexpected(call, answer, error instanceof Error ? error.message : String(error));
  }
}

/** A 2xx answer this adapter cannot read: a server version it does not know, or a proxy's page. */
function unexpected(call: RucioCall, answer: RucioAnswer, why: string): RucioError {
  return new RucioError({
    operation: call.operation,
    ...(call.subject === undefined ? {} : { subject: call.subject }),
    status: answer.status,
    retryable: false,
    detail: `unexpected answer: ${why}`,
  });
}
