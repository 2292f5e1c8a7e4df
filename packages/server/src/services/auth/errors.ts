// Errors of signing in and proving who one is: user errors with stable codes (docs/errors.md).

export type AuthErrorCode = 'auth.weak-password' | 'auth.invalid-credentials' | 'auth.rate-limited';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    /** For auth.rate-limited: whole seconds until a new attempt can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** One error for every failed login, so a caller cannot probe which usernames exist. */
export function invalidCredentials(): AuthError {
  return new AuthError('auth.invalid-credentials', 'wrong username or password');
}
