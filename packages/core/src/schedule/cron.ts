// Standard 5-field cron (minute hour day-of-month month day-of-week) → CronSpec, and back.
// Syntax: `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b,c`, month names JAN–DEC
// and day names SUN–SAT (case-insensitive), 7 = Sunday, and the macros @hourly @daily @midnight
// @weekly @monthly @yearly @annually. Errors carry a stable code and 0-based columns [column,
// endColumn) into the original text.

/** Values are sorted, without duplicates. Days of week are 0–6, 0 = Sunday (7 is folded to 0). */
export interface CronSpec {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  /**
   * Whether the day-of-month / day-of-week field text starts with `*` (a star or a star-step). Vixie
   * cron semantics: when neither day field starts with `*`, a day matches if EITHER matches;
   * otherwise both must match.
   */
  readonly daysOfMonthStar: boolean;
  readonly daysOfWeekStar: boolean;
}

export type CronErrorCode = 'cron.syntax' | 'cron.range' | 'cron.fields';

export interface CronError {
  readonly code: CronErrorCode;
  readonly message: string;
  /** 0-based, inclusive. */
  readonly column: number;
  /** 0-based, exclusive. */
  readonly endColumn: number;
}

export type CronParseResult =
  | { readonly ok: true; readonly cron: CronSpec }
  | { readonly ok: false; readonly error: CronError };

