// The text side of the editor: CodeMirror 6 with YAML, the campaign schema's completion, the
// parse's diagnostics (set by the page after each parse, so the text is parsed once per change),
// and one undo history for typing and graph gestures alike.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, type ViewUpdate } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import type { Diagnostic } from '@poms/campaign-file';
import {
  keyCompletions,
  siblingKeys,
  valueCompletions,
  yamlPathAt,
  type JsonSchema,
} from './schema-completion.ts';

/** Names to offer as values of keys that refer to other entries (job_type, needs, …). */
export type NameSource = (key: string) => readonly string[];

const REFERENCE_KEYS: Record<string, string> = {
  job_type: 'job_types',
  launch_setup: 'launch_setups',
  stage: 'stages',
  needs: 'stages',
};

export function campaignCompletion(schema: JsonSchema, names: NameSource) {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const key = /^(\s*(?:-\s+)*)([\w.-]*)$/.exec(before);
    const text = context.state.doc.toString();
    if (key) {
      if (!context.explicit && key[2] === '') return null;
      const { path, indent } = yamlPathAt(text, context.pos);
      const present = siblingKeys(text, context.pos, indent);
      const options: Completion[] = keyCompletions(schema, path, present).map((k) => ({
        label: k.label,
        apply: k.apply,
        detail: k.detail,
        type: 'property',
        ...(k.info ? { info: k.info } : {}),
      }));
      return { from: context.pos - key[2]!.length, options, validFor: /^[\w.-]*$/ };
    }
    const value = /^(\s*(?:-\s+)*)([\w-]+):\s+(?:\[(?:[^\]]*,\s*)?)?([\w.-]*)$/.exec(before);
    if (value) {
      const { path } = yamlPathAt(text, context.pos);
      const field = value[2]!;
      const labels = [
        ...valueCompletions(schema, [...path, field]),
        ...(REFERENCE_KEYS[field] ? names(REFERENCE_KEYS[field]) : []),
      ];
      if (labels.length === 0) return null;
      return {
        from: context.pos - value[3]!.length,
        options: labels.map((label) => ({ label, type: 'enum' })),
        validFor: /^[\w.-]*$/,
      };
    }
    return null;
  };
}

export interface EditorSetup {
  schema: JsonSchema;
  names: NameSource;
  onUpdate: (update: ViewUpdate) => void;
  /** Keys the page handles (save). */
  extraKeys?: readonly { key: string; run: () => boolean }[];
}

export function campaignEditorState(text: string, setup: EditorSetup): EditorState {
  const extensions: Extension[] = [
    keymap.of(
      setup.extraKeys?.map((k) => ({ key: k.key, run: k.run, preventDefault: true })) ?? [],
    ),
    basicSetup,
    yaml(),
    yamlLanguage.data.of({ autocomplete: campaignCompletion(setup.schema, setup.names) }),
    lintGutter(),
    EditorView.updateListener.of(setup.onUpdate),
    EditorView.contentAttributes.of({ 'aria-label': 'Campaign text' }),
  ];
  return EditorState.create({ doc: text, extensions });
}

/** The parse's diagnostics as CodeMirror shows them, clamped to the document. */
export function toCmDiagnostics(
  diagnostics: readonly Diagnostic[],
  length: number,
): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const from = Math.min(Math.max(0, d.offset), length);
    const to = Math.min(Math.max(from, d.end_offset), length);
    return { from, to, severity: d.severity, message: d.message, source: d.code };
  });
}

export { setDiagnostics };
