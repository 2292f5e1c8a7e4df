// What one import shares: the diagnostics and YAML comments it collects, the name tables that
// rename POMS names consistently, where each model entry came from, and the section and value
// helpers every reader uses.
import { iniDiagnostic, type IniDiagnostic } from './diagnostics.ts';
import { parseJson, type JsonNode, type JsonResult } from './json.ts';
import { JSON_TEXT_SUFFIX, NAMED_SECTIONS, UNNAMED_SECTIONS, type SectionKind } from './keys.ts';
import { NameTable, nameRule } from './names.ts';
import {
  valuePosition,
  valueSpan,
  type IniEntry,
  type IniSection,
  type IniSpan,
} from './reader.ts';
import type { YamlComment } from './to-yaml.ts';

export interface ImportIniOptions {
  /** The campaign's name when `[campaign]` has none (e.g. the file's name). */
  name?: string;
}

/** One key of a section, with its text (decoded when written as `KEY.json`). */
export interface Field {
  /** The section header, for messages. */
  section: string;
  entry: IniEntry;
  key: string;
  text: string;
  /** Text decoded from a `KEY.json` string: offsets into it are not offsets into the file. */
  decoded: boolean;
}

export interface ParsedSection {
  kind: SectionKind;
  /** The name after the kind (`[campaign_stage NAME]`), trimmed; undefined for unnamed kinds. */
  name: string | undefined;
  section: IniSection;
  fields: Map<string, Field>;
}

const NONE_WORDS = new Set(['', 'none']);

/** POMS wrote Python's None as `None` for values a campaign did not set. */
export function isUnset(text: string): boolean {
  return NONE_WORDS.has(text.trim().toLowerCase());
}

export function splitKind(split: string | undefined): string | undefined {
  return split?.trim().toLowerCase().replace(/\(.*$/s, '').trim();
}

export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(t)) return true;
  if (['false', 'no', 'off', '0'].includes(t)) return false;
  return undefined;
}

/** `%%` is how POMS files write `%` in patterns; under SQL LIKE both mean the same. */
export function collapsePercent(pattern: string): string {
  return pattern.replace(/%%/g, '%');
}

export class ImportContext {
  readonly diagnostics: IniDiagnostic[] = [];
  readonly comments: YamlComment[] = [];
  readonly stageNames = new NameTable('stage');
  readonly jobTypeNames = new NameTable('job_type');
  readonly setupNames = new NameTable('launch_setup');
  readonly renameWarned = new Set<string>();
  /** Where each model entry comes from, to place schema errors. */
  readonly origins = new Map<string, IniSpan>();
  pomsName: string | undefined;

  constructor(
    readonly text: string,
    readonly options: ImportIniOptions,
  ) {}

  // ---- reporting ----

  report(code: string, severity: IniDiagnostic['severity'], message: string, span: IniSpan): void {
    this.diagnostics.push(iniDiagnostic(code, severity, message, span));
  }

  comment(path: string[], text: string): void {
    this.comments.push({ path, text });
  }

  originOf(path: string[]): IniSpan {
    for (let n = path.length; n > 0; n--) {
      const span = this.origins.get(path.slice(0, n).join('\0'));
      if (span) return span;
    }
    return { line: 1, column: 1, end_line: 1, end_column: 2 };
  }

  /** A position inside a field's text (the whole value when the text was decoded). */
  at(field: Field, offset: number, length: number): IniSpan {
    return field.decoded ? valueSpan(field.entry) : valuePosition(field.entry, offset, length);
  }

  atNode(field: Field, node: JsonNode): IniSpan {
    return this.at(field, node.start, node.end - node.start);
  }

  badValue(field: Field, message: string, span?: IniSpan): undefined {
    this.report('ini.bad-value', 'error', message, span ?? valueSpan(field.entry));
    return undefined;
  }

  unknownKey(parsed: ParsedSection, field: Field, entityPath?: string[]): void {
    this.report(
      'ini.unknown-key',
      'warning',
      `[${parsed.section.header}] ${field.entry.raw_key} (line ${field.entry.key_span.line}) is not a key POMS-TS knows: not imported`,
      field.entry.key_span,
    );
    if (entityPath) this.comment(entityPath, `not imported from POMS: ${field.entry.raw_key}`);
  }

  json(field: Field): JsonNode | undefined {
    const result: JsonResult = parseJson(field.text);
    if (result.ok) return result.node;
    this.report(
      'ini.bad-json',
      'error',
      `[${field.section}] ${field.entry.raw_key} is not valid JSON: ${result.message}`,
      this.at(field, result.offset, result.length),
    );
    return undefined;
  }

