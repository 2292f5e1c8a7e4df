// Saving shows first what the save changes against the stored revision; the person confirms
// (with an optional message) or goes back to editing.
import { useState } from 'react';
import { DiffView } from './DiffView.tsx';

export function SaveDialog(props: {
  title: string;
  before: string;
  after: string;
  busy: boolean;
  onConfirm: (message: string | undefined) => void;
  onCancel: () => void;
}) {
  const [message, setMessage] = useState('');
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-label={props.title}>
        <h2>{props.title}</h2>
        <DiffView before={props.before} after={props.after} />
        <label className="field">
          <span className="field-label">Message (optional)</span>
          <input
            aria-label="Revision message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        </label>
        <div className="row end">
          <button type="button" onClick={props.onCancel} disabled={props.busy}>
            Back to editing
          </button>
          <button
            type="button"
            className="primary"
            disabled={props.busy}
            onClick={() => props.onConfirm(message.trim() === '' ? undefined : message.trim())}
          >
            {props.busy ? 'Saving…' : 'Confirm save'}
          </button>
        </div>
      </div>
    </div>
  );
}
