// What POMS declares to MetaCat for an output, and when an earlier declaration of the same file
// counts as this one. MetaCat's declare_files takes one dict per file: namespace, name, size,
// checksums, metadata and parents given by did (the python client's documented format).
import type { MetadataValue, OutputDeclaration } from '@poms/core';

export interface MetacatDeclaredFile {
  namespace: string;
  name: string;
  size: number;
  checksums: Record<string, string>;
  metadata: Record<string, MetadataValue>;
  parents: ({ did: string } | { fid: string })[];
}

/** The namespace and bare name of an output: `ns:name` in its name wins over the default. */
export function splitName(
  name: string,
  defaultNamespace: string | undefined,
): { namespace: string; name: string } | null {
  const colon = name.indexOf(':');
  if (colon > 0) return { namespace: name.slice(0, colon), name: name.slice(colon + 1) };
  return defaultNamespace ? { namespace: defaultNamespace, name } : null;
}

/**
 * The declare body for one output. Parents are catalog names: a `namespace:name` is a did; a name
 * without a colon can only be a MetaCat file id.
 */
export function declaredFile(
  file: OutputDeclaration,
  where: { namespace: string; name: string },
): MetacatDeclaredFile {
  return {
    namespace: where.namespace,
    name: where.name,
    size: file.size,
    checksums: { ...file.checksums },
    metadata: { ...file.metadata },
    parents: file.parents.map((p) => (p.includes(':') ? { did: p } : { fid: p })),
  };
}

/** MetaCat refuses metadata names without a dot (`core.runs`, `dune.campaign`). */
export function undottedKeys(file: OutputDeclaration): string[] {
  return Object.keys(file.metadata).filter((key) => !key.includes('.'));
}
