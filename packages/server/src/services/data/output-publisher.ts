// What happens to a submission's outputs between Completed and Located when its stage asks for
// more than the embedded catalog (issue 8): they are declared to the experiment's MetaCat or SAM,
// registered in Rucio and attached to a dataset of the submission, replicated by the stage's
// rules, and must have landed at the stage's output location. Each step is idempotent in the
// external systems, and its progress is kept in the submission's publication record, so a crash
// or an outage only makes the executor run the step again later. The submission is Located once
// every step is done (and, when the stage waits for rules, once every rule is OK).
import type { FileDetails, ReplicaRegistration } from '@poms/core';
import type {
  PublicationInput,
  PublicationRecord,
  PublishedRule,
} from '../../ports/publications.ts';
import type { Store } from '../../ports/store.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import type { SubmissionConfig } from '../execution/config.ts';
import { adler32Of, outputDeclaration } from './declarations.ts';
import { ruleCompletion } from './rule-completion.ts';
import { SYSTEM_LABEL, type DataSystems, type RucioTarget } from '../../ports/data-systems.ts';

export interface OutputPublisherOptions {
  store: Store;
  systems: DataSystems;
  /** The catalog location of the storage jobs copy their outputs to. */
  location: string;
  /** Between two looks at a submission that waits (rules, output location); default 10 s. */
  checkIntervalMs?: number;
  /** First wait after a failed step, doubled after each failure up to 10 min; default the check interval. */
  retryMs?: number;
  log: (message: string) => void;
}

const MAX_RETRY_MS = 10 * 60_000;

/** Does this stage's config ask for anything between Completed and Located? */
export function needsPublication(config: SubmissionConfig, location: string): boolean {
  const { stage } = config;
  return (
    stage.publish !== undefined ||
    (stage.output_location !== undefined && stage.output_location !== location)
  );
}

/** The Rucio dataset of a submission's outputs. */
export function submissionDatasetName(submission: SubmissionRecord): string {
  return `poms.${submission.campaign}.${submission.stage}.${submission.id}`;
}

export class OutputPublisher {
  /** When each waiting submission is looked at next (ms since the epoch). */
  private readonly nextLook = new Map<string, number>();

  constructor(private readonly options: OutputPublisherOptions) {}

  /**
   * Runs the steps still to do for a Completed submission whose jobs have all ended. Answers true
   * when its outputs are where the stage wants them (or it asks for nothing).
   */
  async ready(submission: SubmissionRecord, config: SubmissionConfig): Promise<boolean> {
    if (!needsPublication(config, this.options.location)) return true;
    const { store } = this.options;
    const before = await store.publications.get(submission.id);
    if (before?.state === 'done') return true;
    const now = Date.now();
    if ((this.nextLook.get(submission.id) ?? 0) > now) return false;
    let record: PublicationInput = before ?? {
      submission_id: submission.id,
      state: 'working',
      declared: 0,
      registered: 0,
      rucio_dataset: null,
      rules: [],
      at_location: 0,
      outputs: 0,
      detail: 'starting',
      failures: 0,
    };
    try {
      record = await this.steps(submission, config, record);
      this.nextLook.set(submission.id, now + (this.options.checkIntervalMs ?? 10_000));
    } catch (error) {
      const failures = record.failures + 1;
      const wait = Math.min(
        MAX_RETRY_MS,
        (this.options.retryMs ?? this.options.checkIntervalMs ?? 10_000) * 2 ** (failures - 1),
      );
      const message = error instanceof Error ? error.message : String(error);
      record = { ...record, state: 'retrying', failures, detail: message };
      this.nextLook.set(submission.id, now + wait);
      this.options.log(`publishing the outputs of ${submission.id}: ${message}`);
    }
    await store.publications.save(record);
    if (record.state !== 'done') return false;
    this.nextLook.delete(submission.id);
    return true;
  }

