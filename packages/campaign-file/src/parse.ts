// Text → campaign: YAML syntax, then the schema, then the semantic checks of core, every problem
// located in the text. Parsing never throws on any input.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import {
  CampaignSpec,
  checkCampaign,
  effectiveCampaign,
  type CampaignIssue,
  type DocPath,
  type EffectiveCampaign,
} from '@poms/core';
import { sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { duplicateKeyErrors } from './duplicate-keys.ts';
import { LineIndex } from './line-index.ts';
import { findTooDeep, MAX_CAMPAIGN_NESTING } from './nesting.ts';
import { collectSources, type CampaignSources } from './sources.ts';
import { locate, nodeRange, pairRange, PairIndex, spanInScalar, type Range } from './yaml-nodes.ts';
import { schemaIssues } from './schema-issues.ts';

export interface ParsedCampaign {
  text: string;
  /** The YAML document: edit operations and the printer work on it. */
  doc: Document.Parsed;
  /** Present when the text matches the schema (it may still have semantic errors). */
  spec: CampaignSpec | undefined;
  effective: EffectiveCampaign | undefined;
  diagnostics: Diagnostic[];
  /** No diagnostic of severity error. */
  ok: boolean;
  /** Where each stage and edge is written, even when the schema does not match. */
  sources: CampaignSources;
}

/** Inputs longer than this are refused before parsing: a campaign file is text a person edits. */
export const MAX_CAMPAIGN_CHARS = 4 * 1024 * 1024;

export function parseCampaign(text: string): ParsedCampaign {
  const lines = new LineIndex(text);
  // Refused before parsing, so a huge paste costs nothing, and over-deep nesting no stack.
  const tooLarge = text.length > MAX_CAMPAIGN_CHARS;
  const tooDeep = tooLarge ? undefined : findTooDeep(text);
  const doc = parseDocument(tooLarge || tooDeep ? '' : text, {
    version: '1.2',
    // Checked below in linear time; yaml's check is quadratic in the keys of a mapping.
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  doc.errors.push(...duplicateKeyErrors(doc));
  const diagnostics: Diagnostic[] = [];
  const at = (
    code: string,
    severity: Diagnostic['severity'],
    message: string,
    range: Range,
    path?: DocPath,
  ) => diagnostics.push(diagnosticAt(lines, code, severity, message, range, path));

  if (tooLarge) {
    at(
      'file.too-large',
      'error',
      `campaign files are limited to ${MAX_CAMPAIGN_CHARS} characters; this one has ${text.length}`,
      [0, 0],
    );
    return result(text, doc, undefined, diagnostics, emptySources());
  }
  if (tooDeep) {
    at(
      'file.too-deep',
      'error',
      `lists and mappings are nested more than ${MAX_CAMPAIGN_NESTING} levels deep here; a campaign needs a handful`,
      [tooDeep.offset, tooDeep.offset + 1],
    );
    return result(text, doc, undefined, diagnostics, emptySources());
  }
  for (const error of doc.errors) {
    at(yamlCode(error.code), 'error', yamlMessage(error.code, error.message), error.pos);
  }
  for (const warning of doc.warnings) {
    at(yamlCode(warning.code), 'warning', warning.message, warning.pos);
  }
  const sources = collectSources(doc);
  if (doc.errors.length > 0) return result(text, doc, undefined, diagnostics, sources);

  // Keys must be plain names; a list or mapping as a key (`? [a]`) has no meaning in a campaign.
  for (const key of collectionKeys(doc.contents)) {
    at(
      'schema.bad-key',
      'error',
      'keys are names, not lists or mappings',
      nodeRange(key) ?? [0, 0],
    );
  }
  if (diagnostics.some((d) => d.severity === 'error')) {
    return result(text, doc, undefined, diagnostics, sources);
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    at('yaml.invalid', 'error', error instanceof Error ? error.message : String(error), [0, 0]);
    return result(text, doc, undefined, diagnostics, sources);
  }
  if (!isMap(doc.contents)) {
    at(
      'schema.not-a-mapping',
      'error',
      'a campaign file is a mapping with at least `campaign:` and `stages:`',
      nodeRange(doc.contents) ?? [0, Math.min(text.length, 1)],
    );
    return result(text, doc, undefined, diagnostics, sources);
  }
  const parsed = CampaignSpec.safeParse(raw);
  const pairs = new PairIndex();
  if (!parsed.success) {
    for (const found of schemaIssues(parsed.error, raw)) {
      const range = rangeFor(text, doc, found, pairs);
      at(found.code, found.severity, found.message, range, found.path);
    }
    return result(text, doc, undefined, diagnostics, sources);
  }
  for (const found of checkCampaign(parsed.data)) {
    at(found.code, found.severity, found.message, rangeFor(text, doc, found, pairs), found.path);
  }
  return result(text, doc, parsed.data, diagnostics, sources);
}

function result(
  text: string,
  doc: Document.Parsed,
  spec: CampaignSpec | undefined,
  diagnostics: Diagnostic[],
  sources: CampaignSources,
): ParsedCampaign {
  sortDiagnostics(diagnostics);
  return {
    text,
    doc,
    spec,
    effective: spec ? effectiveCampaign(spec) : undefined,
    diagnostics,
    ok: !diagnostics.some((d) => d.severity === 'error'),
    sources,
  };
}

/**
 * The keys that are not scalars, in document order (keys before values), found by a plain walk:
 * the same pairs yaml's `visit` reaches, without its per-node path copies, which cost more than
 * the rest of the parse's checks on a big campaign.
 */
function collectionKeys(node: unknown, found: Node[] = []): Node[] {
  if (isPair(node)) {
    if (node.key !== null && !isScalar(node.key)) found.push(node.key as Node);
    collectionKeys(node.key, found);
    collectionKeys(node.value, found);
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) collectionKeys(item, found);
  }
  return found;
}

function emptySources(): CampaignSources {
  return { stages: [], edges: [] };
}

/** The most precise source range for an issue: the span in a string, the key, the value. */
export function rangeFor(
  text: string,
  doc: Document,
  found: CampaignIssue,
  index?: PairIndex,
): Range {
  const { node, pair, depth } = locate(doc, found.path, index);
  const reachedAll = depth === found.path.length;
  if (reachedAll && found.at_key && pair) {
    return nodeRange(pair.key as Node | null) ?? pairRange(pair) ?? [0, 0];
  }
  if (reachedAll && found.span && isScalar(node)) {
    const span = spanInScalar(text, node, found.span.offset, found.span.length);
    if (span) return span;
  }
  if (reachedAll) {
    // Collections are reported at their first line, not across their whole body.
    if ((isMap(node) || isSeq(node)) && pair) {
      return nodeRange(pair.key as Node | null) ?? [0, 0];
    }
    const range = nodeRange(node);
    if (range) return range;
  }
  // The path ends at something that is not written (a missing key): point at its parent's key.
  if (pair) return nodeRange(pair.key as Node | null) ?? [0, 0];
  const start = nodeRange(node)?.[0] ?? 0;
  return [start, start];
}

export function diagnosticAt(
  lines: LineIndex,
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  range: Range,
  path?: DocPath,
): Diagnostic {
  // The YAML parser points one past the end of the text at a missing closing quote: editors
  // throw on ranges outside the text, so every range is kept inside it.
  const inside = (at: number) => Math.max(0, Math.min(at, lines.text.length));
  const offset = inside(range[0]);
  const end = Math.max(offset, inside(range[1]));
  const start = lines.position(offset);
  const stop = lines.position(end);
  return {
    code,
    severity,
    message,
    line: start.line,
    column: start.column,
    end_line: stop.line,
    end_column: stop.column,
    offset,
    end_offset: end,
    ...(path && path.length > 0 ? { path } : {}),
  };
}

function yamlCode(code: string): string {
  return `yaml.${code.toLowerCase().replaceAll('_', '-')}`;
}

function yamlMessage(code: string, message: string): string {
  // The yaml package appends a source excerpt to some messages; our diagnostic already points there.
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY')
    return 'this key is written twice in the same mapping (names must be unique)';
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
