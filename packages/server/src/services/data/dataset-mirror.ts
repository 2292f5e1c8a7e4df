// Stage inputs read from the experiment's MetaCat or SAM: the external dataset's files are copied
// (name, size, checksum, metadata) into the embedded catalog and added to an open dataset named
// after the query, which splits, launches and keep-up then read like any other dataset. Each
// mirror adds only what is new, so a growing external dataset grows the open dataset, and the
// stage's split (its watermark) still never delivers a file twice.
import { createHash } from 'node:crypto';
import type { Catalog, DeclaredFile, ExternalFile } from '@poms/core';
import { LaunchError } from '../execution/errors.ts';
import type { ExternalInputs, ExternalSource } from './external-source.ts';
import { mirroredFile } from './mirror-files.ts';
import { SYSTEM_LABEL, type DataSystems } from '../../ports/data-systems.ts';

export interface DatasetMirrorOptions {
  catalog: Catalog;
  systems: DataSystems;
  /** Files asked for per page of the external catalog; default 1000. */
  pageSize?: number;
}

/** The open dataset an external query is mirrored into: stable, short, and names its system. */
export function mirrorDatasetName(source: ExternalSource): string {
  const digest = createHash('sha256').update(source.query).digest('hex').slice(0, 16);
  return `${source.system}.${digest}`;
}

export class DatasetMirror implements ExternalInputs {
  /** One mirror of a query at a time: a launch and keep-up asking together share it. */
  private readonly running = new Map<string, Promise<string>>();
  /** When each query was last mirrored in full (ms since the epoch). */
  private readonly mirroredAt = new Map<string, number>();

  constructor(private readonly options: DatasetMirrorOptions) {}

  mirror(
    experiment: string,
    source: ExternalSource,
    options: { maxAgeMs?: number } = {},
  ): Promise<string> {
    const key = `${experiment}\n${source.system}\n${source.query}`;
    const running = this.running.get(key);
    if (running) return running;
    const at = this.mirroredAt.get(key);
    if (options.maxAgeMs !== undefined && at !== undefined && Date.now() - at < options.maxAgeMs) {
      return Promise.resolve(mirrorDatasetName(source));
    }
    const work = this.copy(experiment, source)
      .then((name) => {
        this.mirroredAt.set(key, Date.now());
        return name;
      })
      .catch((error: unknown) => {
        if (error instanceof LaunchError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new LaunchError(
          'launch.bad-input',
          `input: reading ${SYSTEM_LABEL[source.system]} '${source.query}' into dataset ${mirrorDatasetName(source)} failed: ${message}`,
        );
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }

  private async copy(experiment: string, source: ExternalSource): Promise<string> {
    const systems = this.options.systems(experiment);
    const external = systems?.metadata;
    if (external?.kind !== source.system) {
      throw new LaunchError(
        'launch.bad-input',
        `input: '${source.system}: …' reads ${experiment}'s ${SYSTEM_LABEL[source.system]}, which this server is not configured with (POMS_DATA_CONFIG, see docs/data-management.md)`,
      );
    }
    if (source.query === '') {
      throw new LaunchError(
        'launch.bad-input',
        `input: '${source.system}:' needs a query after it`,
      );
    }
    const { catalog } = this.options;
    const name = mirrorDatasetName(source);
    await catalog.createOpenDataset(experiment, name, {
      description: `${source.system}: ${source.query}`,
    });
    let after: string | null = null;
    do {
      const page = await external.listFiles(source.query, {
        limit: this.options.pageSize ?? 1000,
        after,
      });
      await this.declareNew(experiment, page.files, source.system);
      if (page.files.length > 0) {
        await catalog.addToDataset(
          experiment,
          name,
          page.files.map((f) => f.name),
        );
      }
      after = page.next;
    } while (after !== null);
    return name;
  }

  /**
   * Declares the files the embedded catalog does not have yet. Files it has are left as they are:
   * their metadata may have changed since, but what was delivered stays what it was.
   */
  private async declareNew(
    experiment: string,
    files: readonly ExternalFile[],
    system: ExternalSource['system'],
  ): Promise<void> {
    if (files.length === 0) return;
    const known = new Set<string>();
    let after: string | null = null;
    do {
      const page = await this.options.catalog.queryFiles(
        experiment,
        {
          type: 'in',
          field: 'file_name',
          values: files.map((f) => ({ kind: 'string' as const, value: f.name })),
        },
        { limit: 1000, after },
      );
      for (const f of page.files) known.add(f.name);
      after = page.next;
    } while (after !== null);
    const fresh: DeclaredFile[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      if (known.has(file.name) || seen.has(file.name)) continue;
      seen.add(file.name);
      fresh.push(mirroredFile(file, system, this.options.systems(experiment)?.inputFiles));
    }
    if (fresh.length > 0) await this.options.catalog.declareFiles(experiment, fresh);
  }
}
