// The edit operations of the GUI editor (DESIGN.md §6): every graph gesture becomes one of these,
// applied to the text as a list of changes. They leave every byte they do not need to change as it
// was: comments, key order, quoting, blank lines.
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { Name, STAGE_KEY_ORDER, type DocPath, type Position, type Stage } from '@poms/core';
import { applyChanges, newlineOf, type TextChange } from '../text-edits.ts';
import { findPair, keyText, locate } from '../yaml-nodes.ts';
import {
  appendToSeq,
  fillEmptyPair,
  insertBeforeFirst,
  insertIntoBlockMap,
  isEmptyValue,
  removeBlockPair,
  removeFromSeq,
  renderInline,
  replacePairValue,
  replaceScalar,
  rewriteMapInline,
} from './yaml-splice.ts';

export type EditResult =
  { ok: true; changes: TextChange[]; text: string } | { ok: false; code: string; message: string };

type Changes = TextChange[] | { code: string; message: string };

/** Runs an operation on the parsed text and packages its changes (with the text's own newlines). */
/**
 * The document of the text the last edit produced. Gestures come in runs (drag, connect, rename)
 * and each starts from the text the previous one made, whose parse is already at hand: reuse it
 * instead of parsing again. Operations only read the document (they clone what they copy).
 */
let lastEdit: { text: string; doc: Document.Parsed } | undefined;

function parseForEdit(text: string): Document.Parsed {
  if (lastEdit?.text === text) return lastEdit.doc;
  return parseDocument(text, { version: '1.2', uniqueKeys: true });
}

function run(text: string, op: (doc: Document, text: string) => Changes): EditResult {
  const doc = parseForEdit(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      code: 'edit.invalid-yaml',
      message: 'fix the YAML errors in the text before editing it from the graph',
    };
  }
  const result = op(doc, text);
  if (!Array.isArray(result)) return { ok: false, ...result };
  const nl = newlineOf(text);
  const changes =
    nl === '\n' ? result : result.map((c) => ({ ...c, insert: c.insert.replace(/\r?\n/g, nl) }));
  const edited = applyChanges(text, changes);
  // An edit must leave valid YAML behind; if a corner case of the splicing did not, refuse it
  // rather than hand the editor a broken text.
  const editedDoc = parseDocument(edited, { version: '1.2', uniqueKeys: true });
  if (editedDoc.errors.length > 0) {
    return {
      ok: false,
      code: 'edit.failed',
      message: 'this edit could not be applied to the text as written; make it in the text instead',
    };
  }
  lastEdit = { text: edited, doc: editedDoc };
  return { ok: true, changes, text: edited };
}

function fail(code: string, message: string) {
  return { code, message };
}

function stagesMap(doc: Document): YAMLMap | undefined {
  const value = findPair(doc.contents, 'stages')?.value;
  return isMap(value) ? value : undefined;
}

function stagePair(doc: Document, name: string): Pair | undefined {
  return findPair(stagesMap(doc), name);
}

function checkNewName(doc: Document, name: string) {
  const valid = Name.safeParse(name);
  if (!valid.success) {
    return fail(
      'edit.bad-name',
      `'${name}' is not a valid stage name: ${valid.error.issues[0]?.message}`,
    );
  }
  if (stagePair(doc, name))
    return fail('edit.duplicate-stage', `a stage named '${name}' already exists`);
  return undefined;
}

/** Adds a stage after the last one (or after `after`). */
export function addStage(
  text: string,
  name: string,
  stage: Stage = {},
  options: { after?: string } = {},
): EditResult {
  return run(text, (doc) => {
    const problem = checkNewName(doc, name);
    if (problem) return problem;
    return insertStage(doc, text, name, stage, options.after);
  });
}

