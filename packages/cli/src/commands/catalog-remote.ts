// The catalog side of a POMS server: the same records over its API (/experiments/E/files,
// …/datasets, …/snapshots, …/campaigns/C/outputs). The server checks who may read or change
// what; its refusals come back as RemoteErrors with their codes.
import type {
  DatasetAddResult,
  DatasetListOptions,
  DatasetPage,
  DeclareResult,
  DeclaredFile,
  FileDetails,
  MetadataField,
  ProducedFile,
  Provenance,
  ProvenanceOptions,
  QueryPage,
  SnapshotListOptions,
  SnapshotPage,
  SnapshotRecord,
} from '@poms/core';
import { seg } from '../remote/client.ts';
import type { Remote } from '../target.ts';
import type { CatalogSide, CountedDataset, Located, OutputFilter } from './catalog-port.ts';

export class RemoteCatalog implements CatalogSide {
  constructor(private readonly remote: Remote) {}

  private call<T>(
    method: string,
    path: string,
    options: Parameters<Remote['client']['call']>[2] = {},
  ) {
    return this.remote.client.call<T>(method, `${this.remote.base}${path}`, options);
  }

  declare(files: DeclaredFile[]) {
    return this.call<DeclareResult>('POST', '/files', { body: { files } });
  }

  queryPage(text: string, limit: number, after: string | null) {
    return this.call<QueryPage>('GET', '/files', {
      query: { query: text, limit, after: after ?? undefined },
    });
  }

  async count(text: string) {
    return (await this.call<{ count: number }>('GET', '/files-count', { query: { query: text } }))
      .count;
  }

  file(name: string) {
    return this.call<FileDetails>('GET', `/files/${seg(name)}`);
  }

  locate(name: string, location: string, path: string) {
    return this.call<Located>('POST', `/files/${seg(name)}/replicas`, {
      body: { location, path },
    });
  }

  provenance(name: string, options: ProvenanceOptions) {
    return this.call<Provenance>('GET', `/files/${seg(name)}/provenance`, {
      query: { direction: options.direction, depth: options.depth, limit: options.limit },
    });
  }

  async fields() {
    return (await this.call<{ items: MetadataField[] }>('GET', '/metadata-fields')).items;
  }

  defineField({ name, ...rest }: MetadataField) {
    return this.call<MetadataField>('PUT', `/metadata-fields/${seg(name)}`, { body: rest });
  }

  async dropField(name: string) {
    await this.call('DELETE', `/metadata-fields/${seg(name)}`);
  }

  datasets(options: DatasetListOptions) {
    return this.call<DatasetPage>('GET', '/datasets', {
      query: {
        limit: options.limit,
        offset: options.offset,
        q: options.nameContains,
        kind: options.kind,
      },
    });
  }

  dataset(name: string) {
    return this.call<CountedDataset>('GET', `/datasets/${seg(name)}`);
  }

  defineDataset(name: string, query: string) {
    return this.call<CountedDataset>('POST', '/datasets', { body: { name, kind: 'query', query } });
  }

  openDataset(name: string, description: string | undefined) {
    return this.call<CountedDataset>('POST', '/datasets', {
      body: { name, kind: 'open', ...(description === undefined ? {} : { description }) },
    });
  }

  addToDataset(name: string, files: string[]) {
    return this.call<DatasetAddResult>('POST', `/datasets/${seg(name)}/files`, {
      body: { files },
    });
  }

  closeDataset(name: string) {
    return this.call<CountedDataset>('POST', `/datasets/${seg(name)}/close`);
  }

  snapshot(dataset: string) {
    return this.call<SnapshotRecord>('POST', '/snapshots', { body: { dataset } });
  }

  snapshots(options: SnapshotListOptions) {
    return this.call<SnapshotPage>('GET', '/snapshots', {
      query: { dataset: options.dataset, limit: options.limit, offset: options.offset },
    });
  }

  getSnapshot(ref: string) {
    return this.call<SnapshotRecord>('GET', `/snapshots/${seg(ref)}`);
  }

  outputs(campaign: string, filter: OutputFilter, page: { limit: number; offset: number }) {
    return this.call<{ items: ProducedFile[]; total: number }>(
      'GET',
      `/campaigns/${seg(campaign)}/outputs`,
      { query: { ...filter, ...page } },
    );
  }
}
