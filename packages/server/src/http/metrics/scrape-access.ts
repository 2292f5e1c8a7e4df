// Who may scrape GET /metrics. The metrics describe every experiment at once (their campaign and
// stage names, their counts), and a non-member may not even learn that an experiment exists; so
// only a global superuser may read them: with an API token (Prometheus's bearer_token_file) whose
// scopes allow reading and that is not restricted to one experiment, or with a session. Acting as
// a lower role (x-poms-role) gives that up, as everywhere else.
import type { FastifyRequest } from 'fastify';
import type { UserRecord } from '../../ports/identity.ts';
import { TOKEN_SCOPES } from '../../services/access.ts';
import type { AuthService } from '../../services/auth/auth-service.ts';
import { ROLE_HEADER, SESSION_COOKIE, cookieValue } from '../auth.ts';
import { AuthRequiredError } from '../caller.ts';

export class ScrapeForbiddenError extends Error {
  readonly code = 'auth.forbidden';
}

/** Returns when the request may read the metrics; throws 401 or 403 otherwise. */
export async function checkScraper(request: FastifyRequest, auth: AuthService): Promise<void> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  let user: UserRecord;
  if (bearer !== undefined) {
    const found = await auth.authenticateToken(bearer);
    if (found === undefined) throw new AuthRequiredError();
    // Every scope covers reading (write covers launch covers read); '*' is every scope.
    const reads = found.token.scopes.some(
      (s) => s === '*' || (TOKEN_SCOPES as readonly string[]).includes(s),
    );
    if (!reads) throw new ScrapeForbiddenError('this token has no scope that allows reading');
    if (found.token.experiment !== null) {
      throw new ScrapeForbiddenError(
        `this token is restricted to experiment ${found.token.experiment}; the metrics cover every experiment`,
      );
    }
    user = found.user;
  } else {
    const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const found = secret === undefined ? undefined : await auth.authenticateSession(secret);
    if (found === undefined) throw new AuthRequiredError();
    user = found.user;
  }
  const role = request.headers[ROLE_HEADER];
  if (!user.is_root || (role !== undefined && role !== 'superuser')) {
    throw new ScrapeForbiddenError(
      `the metrics cover every experiment: only a global superuser may read them (${user.username} may not)`,
    );
  }
}
