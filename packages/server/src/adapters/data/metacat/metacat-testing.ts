// A stand-in MetaCat server for the adapter's tests: real HTTP on 127.0.0.1, answering the
// `/data/...` calls from the hand-written fixtures and recording every request it gets.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import {
  json,
  startRecordingServer,
  text,
  type RecordedRequest,
} from '../recording-server-testing.ts';

export type { RecordedRequest };

interface FileRecord {
  fid: string;
  namespace: string;
  name: string;
  [field: string]: unknown;
}

export interface FakeMetacat {
  url: string;
  requests: RecordedRequest[];
  /** Answers the next requests instead of the catalog (an outage, a slow server). */
  interrupt: (answer: ((req: RecordedRequest, res: ServerResponse) => boolean) | null) => void;
  /** How query results are written: a JSON list, `{"results": [...]}`, or one record per line. */
  queryFormat: 'list' | 'wrapped' | 'stream';
  /** Adds a file to the dataset, as another system declaring into it would. */
  grow: (record: { namespace: string; name: string; [field: string]: unknown }) => void;
  close: () => Promise<void>;
}

export const DATASET_QUERY = 'files from dune:run5000-all';

export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

export async function startFakeMetacat(): Promise<FakeMetacat> {
  const files = new Map<string, FileRecord>();
  for (const record of JSON.parse(fixture('dataset-files.json')) as FileRecord[]) {
    files.set(`${record.namespace}:${record.name}`, record);
  }
  const datasetFiles = [...files.values()];
  let nextFid = 2001;
  let interruption: ((req: RecordedRequest, res: ServerResponse) => boolean) | null = null;
  const fake: FakeMetacat = {
    url: '',
    requests: [],
    interrupt: (answer) => {
      interruption = answer;
    },
    queryFormat: 'list',
    grow: (record) => {
      const full = { fid: String(nextFid++), ...record };
      files.set(`${full.namespace}:${full.name}`, full);
      datasetFiles.push(full);
    },
    close: () => Promise.resolve(),
  };

  const answer = (req: RecordedRequest, res: ServerResponse): void => {
    if (interruption?.(req, res)) return;
    const params = new URLSearchParams(req.query);
    if (req.path === '/data/query') {
      const paged = /^\((.*)\) skip (\d+) limit (\d+)$/s.exec(req.body);
      const mql = paged ? paged[1] : req.body;
      if (mql !== DATASET_QUERY)
        return json(res, 400, { error: { type: 'MQLError', value: 'unknown dataset' } });
      const skip = Number(paged?.[2] ?? 0);
      const limit = paged ? Number(paged[3]) : datasetFiles.length;
      const rows = datasetFiles
        .slice(skip, skip + limit)
        .map((r) => shaped(r, params.get('with_meta') === 'yes'));
      if (fake.queryFormat === 'stream')
        return text(res, 200, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return json(res, 200, fake.queryFormat === 'wrapped' ? { results: rows } : rows);
    }
    if (req.path === '/data/files') {
      const wanted = JSON.parse(req.body) as { namespace: string; name: string }[];
      const withMeta = params.get('with_metadata') === 'yes';
      const found = wanted.flatMap((w) => {
        const record = files.get(`${w.namespace}:${w.name}`);
        return record ? [shaped(record, withMeta)] : [];
      });
      return json(res, 200, found);
    }
    if (req.path === '/data/declare_files') {
      const declared = JSON.parse(req.body) as Omit<FileRecord, 'fid'>[];
      const out = declared.map((d) => {
        const record = { ...d, fid: String(nextFid++) } as FileRecord;
        files.set(`${record.namespace}:${record.name}`, record);
        return { fid: record.fid, namespace: record.namespace, name: record.name };
      });
      return json(res, 200, out);
    }
    text(res, 404, 'not found');
  };

  const server = await startRecordingServer(answer);
  fake.url = server.url;
  fake.requests = server.requests;
  fake.close = server.close;
  return fake;
}

/** Without metadata, MetaCat leaves metadata and provenance out of a record. */
function shaped(record: FileRecord, withMeta: boolean): Record<string, unknown> {
  if (withMeta) return record;
  const { metadata: _m, parents: _p, children: _c, ...rest } = record;
  return rest;
}