function insertStage(
  doc: Document,
  text: string,
  name: string,
  stage: unknown,
  after: string | undefined,
): Changes {
  const root = doc.contents;
  if (!isMap(root)) return fail('edit.not-a-campaign', 'the text is not a campaign mapping');
  const stagesPair = findPair(root, 'stages');
  const stages = stagesPair?.value;
  const value = stage ?? {};
  if (!stagesPair) {
    return [insertIntoBlockMap(text, root, 'stages', { [name]: value }, stagesAnchor(root))];
  }
  if (isEmptyValue(stages)) return [fillEmptyPair(text, stagesPair, 'stages', { [name]: value })];
  if (!isMap(stages)) return fail('edit.not-a-campaign', '`stages` is not a mapping');
  if (stages.flow || stages.items.length === 0)
    return [rewriteMapInline(stages, { [name]: value })];
  const afterPair = after === undefined ? undefined : findPair(stages, after);
  if (after !== undefined && !afterPair)
    return fail('edit.unknown-stage', `no stage named '${after}'`);
  return [insertIntoBlockMap(text, stages, name, value, afterPair)];
}

/** `stages:` goes before `layout:` when the file has no stages yet. */
function stagesAnchor(root: YAMLMap): Pair | undefined {
  const layoutIndex = root.items.findIndex((p) => keyText(p) === 'layout');
  return layoutIndex > 0 ? root.items[layoutIndex - 1] : undefined;
}

/** Adds a copy of a stage under a new name, right after it; its self-edge stays a self-edge. */
export function cloneStage(text: string, source: string, name: string): EditResult {
  return run(text, (doc) => {
    const pair = stagePair(doc, source);
    if (!pair) return fail('edit.unknown-stage', `no stage named '${source}'`);
    const problem = checkNewName(doc, name);
    if (problem) return problem;
    const copy = (pair.value as Node | null)?.clone() ?? null;
    if (copy && isMap(copy)) {
      const needs = findPair(copy, 'needs')?.value;
      if (isSeq(needs)) {
        for (const item of needs.items) {
          const ref = needRef(item);
          if (ref && ref.value === source) ref.value = name;
        }
      }
    }
    return insertStage(doc, text, name, copy, source);
  });
}

/** The scalar naming the upstream stage in a `needs` item (`- gen` or `- stage: gen`). */
function needRef(item: unknown): Scalar | undefined {
  if (isScalar(item)) return item;
  const stage = findPair(item, 'stage')?.value;
  return isScalar(stage) ? stage : undefined;
}

/** Removes a stage, every edge to it, and its pinned position. */
export function removeStage(text: string, name: string): EditResult {
  return run(text, (doc) => {
    const stages = stagesMap(doc);
    const pair = findPair(stages, name);
    if (!stages || !pair) return fail('edit.unknown-stage', `no stage named '${name}'`);
    const changes: TextChange[] = [];
    if (stages.items.length === 1) {
      const stagesPair = findPair(doc.contents, 'stages');
      if (stagesPair) changes.push(replacePairValue(text, stagesPair, {}, 'stages'));
    } else if (stages.flow) {
      changes.push(rewriteWithout(stages, name));
    } else {
      changes.push(removeBlockPair(text, pair));
    }
    for (const other of stages.items) {
      if (other === pair) continue;
      changes.push(...removeNeeds(text, other, name));
    }
    const layout = findPair(doc.contents, 'layout');
    if (layout && isMap(layout.value)) {
      const entry = findPair(layout.value, name);
      if (entry) changes.push(...removeEntry(text, layout, entry));
    }
    return changes;
  });
}

/** A flow mapping without one of its keys, still written as one flow mapping (`{…}`). */
function rewriteWithout(map: YAMLMap, key: string): TextChange {
  const json = { ...(map.toJSON() as Record<string, unknown>) };
  delete json[key];
  const change = rewriteMapInline(map, {});
  return { ...change, insert: renderInline(json) };
}

/**
 * Removes the entry `pair` from the block mapping that is the value of `holder`. A mapping left
 * with no entry becomes `{}`, not an empty (null) value, which a stage or section may not be.
 */
function removeFromBlockMap(text: string, holder: Pair | undefined, map: YAMLMap, pair: Pair) {
  if (holder && map.items.length === 1) {
    return replacePairValue(text, holder, {}, keyText(holder) ?? '');
  }
  return removeBlockPair(text, pair);
}

/** Removes an entry; when it was the mapping's last, removes the mapping's own entry too. */
function removeEntry(text: string, parent: Pair, entry: Pair): TextChange[] {
  const map = parent.value as YAMLMap;
  if (map.items.length === 1) return [removeBlockPair(text, parent)];
  if (map.flow) return [rewriteWithout(map, keyText(entry) ?? '')];
  return [removeBlockPair(text, entry)];
}