  private async steps(
    submission: SubmissionRecord,
    config: SubmissionConfig,
    start: PublicationInput,
  ): Promise<PublicationInput> {
    const { store } = this.options;
    const experiment = submission.experiment;
    const systems = this.options.systems(experiment);
    const outputs = await store.submissions.outputs(submission.id);
    const files: FileDetails[] = [];
    for (const output of outputs) files.push(await store.catalog.getFile(experiment, output.file));
    let record: PublicationInput = { ...start, outputs: files.length, failures: start.failures };
    const publish = config.stage.publish;
    const waits: string[] = [];

    if (publish?.metadata === true && files.length > 0 && record.declared < files.length) {
      const catalog = systems?.metadata;
      if (catalog === undefined) {
        throw new Error(
          `publish.metadata: ${experiment} has no MetaCat or SAM configured on this server (POMS_DATA_CONFIG)`,
        );
      }
      const namespace = systems?.metadataNamespace;
      const declarations = [];
      for (const file of files) {
        const parents = [];
        for (const parent of file.parents)
          parents.push(await store.catalog.getFile(experiment, parent));
        declarations.push(outputDeclaration(file, parents, catalog.kind, namespace));
      }
      await catalog.declareFiles(declarations, {
        ...(publish.metadata_dataset === undefined ? {} : { dataset: publish.metadata_dataset }),
        ...(namespace === undefined ? {} : { namespace }),
      });
      record = { ...record, declared: files.length, failures: 0 };
      this.options.log(
        `${submission.id}: ${files.length} output(s) declared to ${SYSTEM_LABEL[catalog.kind]}`,
      );
    }

    // Nothing to register, attach or replicate: no empty datasets and rules in Rucio.
    if (publish?.rucio === true && files.length > 0) {
      const rucio = rucioOf(systems?.rucio, experiment);
      const dataset = { scope: rucio.scope, name: submissionDatasetName(submission) };
      if (record.registered < files.length || record.rucio_dataset === null) {
        await rucio.client.addReplicas(
          rucio.rse,
          files.map((f) => registration(f, rucio)),
        );
        await rucio.client.createDataset(dataset, {
          meta: { 'poms.submission': submission.id, 'poms.stage': submission.stage },
        });
        await rucio.client.attach(
          dataset,
          files.map((f) => ({ scope: rucio.scope, name: f.name })),
        );
        record = {
          ...record,
          registered: files.length,
          rucio_dataset: `${dataset.scope}:${dataset.name}`,
          failures: 0,
        };
      }
      const rules: PublishedRule[] = [...record.rules];
      for (const wanted of publish.rules.slice(rules.length)) {
        const id = await rucio.client.addRule({
          did: dataset,
          copies: wanted.copies,
          rse_expression: wanted.rse_expression,
          grouping: 'DATASET',
          comment: `POMS ${submission.campaign}/${submission.stage} submission ${submission.id}`,
          ...(wanted.lifetime_s === undefined ? {} : { lifetime: wanted.lifetime_s }),
        });
        rules.push({
          id,
          copies: wanted.copies,
          rse_expression: wanted.rse_expression,
          state: '',
          locks_ok: 0,
          locks_replicating: 0,
          locks_stuck: 0,
        });
        record = { ...record, rules: [...rules], failures: 0 };
      }
      const stuck: string[] = [];
      const waiting: string[] = [];
      for (const [i, rule] of rules.entries()) {
        if (rule.state === 'OK') continue;
        const status = await rucio.client.ruleStatus(rule.id);
        // Rucio's error is about the rule's present state: a rule that recovered drops it.
        rules[i] = {
          id: rule.id,
          copies: rule.copies,
          rse_expression: rule.rse_expression,
          state: status.state,
          locks_ok: status.locks_ok,
          locks_replicating: status.locks_replicating,
          locks_stuck: status.locks_stuck,
          ...(status.error === undefined ? {} : { error: status.error }),
        };
        const completion = ruleCompletion(status);
        if (completion === 'done') continue;
        const what = `rule ${rule.id} (${rule.copies} × ${rule.rse_expression}) is ${status.state}`;
        if (completion === 'waiting') {
          waiting.push(what);
          continue;
        }
        // Rucio gave up (transfers failed past their retries) or an administrator suspended
        // the rule: nothing changes until a person acts, so say so, and log it once.
        stuck.push(
          `${what}, a person must act${status.error === undefined ? '' : `: ${status.error}`}`,
        );
        if (rule.state !== status.state) {
          this.options.log(
            `${submission.id}: Rucio ${what}${status.error === undefined ? '' : `: ${status.error}`}`,
          );
        }
      }
      record = { ...record, rules };
      // Stuck rules first: they are what an operator has to do something about.
      if (publish.wait_for_rules) waits.push(...stuck, ...waiting);
    }

    const location = config.stage.output_location;
    if (location !== undefined && location !== this.options.location) {
      const atLocation = await this.landed(experiment, files, location, systems?.rucio);
      record = { ...record, at_location: atLocation.size };
      if (atLocation.size < files.length) {
        waits.push(
          `${files.length - atLocation.size} of ${files.length} output(s) not yet at ${location}`,
        );
      } else {
        await this.markLocated(submission.id, outputs);
      }
    } else {
      record = { ...record, at_location: files.length };
    }

    if (waits.length > 0) return { ...record, state: 'waiting', detail: waits.join('; ') };
    return { ...record, state: 'done', detail: 'outputs published', failures: 0 };
  }

