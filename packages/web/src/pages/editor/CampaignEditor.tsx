// The campaign editor (DESIGN.md §6): the YAML text in CodeMirror beside the graph. The text is the
// only source of truth: every graph gesture is an edit operation of @poms/campaign-file dispatched
// to CodeMirror as one transaction, so one undo history covers both views and comments survive.
// The page re-parses after each change (lightly debounced) and derives the graph from the parse;
// while the text is invalid the last good graph stays, greyed, with the diagnostics listed.
import { isolateHistory, redo, undo } from '@codemirror/commands';
import { EditorView, type ViewUpdate } from '@codemirror/view';
import {
  addStage,
  campaignJsonSchema,
  cloneStage,
  connect,
  disconnect,
  parseCampaign,
  pinPosition,
  removeStage,
  renameStage,
  setField,
  unpinPosition,
  type EditResult,
  type ParsedCampaign,
} from '@poms/campaign-file';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { campaignEditorState, setDiagnostics, toCmDiagnostics } from '../../editor/codemirror.ts';
import {
  freeStageName,
  graphModel,
  stageAtOffset,
  type GraphModel,
} from '../../editor/graph-model.ts';
import '../../editor/editor.css';
import { reparseDelay } from '../../editor/reparse-delay.ts';
import { CampaignGraph } from '../../graph/CampaignGraph.tsx';
import { StagePanel } from './StagePanel.tsx';

/** What the editor tells its page: the text changed (and whether it differs from the stored one). */
export interface EditorHandle {
  text(): string;
}

interface Parsed {
  parsed: ParsedCampaign;
  model: GraphModel;
  version: number;
  /** Milliseconds the last parse + graph derivation took. */
  took: number;
}

