// A stage input read from the experiment's metadata catalog: `metacat: MQL` or `sam: DIMENSIONS`.
// The prefix keeps it apart from a dataset name or a query of the embedded catalog.
export interface ExternalSource {
  system: 'metacat' | 'sam';
  /** The MQL query (MetaCat) or dimensions / `defname: NAME` (SAM), as written. */
  query: string;
}

const PREFIX = /^\s*(metacat|sam)\s*:\s*/;

export function externalSource(text: string): ExternalSource | undefined {
  const match = PREFIX.exec(text);
  if (!match) return undefined;
  const query = text.slice(match[0].length).trim();
  return { system: match[1] as ExternalSource['system'], query };
}

/** Reads an external dataset into the embedded catalog; answers the open dataset holding it. */
export interface ExternalInputs {
  /** `maxAgeMs`: a mirror done that recently is good enough (keep-up looks every few seconds). */
  mirror(
    experiment: string,
    source: ExternalSource,
    options?: { maxAgeMs?: number },
  ): Promise<string>;
}