  /**
   * The outputs with a replica at `location` in the embedded catalog. When the location is a
   * Rucio RSE, Rucio is asked about the others, and the copies it has are recorded as replicas.
   */
  private async landed(
    experiment: string,
    files: readonly FileDetails[],
    location: string,
    rucio: RucioTarget | undefined,
  ): Promise<Set<string>> {
    const there = new Set(
      files.filter((f) => f.replicas.some((r) => r.location === location)).map((f) => f.name),
    );
    const rse = rucio?.locations[location];
    const missing = files.filter((f) => !there.has(f.name));
    if (rucio === undefined || rse === undefined || missing.length === 0) return there;
    const copies = await rucio.client.listReplicas(
      missing.map((f) => ({ scope: rucio.scope, name: f.name })),
    );
    const found = missing.filter((f) => copies.get(`${rucio.scope}:${f.name}`)?.includes(rse));
    if (found.length > 0) {
      await this.options.store.catalog.declareFiles(
        experiment,
        found.map((f) => ({
          name: f.name,
          replicas: [{ location, path: `rucio://${rse}/${rucio.scope}:${f.name}` }],
        })),
      );
      for (const f of found) there.add(f.name);
    }
    return there;
  }

  /** Outputs held back as not located (the stage's location was elsewhere) now count. */
  private async markLocated(
    submissionId: string,
    outputs: readonly { file: string; job_index: number; located: boolean }[],
  ): Promise<void> {
    const byJob = new Map<number, { name: string; located: boolean }[]>();
    for (const o of outputs.filter((o) => !o.located)) {
      const list = byJob.get(o.job_index) ?? [];
      list.push({ name: o.file, located: true });
      byJob.set(o.job_index, list);
    }
    for (const [index, list] of byJob) {
      await this.options.store.submissions.recordOutputs(submissionId, index, list);
    }
  }

  /** The record as the API shows it. */
  get(submissionId: string): Promise<PublicationRecord | null> {
    return this.options.store.publications.get(submissionId);
  }
}

function rucioOf(rucio: RucioTarget | undefined, experiment: string): RucioTarget {
  if (rucio === undefined) {
    throw new Error(
      `publish.rucio: ${experiment} has no Rucio configured on this server (POMS_DATA_CONFIG)`,
    );
  }
  return rucio;
}

function registration(file: FileDetails, rucio: RucioTarget): ReplicaRegistration {
  const adler32 = adler32Of(file.checksum);
  if (file.size === null || adler32 === undefined) {
    throw new Error(
      `publish.rucio: output ${file.name} has no ${file.size === null ? 'size' : 'Adler-32 checksum'}, which Rucio needs to register it`,
    );
  }
  const path = file.replicas[0]?.path;
  return {
    scope: rucio.scope,
    name: file.name,
    bytes: file.size,
    adler32,
    ...(path === undefined ? {} : { pfn: rucio.pfn ? rucio.pfn(path) : `file://${path}` }),
  };
}
