// The side form of the selected stage: every change is an edit operation on the text (through
// onSet / onRename), never a change to a copy of the model, so the text stays the one truth and
// the change is one undoable step.
import {
  RECOVERY_TYPES,
  SPLIT_TYPES,
  STAGE_TYPES,
  type CampaignSpec,
  type DocPath,
  type ParamPair,
  type RecoveryStep,
} from '@poms/core';
import { useState } from 'react';
import { readSplit, splitInfo, writeSplit, type SplitChoice } from '../../editor/split-picker.ts';

export interface StagePanelProps {
  stage: string;
  spec: CampaignSpec;
  stageNames: readonly string[];
  pinned: boolean;
  disabled: boolean;
  onRename: (to: string) => boolean;
  onSet: (path: DocPath, value: unknown) => boolean;
  onUnpin: () => void;
  onDisconnect: (upstream: string) => void;
  onClose: () => void;
}

export function StagePanel(props: StagePanelProps) {
  const { stage, spec, disabled, onSet } = props;
  const written = spec.stages[stage];
  if (!written) return null;
  const jobTypes = Object.keys(spec.job_types ?? {});
  const launchSetups = Object.keys(spec.launch_setups ?? {});
  const jobType = written.job_type ?? spec.defaults?.job_type;
  const recovery = jobType ? spec.job_types?.[jobType]?.recovery : undefined;
  const set = (key: string, value: unknown) => onSet(['stages', stage, key], value);
  const needs = (written.needs ?? []).map((n) => (typeof n === 'string' ? n : n.stage));

  return (
    <aside className="stage-panel" aria-label={`Stage ${stage}`}>
      <header>
        <h2>{stage}</h2>
        <button type="button" className="link" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <fieldset disabled={disabled}>
        <RenameField stage={stage} onRename={props.onRename} />
        <Choice
          label="Type"
          value={written.type}
          inherited={spec.defaults?.type ?? 'regular'}
          options={STAGE_TYPES}
          onChange={(v) => set('type', v)}
        />
        <Choice
          label="Job type"
          value={written.job_type}
          inherited={spec.defaults?.job_type}
          options={jobTypes}
          onChange={(v) => set('job_type', v)}
        />
        <Choice
          label="Launch setup"
          value={written.launch_setup}
          inherited={spec.defaults?.launch_setup}
          options={launchSetups}
          onChange={(v) => set('launch_setup', v)}
        />
        <SplitPicker
          key={`split:${written.split ?? ''}`}
          split={written.split}
          inherited={spec.defaults?.split}
          onApply={(v) => set('split', v)}
        />
        <PairsEditor
          key={`overrides:${JSON.stringify(written.overrides ?? [])}`}
          label="Overrides"
          pairs={written.overrides ?? []}
          onApply={(pairs) => set('overrides', pairs.length > 0 ? pairs : undefined)}
        />
        {jobType && spec.job_types?.[jobType] ? (
          <RecoveryEditor
            key={`recovery:${jobType}:${JSON.stringify(recovery ?? [])}`}
            jobType={jobType}
            steps={recovery ?? []}
            onApply={(steps) =>
              onSet(['job_types', jobType, 'recovery'], steps.length > 0 ? steps : undefined)
            }
          />
        ) : null}
        <div className="field">
          <span className="field-label">Needs</span>
          {needs.length === 0 ? <span className="muted"> none</span> : null}
          <ul className="needs">
            {needs.map((up) => (
              <li key={up}>
                {up}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => props.onDisconnect(up)}
                  aria-label={`Disconnect ${up}`}
                >
                  disconnect
                </button>
              </li>
            ))}
          </ul>
        </div>
        {props.pinned ? (
          <button type="button" onClick={props.onUnpin}>
            Unpin position (automatic layout)
          </button>
        ) : null}
      </fieldset>
    </aside>
  );
}

function RenameField({ stage, onRename }: { stage: string; onRename: (to: string) => boolean }) {
  const [name, setName] = useState(stage);
  return (
    <form
      className="field"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() !== '' && name !== stage) onRename(name.trim());
      }}
    >
      <label>
        <span className="field-label">Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Stage name" />
      </label>
      <button type="submit" disabled={name === stage}>
        Rename
      </button>
    </form>
  );
}

