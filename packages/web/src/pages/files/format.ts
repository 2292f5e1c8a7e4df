// How the file pages write a producer, a size and a metadata value.
import type { ProducedBy } from '../../api/types.ts';

/** `toy_z_chain@r1 generate · job 3` */
export function producerText(p: ProducedBy): string {
  return `${p.campaign}@r${p.campaign_revision} ${p.stage} · job ${p.job_index}`;
}

/** `1.2 MiB (1,234,567 bytes)`; — when unknown. */
export function bytes(size: number | null): string {
  if (size === null) return '—';
  const exact = `${size.toLocaleString('en-US')} bytes`;
  if (size < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let n = size / 1024;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[unit]} (${exact})`;
}

/** A metadata value as text: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type SearchMode = 'name' | 'query';

/** The catalog query of a search: a name part becomes `file_name like '%PART%'`. */
export function searchQuery(text: string, mode: SearchMode): string {
  if (mode === 'query') return text;
  const quoted = text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return `file_name like '%${quoted}%'`;
}

/** A long name shortened in its middle (`gen_01m8k2yq7…czm_0.evt`), so both ends stay readable. */
export function middleEllipsis(name: string, max = 33): string {
  if (name.length <= max) return name;
  const tail = Math.floor((max - 1) * 0.4);
  return `${name.slice(0, max - 1 - tail)}…${name.slice(name.length - tail)}`;
}
