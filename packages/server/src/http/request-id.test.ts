import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IncomingMessage } from 'node:http';
import { startServer, type RunningServer } from '../main.ts';
import { requestIdOf } from './request-id.ts';

describe('request ids and the JSON request log', () => {
  const lines: Record<string, unknown>[] = [];
  let server: RunningServer;
  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      demo: false,
      execute: false,
      logger: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });
  after(() => server.close());

  it("answers with the caller's request id, and logs the request under it", async () => {
    const answer = await fetch(`${server.url}/api/v1/health`, {
      headers: { 'x-request-id': 'trace-42', authorization: 'Bearer not-a-real-token' },
    });
    assert.equal(answer.headers.get('x-request-id'), 'trace-42');
    const mine = lines.filter((l) => l.request_id === 'trace-42');
    assert.ok(mine.length >= 2, 'the request and its answer');
    assert.ok(mine.every((l) => l.service === 'poms' && typeof l.time === 'string'));
    assert.ok(!JSON.stringify(lines).includes('not-a-real-token'));
  });

  it('makes an id when the caller gives none or a bad one', async () => {
    const a = await fetch(`${server.url}/api/v1/health`, { headers: { 'x-request-id': 'a b' } });
    const id = a.headers.get('x-request-id') ?? '';
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.ok(lines.some((l) => l.request_id === id));
  });

  it('keeps a plain x-request-id and makes one otherwise', () => {
    const req = (id?: string) =>
      ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;
    assert.equal(requestIdOf(req('abc-123')), 'abc-123');
    assert.match(requestIdOf(req('bad id\n{json}')), /^[0-9a-f]{16}$/);
    assert.match(requestIdOf(req()), /^[0-9a-f]{16}$/);
    assert.notEqual(requestIdOf(req()), requestIdOf(req()));
  });
});