const SCHEMA = campaignJsonSchema();

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Fields whose own text Ctrl+Z undoes (the page's undo does not take those keys from them). */
const TEXT_FIELDS =
  'textarea, [contenteditable="true"], input:not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="submit"])';

export function CampaignEditor(props: {
  initialText: string;
  /** The stored text, to tell whether there are unsaved changes. */
  savedText: string;
  onDirtyChange: (dirty: boolean) => void;
  /** The page's toolbar items (save, history); get the current text through the handle. */
  actions: (handle: EditorHandle, parsed: ParsedCampaign) => ReactNode;
  /** Ctrl+S, with the parse of the text as it is now (the page decides whether a save may start). */
  onSaveKey?: (handle: EditorHandle, parsed: ParsedCampaign) => void;
}) {
  const { initialText, savedText, onDirtyChange, actions, onSaveKey } = props;
  const host = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<EditorView | undefined>(undefined);
  const [state, setState] = useState<Parsed>(() => {
    const started = performance.now();
    const parsed = parseCampaign(initialText);
    return { parsed, model: graphModel(parsed), version: 1, took: performance.now() - started };
  });
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  // The latest values the CodeMirror callbacks need, without re-creating the editor.
  const latest = useRef({ state, savedText, onDirtyChange, onSaveKey });
  useEffect(() => {
    latest.current = { state, savedText, onDirtyChange, onSaveKey };
  });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const selectingFromGraph = useRef(false);
  const lastParseEnded = useRef(-Infinity);

  const reparse = useCallback((editor: EditorView) => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const text = editor.state.doc.toString();
    const current = latest.current.state;
    if (current.parsed.text === text) return current.parsed;
    const started = performance.now();
    const parsed = parseCampaign(text);
    const model = graphModel(parsed, current.model);
    const next: Parsed = { parsed, model, version: current.version + 1, took: 0 };
    next.took = performance.now() - started;
    latest.current.state = next;
    lastParseEnded.current = performance.now();
    setState(next);
    // No diagnostics before or after: nothing to tell CodeMirror (a transaction costs a view update).
    if (parsed.diagnostics.length > 0 || current.parsed.diagnostics.length > 0) {
      editor.dispatch(
        setDiagnostics(editor.state, toCmDiagnostics(parsed.diagnostics, text.length)),
      );
    }
    latest.current.onDirtyChange(text !== latest.current.savedText);
    const head = editor.state.selection.main.head;
    if (editor.hasFocus) setSelected(stageAtOffset(parsed.sources, head));
    return parsed;
  }, []);

  // The CodeMirror view, made once per mounted editor.
  useEffect(() => {
    if (!host.current) return;
    const onUpdate = (update: ViewUpdate) => {
      if (update.docChanged) {
        clearTimeout(timer.current);
        const editor = update.view;
        const delay = reparseDelay(
          performance.now(),
          lastParseEnded.current,
          latest.current.state.took,
        );
        timer.current = setTimeout(() => reparse(editor), delay);
      } else if (update.selectionSet && !selectingFromGraph.current && update.view.hasFocus) {
        const parsed = latest.current.state.parsed;
        setSelected(stageAtOffset(parsed.sources, update.state.selection.main.head));
      }
    };
    const names = (section: string): string[] => {
      const spec = latest.current.state.parsed.doc.toJS() as Record<string, unknown> | null;
      const entries = spec?.[section];
      return entries && typeof entries === 'object' ? Object.keys(entries) : [];
    };
    const editor = new EditorView({
      parent: host.current,
      state: campaignEditorState(initialText, {
        schema: SCHEMA,
        names,
        onUpdate,
        extraKeys: [
          {
            key: 'Mod-s',
            run: () => {
              const parsed = reparse(editor);
              latest.current.onSaveKey?.({ text: () => editor.state.doc.toString() }, parsed);
              return true;
            },
          },
        ],
      }),
    });
    const parsed = latest.current.state.parsed;
    editor.dispatch(
      setDiagnostics(editor.state, toCmDiagnostics(parsed.diagnostics, initialText.length)),
    );
    setView(editor);
    return () => {
      clearTimeout(timer.current);
      editor.destroy();
      setView(undefined);
    };
  }, [initialText, reparse]);

  /** Runs an edit operation on the current text and dispatches its changes as one transaction. */
  const edit = useCallback(
    (operation: (text: string) => EditResult, select?: string): boolean => {
      if (!view) return false;
      reparse(view);
      const result = operation(view.state.doc.toString());
      if (!result.ok) {
        setNotice(`${result.code}: ${result.message}`);
        return false;
      }
      setNotice(undefined);
      if (result.changes.length === 0) return true;
      view.dispatch({
        changes: result.changes.map((c) => ({ from: c.from, to: c.to, insert: c.insert })),
        userEvent: 'input.graph',
        // Each gesture is its own undo step, however quickly the next one follows.
        annotations: isolateHistory.of('full'),
        scrollIntoView: false,
      });
      const parsed = reparse(view);
      if (select !== undefined) {
        setSelected(select);
        const source = parsed.sources.stages.find((s) => s.name === select);
        if (source) {
          selectingFromGraph.current = true;
          view.dispatch({
            selection: { anchor: source.range[0], head: source.range[1] },
            effects: EditorView.scrollIntoView(source.range[0], { y: 'start', yMargin: 40 }),
          });
          selectingFromGraph.current = false;
        }
      }
      return true;
    },
    [view, reparse],
  );

  const selectStage = useCallback(
    (stage: string | undefined) => {
      // A change of the text still waiting for its re-parse is parsed first: else the stage's
      // range would be the old text's, and the late re-parse would move the selection back to
      // the stage at the cursor.
      if (view && timer.current !== undefined) reparse(view);
      setSelected(stage);
      if (!view || stage === undefined) return;
      const source = latest.current.state.parsed.sources.stages.find((s) => s.name === stage);
      if (!source) return;
      selectingFromGraph.current = true;
      view.dispatch({
        selection: { anchor: source.range[0], head: source.range[1] },
        effects: EditorView.scrollIntoView(source.range[0], { y: 'start', yMargin: 40 }),
      });
      selectingFromGraph.current = false;
    },
    [view, reparse],
  );

  const { parsed, model, version } = state;
  const handle = useMemo<EditorHandle>(
    () => ({ text: () => view?.state.doc.toString() ?? initialText }),
    [view, initialText],
  );

  // After a save the stored text changes: whether there are unsaved changes is judged again.
  useEffect(() => {
    if (view) onDirtyChange(view.state.doc.toString() !== savedText);
  }, [view, savedText, onDirtyChange]);
  const onConnect = useCallback(
    (up: string, down: string) => void edit((t) => connect(t, up, down)),
    [edit],
  );
  const onDisconnect = useCallback(
    (up: string, down: string) => void edit((t) => disconnect(t, up, down)),
    [edit],
  );
  const onMove = useCallback(
    (stage: string, at: { x: number; y: number }) => void edit((t) => pinPosition(t, stage, at)),
    [edit],
  );
  const onDelete = useCallback(
    (stage: string) => {
      setSelected(undefined);
      void edit((t) => removeStage(t, stage));
    },
    [edit],
  );

  const addNew = () => {
    const name = freeStageName(model, 'stage');
    edit((t) => addStage(t, name, {}, selected ? { after: selected } : {}), name);
  };
  const cloneSelected = () => {
    if (!selected) return;
    const name = freeStageName(model, `${selected}_copy`);
    edit((t) => cloneStage(t, selected, name), name);
  };

  // Undo, redo and save from anywhere on the page (the graph has the focus after a gesture).
  useEffect(() => {
    if (!view) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (view.hasFocus || event.defaultPrevented) return;
      if (!(event.ctrlKey || event.metaKey)) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest?.('[role="dialog"]')) return;
      const key = event.key.toLowerCase();
      // Undo and redo belong to a field's own text while one has the focus; a select (the side
      // form's type, job type, …) has no undo of its own, so there they undo the edit it made.
      if (key !== 's' && target?.closest?.(TEXT_FIELDS)) return;
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo(view);
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        redo(view);
      } else if (key === 's') {
        event.preventDefault();
        const parsed = reparse(view);
        latest.current.onSaveKey?.({ text: () => view.state.doc.toString() }, parsed);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [view, reparse]);

  const errors = parsed.diagnostics;
  const stageNames = useMemo(() => model.nodes.map((n) => n.id), [model]);

  return (
    <div className="campaign-editor">
      <div className="editor-toolbar" role="toolbar" aria-label="Editor">
        <button type="button" onClick={addNew} disabled={!model.current}>
          Add stage
        </button>
        <button type="button" onClick={cloneSelected} disabled={!model.current || !selected}>
          Clone stage
        </button>
        <button
          type="button"
          onClick={() => selected && onDelete(selected)}
          disabled={!model.current || !selected}
        >
          Delete stage
        </button>
        <button type="button" onClick={() => view && undo(view)} disabled={!view}>
          Undo
        </button>
        <button type="button" onClick={() => view && redo(view)} disabled={!view}>
          Redo
        </button>
        <span className="spacer" />
        <span
          className={`editor-status${parsed.ok ? '' : ' invalid'}`}
          role="status"
          data-parse-ms={state.took.toFixed(1)}
        >
          {parsed.ok
            ? `${model.nodes.length} stages · valid`
            : `${plural(errors.filter((d) => d.severity === 'error').length, 'error')}${model.current ? '' : ' · graph greyed (last good)'}`}
        </span>
        {actions(handle, parsed)}
      </div>
      {notice ? (
        <div className="editor-notice" role="alert">
          {notice}
          <button type="button" className="link" onClick={() => setNotice(undefined)}>
            dismiss
          </button>
        </div>
      ) : null}
      <div className="editor-panes">
        <div className="editor-text">
          <div className="editor-cm" ref={host} />
          {errors.length > 0 ? (
            <ul className="editor-diagnostics" aria-label="Diagnostics">
              {errors.map((d, i) => (
                <li key={i} className={d.severity}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      if (!view) return;
                      const at = Math.min(d.offset, view.state.doc.length);
                      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
                      view.focus();
                    }}
                  >
                    {d.line}:{d.column}
                  </button>{' '}
                  <code>{d.code}</code> {d.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="editor-graph">
          <CampaignGraph
            model={model}
            selected={selected}
            onSelect={selectStage}
            onConnect={onConnect}
            onDisconnect={onDisconnect}
            onMove={onMove}
            onDelete={onDelete}
            version={version}
            label="Campaign graph"
          />
        </div>
        {selected && parsed.spec ? (
          <StagePanel
            key={selected}
            stage={selected}
            spec={parsed.spec}
            stageNames={stageNames}
            pinned={model.nodes.find((n) => n.id === selected)?.position !== undefined}
            disabled={!model.current}
            onRename={(to) => edit((t) => renameStage(t, selected, to), to)}
            onSet={(path, value) => edit((t) => setField(t, path, value), selected)}
            onUnpin={() => edit((t) => unpinPosition(t, selected), selected)}
            onDisconnect={(up) => edit((t) => disconnect(t, up, selected), selected)}
            onClose={() => setSelected(undefined)}
          />
        ) : null}
      </div>
    </div>
  );
}