/** Changes that drop every `needs` item of a stage naming `upstream`. */
function removeNeeds(text: string, stage: Pair, upstream: string): TextChange[] {
  const needsPair = findPair(stage.value, 'needs');
  const needs = needsPair?.value;
  if (!needsPair || !isSeq(needs)) return [];
  const doomed = needs.items
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => needRef(item)?.value === upstream);
  if (doomed.length === 0) return [];
  if (doomed.length === needs.items.length) {
    const stageMap = stage.value as YAMLMap;
    if (stageMap.flow) return [rewriteWithout(stageMap, 'needs')];
    return [removeFromBlockMap(text, stage, stageMap, needsPair)];
  }
  if (needs.flow) {
    const keep = needs.items.filter((_, i) => !doomed.some((d) => d.index === i));
    return [
      replacePairValue(
        text,
        needsPair,
        keep.map((n) => (n as Node).toJSON() as unknown),
        'needs',
      ),
    ];
  }
  return doomed.map(({ index }) => removeFromSeq(text, needs, index));
}

/** Renames a stage and rewrites every reference to it: `needs` items and its layout entry. */
export function renameStage(text: string, from: string, to: string): EditResult {
  return run(text, (doc) => {
    const stages = stagesMap(doc);
    const pair = findPair(stages, from);
    if (!stages || !pair) return fail('edit.unknown-stage', `no stage named '${from}'`);
    if (from === to) return [];
    const problem = checkNewName(doc, to);
    if (problem) return problem;
    const changes: TextChange[] = [];
    if (isScalar(pair.key)) changes.push(replaceScalar(pair.key, to));
    for (const stage of stages.items) {
      const needs = findPair(stage.value, 'needs')?.value;
      if (!isSeq(needs)) continue;
      for (const item of needs.items) {
        const ref = needRef(item);
        if (ref?.value === from) changes.push(replaceScalar(ref, to));
      }
    }
    const layoutEntry = findPair(findPair(doc.contents, 'layout')?.value, from);
    if (layoutEntry && isScalar(layoutEntry.key)) changes.push(replaceScalar(layoutEntry.key, to));
    return changes;
  });
}

/** Adds the edge upstream → downstream (an item in the downstream's `needs`). */
export function connect(
  text: string,
  upstream: string,
  downstream: string,
  patterns?: readonly string[],
): EditResult {
  return run(text, (doc) => {
    if (!stagePair(doc, upstream))
      return fail('edit.unknown-stage', `no stage named '${upstream}'`);
    const stage = stagePair(doc, downstream);
    if (!stage) return fail('edit.unknown-stage', `no stage named '${downstream}'`);
    const item: unknown =
      patterns && patterns.length > 0 ? { stage: upstream, patterns: [...patterns] } : upstream;
    const needsPair = findPair(stage.value, 'needs');
    const needs = needsPair?.value;
    if (isSeq(needs)) {
      if (needs.items.some((i) => needRef(i)?.value === upstream)) {
        return fail('edit.duplicate-edge', `'${downstream}' already needs '${upstream}'`);
      }
      return [appendToSeq(text, needs, item)];
    }
    if (needsPair) return [replacePairValue(text, needsPair, [item], 'needs')];
    return setStageField(text, stage, 'needs', [item]);
  });
}

/** Removes the edge upstream → downstream. */
export function disconnect(text: string, upstream: string, downstream: string): EditResult {
  return run(text, (doc) => {
    const stage = stagePair(doc, downstream);
    if (!stage) return fail('edit.unknown-stage', `no stage named '${downstream}'`);
    const changes = removeNeeds(text, stage, upstream);
    if (changes.length === 0) {
      return fail('edit.unknown-edge', `'${downstream}' does not need '${upstream}'`);
    }
    return changes;
  });
}

/**
 * Adds a field to a stage at its documented place (STAGE_KEY_ORDER): after the last field
 * that comes before it, so a stage written in canonical order stays canonical.
 */
