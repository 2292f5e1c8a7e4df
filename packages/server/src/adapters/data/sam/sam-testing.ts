// A stand-in samweb server for the adapter's tests: real HTTP on 127.0.0.1, answering
// `/sam/<experiment>/api/...` from the hand-written fixtures and recording every request it gets.
import { readFileSync, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import {
  json,
  startRecordingServer,
  text,
  type RecordedRequest,
} from '../recording-server-testing.ts';

export type { RecordedRequest };

export interface FakeSam {
  url: string;
  requests: RecordedRequest[];
  /** The most metadata requests that were in flight at once. */
  maxInFlight: number;
  /** Answers the next requests instead of the catalog (an outage, a slow server). */
  interrupt: (answer: ((req: RecordedRequest, res: ServerResponse) => boolean) | null) => void;
  close: () => Promise<void>;
}

export const EXPERIMENT = 'dune';
export const DEFINITION = 'defname: np04_raw_and_reco';
const API = `/sam/${EXPERIMENT}/api`;

export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

export async function startFakeSam(): Promise<FakeSam> {
  const names = fixture('files-list.txt')
    .split('\n')
    .filter((l) => l !== '');
  const metadata = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(new URL('./__fixtures__/metadata/', import.meta.url))) {
    const md = JSON.parse(fixture(`metadata/${file}`)) as Record<string, unknown>;
    metadata.set(String(md.file_name), md);
  }
  let interruption: ((req: RecordedRequest, res: ServerResponse) => boolean) | null = null;
  let inFlight = 0;
  const fake: FakeSam = {
    url: '',
    requests: [],
    maxInFlight: 0,
    interrupt: (answer) => {
      interruption = answer;
    },
    close: () => Promise.resolve(),
  };

  const answer = (req: RecordedRequest, res: ServerResponse): void => {
    if (interruption?.(req, res)) return;
    if (!req.path.startsWith(API)) return text(res, 404, 'no such experiment');
    const path = req.path.slice(API.length);
    const params = new URLSearchParams(req.query);
    const dims = params.get('dims') ?? new URLSearchParams(req.body).get('dims') ?? '';
    if (path === '/files/list') {
      const paged = /^\((.*)\) with limit (\d+) with offset (\d+)$/s.exec(dims);
      if (!paged || !paged[1]?.startsWith(DEFINITION)) return text(res, 400, 'bad dimensions');
      const offset = Number(paged[3]);
      const rows = names.slice(offset, offset + Number(paged[2]));
      return text(res, 200, rows.map((n) => `${n}\n`).join(''));
    }
    if (path === '/files/count') {
      if (dims !== DEFINITION) return text(res, 400, 'bad dimensions');
      return text(res, 200, `${names.length}\n`);
    }
    const byName = /^\/files\/name\/([^/]+)\/metadata$/.exec(path);
    if (byName && req.method === 'GET') {
      const md = metadata.get(decodeURIComponent(byName[1] ?? ''));
      inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        if (!md) return text(res, 404, `File '${decodeURIComponent(byName[1] ?? '')}' not found`);
        json(res, 200, md);
      }, 5);
      return;
    }
    if (path === '/files' && req.method === 'POST') {
      const md = JSON.parse(req.body) as Record<string, unknown>;
      const name = String(md.file_name);
      if (metadata.has(name))
        return text(
          res,
          400,
          fixture('declare-already-exists.txt').replace(/File \S+/, `File ${name}`),
        );
      metadata.set(name, { ...md, file_id: 80000 + metadata.size });
      return text(res, 200, `${80000 + metadata.size}\n`);
    }
    text(res, 404, 'not found');
  };

  const server = await startRecordingServer(answer);
  fake.url = server.url;
  fake.requests = server.requests;
  fake.close = server.close;
  return fake;
}
