// Every file name a query selects, a page at a time (the catalog never loads a query whole).
import type { Catalog, Query } from '@poms/core';

export async function allFileNames(
  catalog: Catalog,
  experiment: string,
  query: Query,
): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  do {
    const page = await catalog.queryFiles(experiment, query, { limit: 1000, after });
    names.push(...page.files.map((f) => f.name));
    after = page.next;
  } while (after !== null);
  return names;
}
