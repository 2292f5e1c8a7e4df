// Request ids, for the log line of each request and the `x-request-id` of each answer, so a
// user's report of a failed call can be found in the server log.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Request ids: a caller's `x-request-id` when it is a plain token, else a fresh random one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  if (value !== undefined && /^[A-Za-z0-9._:-]{1,64}$/.test(value)) return value;
  return randomBytes(8).toString('hex');
}
