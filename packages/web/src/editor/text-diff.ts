// A line diff for the save dialog: what the text about to be saved changes against the stored
// revision, as hunks with a few lines of context. The common head and tail are cut off first, so
// the usual edit (a few lines somewhere in a long file) costs a small table, not the whole file.

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers in the old and the new text (absent on the side that lacks the line). */
  old?: number;
  new?: number;
}

export interface DiffHunk {
  lines: DiffLine[];
}

/** Above this many cells the middle is shown as removed-then-added instead of aligned. */
const MAX_TABLE = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of both texts, aligned on a longest common subsequence. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i]!, old: i + 1, new: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_TABLE) {
    midA.forEach((text, i) => out.push({ kind: 'removed', text, old: head + i + 1 }));
    midB.forEach((text, j) => out.push({ kind: 'added', text, new: head + j + 1 }));
  } else {
    // lcs[i][j]: length of the common subsequence of midA[i..] and midB[j..].
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          midA[i] === midB[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        out.push({ kind: 'same', text: midA[i]!, old: head + i + 1, new: head + j + 1 });
        i++;
        j++;
      } else if (j < m && (i === n || lcs[i * width + j + 1]! > lcs[(i + 1) * width + j]!)) {
        out.push({ kind: 'added', text: midB[j]!, new: head + j + 1 });
        j++;
      } else {
        out.push({ kind: 'removed', text: midA[i]!, old: head + i + 1 });
        i++;
      }
    }
  }
  for (let k = tail; k > 0; k--) {
    out.push({
      kind: 'same',
      text: a[a.length - k]!,
      old: a.length - k + 1,
      new: b.length - k + 1,
    });
  }
  return out;
}

/** The changed lines with `context` unchanged lines around them, in hunks; [] when equal. */
export function diffHunks(before: string, after: string, context = 3): DiffHunk[] {
  const lines = diffLines(before, after);
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (
      let k = Math.max(0, index - context);
      k <= Math.min(lines.length - 1, index + context);
      k++
    )
      keep[k] = true;
  });
  const hunks: DiffHunk[] = [];
  let current: DiffHunk | undefined;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      current = undefined;
      return;
    }
    if (!current) {
      current = { lines: [] };
      hunks.push(current);
    }
    current.lines.push(line);
  });
  return hunks;
}

/** How many lines were added and removed. */
export function diffStats(hunks: readonly DiffHunk[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks)
    for (const line of hunk.lines) {
      if (line.kind === 'added') added++;
      else if (line.kind === 'removed') removed++;
    }
  return { added, removed };
}
