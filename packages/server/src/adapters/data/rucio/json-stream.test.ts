import assert from 'node:assert/strict';
import { it } from 'node:test';
import { z } from 'zod';
import { parseJsonStream } from './json-stream.ts';

const Line = z.object({ n: z.number() });

it('reads one JSON document per line, skipping blank lines', () => {
  assert.deepEqual(parseJsonStream('{"n":1}\n\n{"n":2}\n', Line), [{ n: 1 }, { n: 2 }]);
  assert.deepEqual(parseJsonStream('', Line), []);
});

it('names the line it cannot read', () => {
  assert.throws(() => parseJsonStream('{"n":1}\n{"n":', Line), /line 2 is not JSON/);
  assert.throws(() => parseJsonStream('{"n":"x"}', Line), /line 1 is not as expected/);
});
