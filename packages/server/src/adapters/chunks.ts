// `items` in runs of at most `size`: statements with bounded parameter lists, and batch-system
// commands with bounded argument lists.
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
