// The frozen config of a submission holds the launch setup's environment as written, and an
// environment is where people put tokens and passwords. What the API and the logs show of it keeps
// every name but hides the values of secret-looking ones, at any depth.

export const HIDDEN = '(hidden)';

/** Names whose values are never shown. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** An environment with the values of secret-looking names hidden. */
export function redactEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, isSecretName(name) ? HIDDEN : value]),
  );
}

/** A copy of `value` in which every `environment` map's secret-looking values are hidden. */
export function redactEnvironments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactEnvironments);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      key === 'environment' && inner !== null && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(
            Object.entries(inner as Record<string, unknown>).map(([name, v]) => [
              name,
              isSecretName(name) && typeof v === 'string' ? HIDDEN : redactEnvironments(v),
            ]),
          )
        : redactEnvironments(inner);
  }
  return out;
}