interface FieldDef {
  readonly name: string;
  readonly min: number;
  /** Largest number accepted in the text. */
  readonly max: number;
  /** Largest value `*` covers (day of week: 6, while 7 is accepted as Sunday). */
  readonly starMax: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly FieldDef[] = [
  { name: 'minute', min: 0, max: 59, starMax: 59 },
  { name: 'hour', min: 0, max: 23, starMax: 23 },
  { name: 'day of month', min: 1, max: 31, starMax: 31 },
  { name: 'month', min: 1, max: 12, starMax: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 7, starMax: 6, names: DAY_NAMES },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Days in each month in a leap year: the most a month can have. */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

interface Token {
  readonly text: string;
  readonly start: number;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: CronError };

function fail(code: CronErrorCode, message: string, column: number, endColumn: number) {
  return { ok: false as const, error: { code, message, column, endColumn } };
}

function tokens(text: string): Token[] {
  const found: Token[] = [];
  for (const match of text.matchAll(/\S+/g)) found.push({ text: match[0], start: match.index });
  return found;
}

/** Parses cron text. Never throws. */
export function parseCron(text: string): CronParseResult {
  const fields = tokens(text);
  const first = fields[0];
  if (first === undefined)
    return fail('cron.fields', 'empty schedule: expected 5 fields', 0, text.length);
  if (first.text.startsWith('@')) {
    const expansion = MACROS[first.text.toLowerCase()];
    if (expansion === undefined) {
      return fail(
        'cron.syntax',
        `unknown macro '${first.text}' (expected one of ${Object.keys(MACROS).join(' ')})`,
        first.start,
        first.start + first.text.length,
      );
    }
    const extra = fields[1];
    if (extra !== undefined) {
      const last = fields[fields.length - 1] ?? extra;
      return fail(
        'cron.fields',
        `nothing may follow ${first.text}`,
        extra.start,
        last.start + last.text.length,
      );
    }
    return parseFields(tokens(expansion));
  }
  if (fields.length > 5) {
    const extra = fields[5] ?? first;
    const last = fields[fields.length - 1] ?? extra;
    return fail(
      'cron.fields',
      `too many fields: expected 5 (minute hour day-of-month month day-of-week), found ${fields.length}`,
      extra.start,
      last.start + last.text.length,
    );
  }
  if (fields.length < 5) {
    const last = fields[fields.length - 1] ?? first;
    return fail(
      'cron.fields',
      `too few fields: expected 5 (minute hour day-of-month month day-of-week), found ${fields.length}`,
      first.start,
      last.start + last.text.length,
    );
  }
  return parseFields(fields);
}

function parseFields(fields: readonly Token[]): CronParseResult {
  const values: number[][] = [];
  for (const [index, def] of FIELDS.entries()) {
    const token = fields[index];
    if (token === undefined) return fail('cron.fields', 'missing field', 0, 0);
    const parsed = parseField(token, def);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  const [minutes = [], hours = [], daysOfMonth = [], months = [], daysOfWeek = []] = values;
  const cron: CronSpec = {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    daysOfMonthStar: fields[2]?.text.startsWith('*') ?? true,
    daysOfWeekStar: fields[4]?.text.startsWith('*') ?? true,
  };
  // A day of month that no chosen month has (31 in February) can never fire when the day of week
  // does not offer an alternative (Vixie: a `*` day of week is AND-ed, not OR-ed).
  if (!cron.daysOfMonthStar && cron.daysOfWeekStar) {
    const possible = months.some((month) =>
      daysOfMonth.some((day) => day <= (MAX_DAYS[month - 1] ?? 31)),
    );
    if (!possible) {
      const dom = fields[2] ?? { start: 0, text: '' };
      return fail(
        'cron.range',
        'this day of month never occurs in the chosen months, so the schedule would never run',
        dom.start,
        dom.start + dom.text.length,
      );
    }
  }
  return { ok: true, cron };
}

function parseField(token: Token, def: FieldDef): Result<number[]> {
  const set = new Set<number>();
  let offset = 0;
  for (const element of token.text.split(',')) {
    const start = token.start + offset;
    offset += element.length + 1;
    if (element === '') {
      // Point at the stray comma (the one before an empty element, or the trailing one).
      const comma = offset - 1 < token.text.length ? start : start - 1;
      return fail('cron.syntax', `empty list element in ${def.name}`, comma, comma + 1);
    }
    const parsed = parseElement(element, start, def);
    if (!parsed.ok) return parsed;
    for (const value of parsed.value)
      set.add(def.name === 'day of week' && value === 7 ? 0 : value);
  }
  return { ok: true, value: [...set].sort((a, b) => a - b) };
}

// One list element: `*`, `*/n`, `a`, `a-b` or `a-b/n`, where a and b are numbers or (month, day) names.
function parseElement(element: string, start: number, def: FieldDef): Result<number[]> {
  const end = start + element.length;
  let pos = 0;
  let low: number;
  let high: number;
  let ranged: boolean;
  if (element.startsWith('*')) {
    low = def.min;
    high = def.starMax;
    ranged = true;
    pos = 1;
  } else {
    const a = readAtom(element, pos, start, def);
    if (!a.ok) return a;
    low = a.value.value;
    high = low;
    pos = a.value.end;
    ranged = false;
    if (element[pos] === '-') {
      const b = readAtom(element, pos + 1, start, def);
      if (!b.ok) return b;
      high = b.value.value;
      if (high < low) {
        return fail(
          'cron.range',
          `range ${element.slice(0, b.value.end)} in ${def.name} runs backwards`,
          start,
          start + b.value.end,
        );
      }
      pos = b.value.end;
      ranged = true;
    }
  }
  let step = 1;
  if (element[pos] === '/') {
    const digits = /^\d+/.exec(element.slice(pos + 1))?.[0] ?? '';
    if (digits === '') {
      return fail(
        'cron.syntax',
        `expected a step number after '/' in ${def.name}`,
        start + pos,
        end,
      );
    }
    if (!ranged) {
      return fail(
        'cron.syntax',
        `a step needs '*' or a range before '/' in ${def.name} (write ${element.slice(0, pos)}-${def.max}/${digits})`,
        start,
        start + pos + 1 + digits.length,
      );
    }
    step = Number(digits);
    const span = def.starMax - def.min + 1;
    if (step < 1 || step > span) {
      return fail(
        'cron.range',
        `step ${digits} in ${def.name} must be between 1 and ${span}`,
        start + pos + 1,
        start + pos + 1 + digits.length,
      );
    }
    pos += 1 + digits.length;
  }
  if (pos < element.length) {
    return fail(
      'cron.syntax',
      `unexpected '${element.slice(pos)}' in ${def.name}`,
      start + pos,
      end,
    );
  }
  const values: number[] = [];
  for (let value = low; value <= high; value += step) values.push(value);
  return { ok: true, value: values };
}

function readAtom(
  element: string,
  pos: number,
  start: number,
  def: FieldDef,
): Result<{ value: number; end: number }> {
  const rest = element.slice(pos);
  const digits = /^\d+/.exec(rest)?.[0];
  if (digits !== undefined) {
    const value = Number(digits);
    if (value < def.min || value > def.max) {
      return fail(
        'cron.range',
        `${digits} is out of range for ${def.name} (${def.min}–${def.max})`,
        start + pos,
        start + pos + digits.length,
      );
    }
    return { ok: true, value: { value, end: pos + digits.length } };
  }
  const word = /^[A-Za-z]+/.exec(rest)?.[0];
  if (word !== undefined) {
    const index = def.names?.indexOf(word.toUpperCase()) ?? -1;
    if (index === -1) {
      const hint =
        def.names === undefined ? 'names are not allowed' : `expected ${def.names.join(' ')}`;
      return fail(
        'cron.syntax',
        `unknown name '${word}' in ${def.name}: ${hint}`,
        start + pos,
        start + pos + word.length,
      );
    }
    return { ok: true, value: { value: index + def.min, end: pos + word.length } };
  }
  const bad = rest === '' ? pos - 1 : pos;
  return fail(
    'cron.syntax',
    rest === ''
      ? `expected a number or name at the end of ${def.name}`
      : `unexpected '${rest.charAt(0)}' in ${def.name}: expected a number${def.names === undefined ? '' : ', a name'} or '*'`,
    start + Math.max(bad, 0),
    start + Math.max(bad, 0) + 1,
  );
}

/** Canonical text: parseCron(formatCron(spec)) gives back the same fields. Months and days as numbers. */
export function formatCron(spec: CronSpec): string {
  const [minute, hour, dom, month, dow] = FIELDS;
  if (!minute || !hour || !dom || !month || !dow) throw new Error('unreachable');
  return [
    formatField(spec.minutes, minute, undefined),
    formatField(spec.hours, hour, undefined),
    formatField(spec.daysOfMonth, dom, spec.daysOfMonthStar),
    formatField(spec.months, month, undefined),
    formatField(spec.daysOfWeek, dow, spec.daysOfWeekStar),
  ].join(' ');
}

/** `star`: whether the text must (true) or must not (false) start with `*`; undefined: no matter. */
function formatField(values: readonly number[], def: FieldDef, star: boolean | undefined): string {
  const span = def.starMax - def.min + 1;
  const full = values.length === span;
  if (star === true || star === undefined) {
    if (full) return '*';
    for (let step = 2; step <= span; step++) {
      const sequence: number[] = [];
      for (let value = def.min; value <= def.starMax; value += step) sequence.push(value);
      // A lone value reads better as itself, unless the field must start with `*`.
      if (star === undefined && sequence.length < 2) break;
      if (!sequence.every((value) => values.includes(value))) continue;
      const rest = values.filter((value) => !sequence.includes(value));
      if (rest.length === 0) return `*/${step}`;
      if (star === true) return `*/${step},${compress(rest)}`;
      break;
    }
  }
  return compress(values);
}

/** Never starts with `*`: an arithmetic run `a-b/n`, else runs `a-b` and single values. */
function compress(values: readonly number[]): string {
  const first = values[0];
  const second = values[1];
  if (values.length >= 3 && first !== undefined && second !== undefined && second - first >= 2) {
    const step = second - first;
    if (values.every((value, i) => value === first + i * step)) {
      return `${first}-${first + (values.length - 1) * step}/${step}`;
    }
  }
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j++;
    if (j - i >= 2) parts.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(',');
}
