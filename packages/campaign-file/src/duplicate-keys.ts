// Keys written twice in one mapping, found in one pass. yaml's own check (`uniqueKeys: true`)
// compares each key with every key before it in its mapping, which on a campaign of hundreds of
// stages costs a tenth of the whole parse; this finds the same keys at the same places, with the
// same error, in linear time.
import { isMap, isPair, isScalar, isSeq, YAMLParseError, type Document } from 'yaml';

/**
 * The errors yaml's `uniqueKeys: true` reports, for a document parsed with `uniqueKeys: false`:
 * each scalar key whose value (compared with ===) an earlier key of the same mapping has, at the
 * key's first character. Keys that are lists or mappings are never equal to another key.
 */
export function duplicateKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            errors.push(
              new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'),
            );
          } else seen.add(key.value);
        }
        walk(pair);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  return errors;
}
