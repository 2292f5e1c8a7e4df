// Test fixtures: POMS campaign files. The five POMS samples are copies of shared/poms-samples; the
// one-feature-per-file examples live in the template library (templates/ini/), where users find them.
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
const examples = new URL('../../../../../templates/ini/', import.meta.url);

export const POMS_SAMPLES = [
  'analysis_generator.ini',
  'analysis_processor.ini',
  'sample_mc.ini',
  'sample_reco.ini',
  'sample_split_merge.ini',
] as const;

export function fixture(name: string): string {
  const local = new URL(name, dir);
  return readFileSync(existsSync(local) ? local : new URL(name, examples), 'utf8');
}

export function allFixtures(): string[] {
  return [...readdirSync(dir), ...readdirSync(examples)].filter((f) => f.endsWith('.ini')).sort();
}

/** 1-based line of the first line containing `needle` (and its 1-based column). */
export function where(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`fixture has no line containing ${needle}`);
  return { line: line + 1, column: (lines[line] ?? '').indexOf(needle) + 1 };
}
