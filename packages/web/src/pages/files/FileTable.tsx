// A page of catalog files as a table: each name links to its file page. Shared by the file search
// and the dataset and snapshot pages.
import { Link } from 'react-router';
import type { FileQueryPage } from '../../api/types.ts';
import { Time } from '../../ui/status.tsx';
import { appUrl } from '../monitoring/shared.tsx';
import { bytes } from './format.ts';

export function FileTable(props: {
  experiment: string;
  files: FileQueryPage['files'];
  label: string;
}) {
  return (
    <table className="mon-table" aria-label={props.label}>
      <thead>
        <tr>
          <th>Name</th>
          <th>Size</th>
          <th>Declared</th>
        </tr>
      </thead>
      <tbody>
        {props.files.map((f) => (
          <tr key={f.name}>
            <td>
              <Link to={appUrl(props.experiment, 'files', f.name)}>{f.name}</Link>
            </td>
            <td>{bytes(f.size)}</td>
            <td>
              <Time iso={f.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