function setStageField(text: string, stage: Pair, key: string, value: unknown): Changes {
  const map = stage.value;
  if (isEmptyValue(map))
    return [fillEmptyPair(text, stage, keyText(stage) ?? '', { [key]: value })];
  if (!isMap(map)) return fail('edit.not-a-mapping', `stage '${keyText(stage)}' is not a mapping`);
  if (map.flow || map.items.length === 0) return [rewriteMapInline(map, { [key]: value })];
  const order = STAGE_KEY_ORDER as readonly string[];
  const rank = order.indexOf(key);
  let after: Pair | undefined;
  for (const pair of map.items) {
    const r = order.indexOf(keyText(pair) ?? '');
    if (r >= 0 && r < rank) after = pair;
  }
  if (!after && rank >= 0 && map.items.some((p) => order.indexOf(keyText(p) ?? '') > rank)) {
    return [insertBeforeFirst(text, map, key, value)];
  }
  return [insertIntoBlockMap(text, map, key, value, after)];
}

/**
 * Sets (or, with `undefined`, removes) the value at a path such as `['stages','sim','split']`
 * or `['defaults','completion','pct']`. Missing mappings along the path are created.
 */
export function setField(text: string, path: DocPath, value: unknown): EditResult {
  return run(text, (doc) => {
    if (path.length === 0) return fail('edit.bad-path', 'a field path is needed');
    const { node, pair, depth } = locate(doc, path);
    if (depth === path.length) {
      if (!pair) return setListItem(doc, text, path, value);
      const parent = locate(doc, path.slice(0, -1));
      if (value === undefined) {
        const parentMap = parent.node as YAMLMap;
        if (parentMap.flow) return [rewriteWithout(parentMap, String(path[path.length - 1]))];
        return [removeFromBlockMap(text, parent.pair, parentMap, pair)];
      }
      void node;
      return [replacePairValue(text, pair, value, String(path[path.length - 1]))];
    }
    if (value === undefined) return [];
    // Build the missing rest of the path as nested mappings under the deepest existing one.
    const rest = path.slice(depth);
    if (rest.some((step) => typeof step === 'number')) {
      return fail('edit.bad-path', `no list item at '${path.join('.')}'`);
    }
    const [firstKey, ...deeper] = rest as string[];
    const nested = deeper.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value);
    if (firstKey === undefined) return [];
    if (depth === 2 && path[0] === 'stages' && pair) {
      return setStageField(text, pair, firstKey, nested);
    }
    const holder = depth === 0 ? doc.contents : node;
    if (isEmptyValue(holder) && pair) {
      return [fillEmptyPair(text, pair, keyText(pair) ?? '', { [firstKey]: nested })];
    }
    if (!isMap(holder))
      return fail('edit.bad-path', `'${path.slice(0, depth).join('.')}' is not a mapping`);
    if (holder.flow || holder.items.length === 0)
      return [rewriteMapInline(holder, { [firstKey]: nested })];
    return [insertIntoBlockMap(text, holder, firstKey, nested)];
  });
}

function setListItem(doc: Document, text: string, path: DocPath, value: unknown): Changes {
  const parent = locate(doc, path.slice(0, -1)).node;
  const index = path[path.length - 1];
  if (!isSeq(parent) || typeof index !== 'number') {
    return fail('edit.bad-path', `'${path.join('.')}' cannot be set`);
  }
  const seq: YAMLSeq = parent;
  if (value === undefined) return [removeFromSeq(text, seq, index)];
  const item = seq.items[index] as Node;
  if (
    isScalar(item) &&
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
  ) {
    return [replaceScalar(item, String(value))];
  }
  return fail('edit.bad-path', `replace the list at '${path.slice(0, -1).join('.')}' as a whole`);
}

/** Pins a stage's position in the editor (`layout: {stage: {x, y}}`). */
export function pinPosition(text: string, stage: string, position: Position): EditResult {
  const rounded = { x: Math.round(position.x), y: Math.round(position.y) };
  return setField(text, ['layout', stage], rounded);
}

/** Drops a stage's pinned position so the automatic layout places it again. */
export function unpinPosition(text: string, stage: string): EditResult {
  return run(text, (doc) => {
    const layout = findPair(doc.contents, 'layout');
    const entry = layout && isMap(layout.value) ? findPair(layout.value, stage) : undefined;
    if (!layout || !entry) return [];
    return removeEntry(text, layout, entry);
  });
}
