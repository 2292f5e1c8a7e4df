// The split picker's model: a split spec (`mod(10)`, `byrun(low=1,high=10)`) read into its type
// and parameter values, and written back from them, following the catalog of split types.
import { SPLIT_TYPES, type SplitTypeInfo } from '@poms/core';

export interface SplitChoice {
  type: string;
  /** Parameter values as written, by parameter name (`n` for the positional count). */
  params: Record<string, string>;
}

export function splitInfo(type: string): SplitTypeInfo | undefined {
  return SPLIT_TYPES.find((t) => t.name === type);
}

/** Reads `type(args)`; values stay as written. An unknown or malformed spec keeps its type name. */
export function readSplit(spec: string | undefined): SplitChoice {
  const text = (spec ?? '').trim();
  const m = /^([A-Za-z_]+)\s*(?:\((.*)\))?$/.exec(text);
  if (!m) return { type: text, params: {} };
  const type = m[1]!;
  const params: Record<string, string> = {};
  const info = splitInfo(type);
  const args = (m[2] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq >= 0) params[arg.slice(0, eq).trim()] = arg.slice(eq + 1).trim();
    else {
      const positional = info?.parameters.find((p) => p.positional)?.name ?? 'n';
      params[positional] = arg;
    }
  }
  return { type, params };
}

/** Writes a choice back: positional values bare, named ones as key=value, empty ones left out. */
export function writeSplit(choice: SplitChoice): string {
  const info = splitInfo(choice.type);
  if (!info) return choice.type;
  const args: string[] = [];
  for (const p of info.parameters) {
    const value = choice.params[p.name]?.trim();
    if (value === undefined || value === '') continue;
    args.push(p.positional ? value : `${p.name}=${value}`);
  }
  if (args.length > 0) return `${info.name}(${args.join(',')})`;
  // Types written with empty parentheses in their example keep them (`byexistingruns()`).
  return info.example.endsWith('()') ? `${info.name}()` : info.name;
}
