// The MetaCat adapter of the MetadataCatalog port (DESIGN.md §4): input datasets by MQL query and
// output declarations, over the MetaCat server's `/data/...` web API as the metacat python client
// uses it. Queries go as POST bodies (MQL can be long); the token goes as X-Authentication-Token.
import type { ExternalFile, FilePage, MetadataCatalog, OutputDeclaration } from '@poms/core';
import {
  CatalogRequestError,
  invalidAnswer,
  sendOk,
  type FetchLike,
  type HttpCall,
  type HttpClientOptions,
} from '../http-client.ts';
import { sameFile } from '../same-file.ts';
import { declaredFile, splitName, undottedKeys, type MetacatDeclaredFile } from './declaration.ts';
import { DEFAULT_PAGE_SIZE, offsetOf, pageQuery } from './mql-page.ts';
import { MetacatFileRecord, recordsOf, toExternalFile } from './records.ts';

export interface MetacatClientOptions {
  /** The server's base URL, the part before `/data/...` (METACAT_SERVER_URL). */
  url: string;
  /** A MetaCat token (`metacat auth token`); needed to declare. */
  token?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Files per `/data/files` request in fileMetadata and declareFiles; default 500. */
  batchSize?: number;
}

const CATALOG = 'metacat';

export class MetacatClient implements MetadataCatalog {
  readonly kind = 'metacat' as const;
  private readonly base: string;
  private readonly http: HttpClientOptions;
  private readonly batchSize: number;

  constructor(private readonly options: MetacatClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.http = { fetch: options.fetch, timeoutMs: options.timeoutMs, token: options.token };
    this.batchSize = options.batchSize ?? 500;
  }

  async listFiles(
    query: string,
    page?: { limit?: number; after?: string | null },
  ): Promise<FilePage> {
    const limit = Math.max(1, Math.floor(page?.limit ?? DEFAULT_PAGE_SIZE));
    const skip = offsetOf(page?.after);
    if (skip === null) {
      throw new CatalogRequestError(`metacat listFiles: unknown cursor '${page?.after}'`, {
        catalog: CATALOG,
        operation: 'listFiles',
        subject: query,
        status: null,
        retryable: false,
      });
    }
    const records = await this.query('listFiles', pageQuery(query, skip, limit), query, true);
    const files = records.slice(0, limit).map(toExternalFile);
    return { files, next: records.length > limit ? String(skip + limit) : null };
  }

  /**
   * MetaCat documents no count for an arbitrary query, so this runs the query without metadata
   * or provenance (file ids and names only) and counts the answer.
   */
  async countFiles(query: string): Promise<number> {
    return (await this.query('countFiles', query, query, false)).length;
  }

  async fileMetadata(dids: readonly string[]): Promise<ExternalFile[]> {
    const records = await this.lookUp('fileMetadata', dids, true);
    return records.map(toExternalFile);
  }

  async declareFiles(
    files: readonly OutputDeclaration[],
    options: { dataset?: string; namespace?: string },
  ): Promise<void> {
    if (files.length === 0) return;
    const dataset = options.dataset;
    if (!dataset || !dataset.includes(':')) {
      throw this.refusal(
        'MetaCat declares files into a dataset: give one as namespace:name',
        dataset,
      );
    }
    const wanted = files.map((file) => this.declaration(file, options.namespace));
    const existing = new Map(
      (
        await this.lookUp(
          'declareFiles',
          wanted.map((w) => w.did),
          false,
        )
      ).map((r) => [`${r.namespace}:${r.name}`, toExternalFile(r)]),
    );
    const fresh: MetacatDeclaredFile[] = [];
    for (const { did, file, body } of wanted) {
      const known = existing.get(did);
      if (!known) fresh.push(body);
      else if (!sameFile(known, file)) {
        throw this.refusal(
          `${did} is already declared with a different size or checksum (MetaCat has ${known.size ?? '?'} bytes, ${JSON.stringify(known.checksums ?? {})}; this output is ${file.size} bytes, ${JSON.stringify(file.checksums)})`,
          did,
        );
      }
    }
    for (let i = 0; i < fresh.length; i += this.batchSize) {
      const batch = fresh.slice(i, i + this.batchSize);
      await sendOk(
        this.call('declareFiles', `/data/declare_files?${params({ dataset })}`, dataset, batch),
        this.http,
      );
    }
  }

  private declaration(file: OutputDeclaration, namespace: string | undefined) {
    const where = splitName(file.name, namespace);
    if (!where) {
      throw this.refusal(
        `${file.name} has no namespace: give one in the name or the options`,
        file.name,
      );
    }
    const did = `${where.namespace}:${where.name}`;
    const undotted = undottedKeys(file);
    if (undotted.length > 0) {
      throw this.refusal(
        `${did}: MetaCat metadata names need a category (category.name): ${undotted.join(', ')}`,
        did,
      );
    }
    return { did, file, body: declaredFile(file, where) };
  }

  private async query(
    operation: string,
    mql: string,
    subject: string,
    withMeta: boolean,
  ): Promise<MetacatFileRecord[]> {
    const yesNo = withMeta ? 'yes' : 'no';
    const call = this.call(
      operation,
      `/data/query?${params({ with_meta: yesNo, with_provenance: yesNo })}`,
      subject,
      mql,
    );
    return this.records(call);
  }

  /** Files by did, in batches; MetaCat leaves unknown ones out of its answer. */
  private async lookUp(
    operation: string,
    dids: readonly string[],
    withMeta: boolean,
  ): Promise<MetacatFileRecord[]> {
    const specs = dids.flatMap((did) => {
      const where = splitName(did, undefined);
      return where ? [where] : [];
    });
    const yesNo = withMeta ? 'yes' : 'no';
    const out: MetacatFileRecord[] = [];
    for (let i = 0; i < specs.length; i += this.batchSize) {
      const batch = specs.slice(i, i + this.batchSize);
      const path = `/data/files?${params({ with_metadata: yesNo, with_provenance: yesNo })}`;
      const subject =
        batch.length === 1 ? `${batch[0]?.namespace}:${batch[0]?.name}` : `${batch.length} files`;
      out.push(...(await this.records(this.call(operation, path, subject, batch))));
    }
    return out;
  }

  private async records(call: HttpCall): Promise<MetacatFileRecord[]> {
    const answer = await sendOk(call, this.http);
    const items = recordsOf(answer.text);
    if (items === null)
      return invalidAnswer(call, 'the answer is not a JSON list of files', this.options.token);
    return items.map((item) => {
      const parsed = MetacatFileRecord.safeParse(item);
      return parsed.success
        ? parsed.data
        : invalidAnswer(
            call,
            `a file record is not in MetaCat's format: ${parsed.error.issues[0]?.message}`,
            this.options.token,
          );
    });
  }

  private call(operation: string, path: string, subject: string, body: unknown): HttpCall {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
    };
    if (this.options.token) headers['X-Authentication-Token'] = this.options.token;
    return {
      method: 'POST',
      url: `${this.base}${path}`,
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      catalog: CATALOG,
      operation,
      subject,
    };
  }

  private refusal(message: string, subject: string | undefined): CatalogRequestError {
    return new CatalogRequestError(`metacat declareFiles: ${message}`, {
      catalog: CATALOG,
      operation: 'declareFiles',
      subject,
      status: null,
      retryable: false,
    });
  }
}

function params(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}