function Choice(props: {
  label: string;
  value: string | undefined;
  inherited: string | undefined;
  options: readonly string[];
  onChange: (value: string | undefined) => void;
}) {
  const options =
    props.value && !props.options.includes(props.value)
      ? [...props.options, props.value]
      : props.options;
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <select
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">{props.inherited ? `(default: ${props.inherited})` : '(not set)'}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function SplitPicker(props: {
  split: string | undefined;
  inherited: string | undefined;
  onApply: (split: string | undefined) => void;
}) {
  const [choice, setChoice] = useState<SplitChoice>(() => readSplit(props.split));
  const info = splitInfo(choice.type);
  const spec = choice.type === '' ? undefined : writeSplit(choice);
  return (
    <div className="field split-picker">
      <label>
        <span className="field-label">Split</span>
        <select
          aria-label="Split type"
          value={choice.type}
          onChange={(e) => {
            const type = e.target.value;
            const example = splitInfo(type)?.example;
            setChoice(example ? readSplit(example) : { type, params: {} });
          }}
        >
          <option value="">
            {props.inherited ? `(default: ${props.inherited})` : '(not set)'}
          </option>
          {SPLIT_TYPES.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
          {choice.type !== '' && !info ? <option value={choice.type}>{choice.type}</option> : null}
        </select>
      </label>
      {info ? <p className="muted">{info.description}</p> : null}
      {info?.parameters.map((p) => (
        <label key={p.name} className="field sub" title={p.description}>
          <span className="field-label">
            {p.name}
            {p.required ? ' *' : ''}
          </span>
          <input
            aria-label={`Split ${p.name}`}
            value={choice.params[p.name] ?? ''}
            placeholder={p.default ?? ''}
            onChange={(e) =>
              setChoice({ ...choice, params: { ...choice.params, [p.name]: e.target.value } })
            }
          />
        </label>
      ))}
      <div className="row">
        <code>{spec ?? '—'}</code>
        <button type="button" disabled={spec === props.split} onClick={() => props.onApply(spec)}>
          Apply split
        </button>
      </div>
    </div>
  );
}

function PairsEditor(props: {
  label: string;
  pairs: readonly ParamPair[];
  onApply: (pairs: ParamPair[]) => void;
}) {
  const [rows, setRows] = useState<ParamPair[]>(() => props.pairs.map(([k, v]) => [k, v]));
  const changed = JSON.stringify(rows) !== JSON.stringify(props.pairs);
  return (
    <div className="field pairs">
      <span className="field-label">{props.label}</span>
      {rows.map(([key, value], i) => (
        <div className="row" key={i}>
          <input
            aria-label={`${props.label} key ${i + 1}`}
            value={key}
            placeholder="--key="
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
          />
          <input
            aria-label={`${props.label} value ${i + 1}`}
            value={value}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
          />
          <button
            type="button"
            className="link"
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            remove
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" className="link" onClick={() => setRows([...rows, ['', '']])}>
          add
        </button>
        <button
          type="button"
          disabled={!changed}
          onClick={() => props.onApply(rows.filter(([k]) => k !== ''))}
        >
          Apply {props.label.toLowerCase()}
        </button>
      </div>
    </div>
  );
}

function RecoveryEditor(props: {
  jobType: string;
  steps: readonly RecoveryStep[];
  onApply: (steps: RecoveryStep[]) => void;
}) {
  const [steps, setSteps] = useState<RecoveryStep[]>(() => props.steps.map((s) => ({ ...s })));
  const changed = JSON.stringify(steps) !== JSON.stringify(props.steps);
  return (
    <div className="field recovery">
      <span className="field-label">
        Recovery recipe <span className="muted">(job type {props.jobType})</span>
      </span>
      <ol>
        {steps.map((step, i) => (
          <li key={i} className="row">
            <select
              aria-label={`Recovery step ${i + 1}`}
              value={step.type}
              onChange={(e) =>
                setSteps(
                  steps.map((s, j) =>
                    j === i ? { ...s, type: e.target.value as RecoveryStep['type'] } : s,
                  ),
                )
              }
            >
              {RECOVERY_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            {step.overrides?.length ? (
              <span className="muted">{step.overrides.length} overrides</span>
            ) : null}
            <button
              type="button"
              className="link"
              onClick={() => setSteps(steps.filter((_, j) => j !== i))}
            >
              remove
            </button>
          </li>
        ))}
      </ol>
      <div className="row">
        <button
          type="button"
          className="link"
          onClick={() => setSteps([...steps, { type: 'consumed_status' }])}
        >
          add step
        </button>
        <button type="button" disabled={!changed} onClick={() => props.onApply(steps)}>
          Apply recovery
        </button>
      </div>
    </div>
  );
}
