// The SAM adapter of the MetadataCatalog port (DESIGN.md §4): input datasets by dimensions query
// (`defname: X` is a dataset) and output declarations, over samweb's HTTP API
// (`<url>/sam/<experiment>/api/...`) as the samweb python client uses it. SAM answers file lists
// as plain text names and metadata one file per request, so a page is one list request plus a
// bounded fan-out of metadata requests.
import type { ExternalFile, FilePage, MetadataCatalog, OutputDeclaration } from '@poms/core';
import {
  CatalogRequestError,
  failed,
  invalidAnswer,
  parseJson,
  send,
  sendOk,
  type FetchLike,
  type HttpCall,
  type HttpClientOptions,
} from '../http-client.ts';
import { mapLimited } from './concurrency.ts';
import { sameFile } from '../same-file.ts';
import { samDeclaration } from './declaration.ts';
import { DEFAULT_PAGE_SIZE, offsetOf, pageDimensions } from './dimensions-page.ts';
import { SamMetadata, toExternalFile } from './metadata.ts';

export interface SamClientOptions {
  /** The samweb server, the part before `/sam/<experiment>/api`. */
  url: string;
  experiment: string;
  /** A bearer token (a SciToken/WLCG token); needed to declare. */
  token?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Metadata requests in flight at once; default 8. */
  concurrency?: number;
}

const CATALOG = 'sam';
/** The samweb client switches from GET to a form POST above this many characters of dimensions. */
const LONGEST_GET_DIMENSIONS = 1024;
const ALREADY_DECLARED = /already (exists|declared)/i;

export class SamClient implements MetadataCatalog {
  readonly kind = 'sam' as const;
  private readonly base: string;
  private readonly http: HttpClientOptions;
  private readonly concurrency: number;

  constructor(private readonly options: SamClientOptions) {
    const root = options.url.replace(/\/+$/, '');
    this.base = `${root}/sam/${encodeURIComponent(options.experiment)}/api`;
    this.http = { fetch: options.fetch, timeoutMs: options.timeoutMs, token: options.token };
    this.concurrency = options.concurrency ?? 8;
  }

  async listFiles(
    query: string,
    page?: { limit?: number; after?: string | null },
  ): Promise<FilePage> {
    const limit = Math.max(1, Math.floor(page?.limit ?? DEFAULT_PAGE_SIZE));
    const offset = offsetOf(page?.after);
    if (offset === null) {
      throw new CatalogRequestError(`sam listFiles: unknown cursor '${page?.after}'`, {
        catalog: CATALOG,
        operation: 'listFiles',
        subject: query,
        status: null,
        retryable: false,
      });
    }
    const answer = await sendOk(
      this.dimensionsCall('listFiles', '/files/list', pageDimensions(query, offset, limit), query, {
        format: 'plain',
      }),
      this.http,
    );
    const names = answer.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const pageNames = names.slice(0, limit);
    const found = new Map((await this.fileMetadata(pageNames)).map((f) => [f.name, f]));
    // A file retired between the list and its metadata still appears, by name only, so a page
    // never silently shrinks.
    const files = pageNames.map((name) => found.get(name) ?? { did: name, name, metadata: {} });
    return { files, next: names.length > limit ? String(offset + limit) : null };
  }

  async countFiles(query: string): Promise<number> {
    const call = this.dimensionsCall('countFiles', '/files/count', query, query, {});
    const answer = await sendOk(call, this.http);
    const text = answer.text.trim();
    if (!/^\d+$/.test(text))
      return invalidAnswer(call, 'the answer is not a count', this.options.token);
    return Number(text);
  }

  async fileMetadata(dids: readonly string[]): Promise<ExternalFile[]> {
    const found = await mapLimited(dids, this.concurrency, (name) =>
      this.metadataOf('fileMetadata', name),
    );
    return found.filter((f): f is ExternalFile => f !== null);
  }

  /**
   * Declares each output with its metadata. SAM datasets are definitions over metadata, so an
   * output joins a definition by the metadata it is declared with; `dataset` adds nothing here.
   */
  async declareFiles(
    files: readonly OutputDeclaration[],
    _options: { dataset?: string; namespace?: string },
  ): Promise<void> {
    await mapLimited(files, this.concurrency, (file) => this.declareOne(file));
  }

  private async declareOne(file: OutputDeclaration): Promise<void> {
    const call = this.call('declareFiles', 'POST', '/files', file.name, {
      body: JSON.stringify(samDeclaration(file)),
      contentType: 'application/json',
    });
    const answer = await send(call, this.http);
    if (answer.status >= 200 && answer.status <= 299) return;
    const alreadyThere =
      answer.status < 500 && (answer.status === 409 || ALREADY_DECLARED.test(answer.text));
    if (!alreadyThere) throw failed(call, answer, this.options.token);
    const existing = await this.metadataOf('declareFiles', file.name);
    if (existing && sameFile(existing, file)) return;
    throw new CatalogRequestError(
      `sam declareFiles: ${file.name} is already declared with a different size or checksum (SAM has ${existing?.size ?? '?'} bytes, ${JSON.stringify(existing?.checksums ?? {})}; this output is ${file.size} bytes, ${JSON.stringify(file.checksums)})`,
      {
        catalog: CATALOG,
        operation: 'declareFiles',
        subject: file.name,
        status: answer.status,
        retryable: false,
      },
    );
  }

  /** One file's metadata; null when SAM does not know the name. */
  private async metadataOf(operation: string, name: string): Promise<ExternalFile | null> {
    const path = `/files/name/${encodeURIComponent(name)}/metadata?format=json`;
    const call = this.call(operation, 'GET', path, name);
    const answer = await send(call, this.http);
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status > 299) throw failed(call, answer, this.options.token);
    const parsed = SamMetadata.safeParse(parseJson(call, answer, this.options.token));
    if (!parsed.success) {
      return invalidAnswer(
        call,
        `the metadata is not in SAM's format: ${parsed.error.issues[0]?.message}`,
        this.options.token,
      );
    }
    return toExternalFile(parsed.data);
  }

  /** GET with `dims` in the query string, or a form POST when the dimensions are long. */
  private dimensionsCall(
    operation: string,
    path: string,
    dims: string,
    subject: string,
    extra: Record<string, string>,
  ): HttpCall {
    if (dims.length <= LONGEST_GET_DIMENSIONS) {
      return this.call(
        operation,
        'GET',
        `${path}?${new URLSearchParams({ ...extra, dims }).toString()}`,
        subject,
      );
    }
    const query = Object.keys(extra).length > 0 ? `?${new URLSearchParams(extra).toString()}` : '';
    return this.call(operation, 'POST', `${path}${query}`, subject, {
      body: new URLSearchParams({ dims }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
  }

  private call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    subject: string,
    content?: { body: string; contentType: string },
  ): HttpCall {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (content) headers['Content-Type'] = content.contentType;
    const call: HttpCall = {
      method,
      url: `${this.base}${path}`,
      headers,
      catalog: CATALOG,
      operation,
      subject,
    };
    if (content) call.body = content.body;
    return call;
  }
}
