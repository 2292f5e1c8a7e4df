// Who is calling: set on every request by the authentication hook (auth.ts), read by the routes.
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../services/access.ts';

const CALLERS = new WeakMap<FastifyRequest, Caller>();

export function setCaller(request: FastifyRequest, caller: Caller): void {
  CALLERS.set(request, caller);
}

export class AuthRequiredError extends Error {
  readonly code = 'auth.required';
  constructor() {
    super('log in (POST /api/v1/auth/login) or send an API token: Authorization: Bearer poms_…');
  }
}

/** The authenticated caller; 401 when the request carried no valid credentials. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = CALLERS.get(request);
  if (caller === undefined) throw new AuthRequiredError();
  return caller;
}
