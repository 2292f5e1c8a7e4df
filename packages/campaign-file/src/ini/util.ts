// Small helpers shared by the importer and the exporter.

/** A copy with keys in the given order (others after, as they were) and undefined values dropped. */
export function ordered<T extends object>(value: T, order: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = [
    ...order.filter((k) => Object.hasOwn(source, k)),
    ...Object.keys(source).filter((k) => !order.includes(k)),
  ];
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out as T;
}