  renamed(kind: string, raw: string, name: string, span: IniSpan, entityPath?: string[]): void {
    const key = `${kind}\0${raw.trim()}`;
    if (name === raw.trim() || this.renameWarned.has(key)) return;
    this.renameWarned.add(key);
    this.report(
      'ini.renamed',
      'warning',
      `${kind} name "${raw.trim()}" became "${name}": ${nameRule(raw.trim())}`,
      span,
    );
    if (entityPath) this.comment(entityPath, `POMS name: ${raw.trim()}`);
  }

  stageName(raw: string, span: IniSpan): string {
    const name = this.stageNames.get(raw);
    this.renamed('stage', raw, name, span, ['stages', name]);
    return name;
  }

  jobTypeName(raw: string, span: IniSpan): string {
    const name = this.jobTypeNames.get(raw);
    this.renamed('job type', raw, name, span, ['job_types', name]);
    return name;
  }

  setupName(raw: string, span: IniSpan): string {
    const name = this.setupNames.get(raw);
    this.renamed('login setup', raw, name, span, ['launch_setups', name]);
    return name;
  }

  // ---- sections ----

  classify(section: IniSection): ParsedSection | undefined {
    const match = /^\s*(\S+)(?:\s+([\s\S]*?))?\s*$/.exec(section.header);
    const kindText = (match?.[1] ?? '').toLowerCase();
    const name = match?.[2] === undefined || match[2] === '' ? undefined : match[2];
    const kind = [...UNNAMED_SECTIONS, ...NAMED_SECTIONS].find((k) => k === kindText);
    if (kind === undefined) {
      this.report(
        'ini.unknown-section',
        'warning',
        `section [${section.header}] (line ${section.span.line}) is not a POMS campaign section: not imported`,
        section.span,
      );
      return undefined;
    }
    if (NAMED_SECTIONS.has(kind) && name === undefined) {
      this.report(
        'ini.bad-section',
        'error',
        `section [${section.header}] needs a name: [${kind} NAME]`,
        section.span,
      );
      return undefined;
    }
    if (UNNAMED_SECTIONS.has(kind) && name !== undefined) {
      this.report(
        'ini.unknown-section',
        'warning',
        `section [${section.header}] (line ${section.span.line}): [${kind}] takes no name; not imported`,
        section.span,
      );
      return undefined;
    }
    return { kind, name, section, fields: this.fieldsOf(section) };
  }

  /**
   * `[Campaign_Stage a]` and `[campaign_stage  a]` are different sections to ConfigParser but
   * the same one here: which one is meant cannot be guessed. Dependencies simply add up.
   */
  withoutRepeats(sections: ParsedSection[]): ParsedSection[] {
    const seen = new Map<string, ParsedSection>();
    return sections.filter((p) => {
      if (p.kind === 'dependencies') return true;
      const id = `${p.kind}\0${p.name?.trim() ?? ''}`;
      const first = seen.get(id);
      if (!first) {
        seen.set(id, p);
        return true;
      }
      this.report(
        'ini.duplicate-section',
        'error',
        `[${p.section.header}] repeats [${first.section.header}] (line ${first.section.span.line})`,
        p.section.span,
      );
      return false;
    });
  }

  fieldsOf(section: IniSection): Map<string, Field> {
    const fields = new Map<string, Field>();
    for (const entry of section.entries) {
      let key = entry.key;
      let text = entry.value;
      let decoded = false;
      if (key.endsWith(JSON_TEXT_SUFFIX) && key.length > JSON_TEXT_SUFFIX.length) {
        key = key.slice(0, -JSON_TEXT_SUFFIX.length);
        const field: Field = { section: section.header, entry, key, text, decoded: false };
        const node = this.json(field);
        if (!node) continue;
        if (node.kind !== 'string') {
          this.badValue(
            field,
            `${entry.raw_key} holds the text of ${key} as one JSON string ("…")`,
            this.atNode(field, node),
          );
          continue;
        }
        text = node.value;
        decoded = true;
      }
      const previous = fields.get(key);
      if (previous) {
        this.report(
          'ini.duplicate-key',
          'error',
          `${entry.raw_key} repeats ${previous.entry.raw_key} (line ${previous.entry.key_span.line}) in [${section.header}]`,
          entry.key_span,
        );
        continue;
      }
      fields.set(key, { section: section.header, entry, key, text, decoded });
    }
    return fields;
  }
}
