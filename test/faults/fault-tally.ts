// Counts the faults a test file injects and how many the system survived (every check after the
// fault passed), and prints the count into the test output, where CI's log keeps it for the
// figures of docs/reliability.md.

export interface FaultTally {
  /** A fault was injected (before the checks of what followed it). */
  injected(name: string): void;
  /** The checks after the fault `name` passed. */
  survived(name: string): void;
  /** One line: "faults: 3 injected, 3 survived (a, b, c)". */
  summary(): string;
}

export function faultTally(suite: string): FaultTally {
  const injected: string[] = [];
  const survived = new Set<string>();
  return {
    injected(name) {
      injected.push(name);
    },
    survived(name) {
      if (!injected.includes(name)) throw new Error(`fault ${name} was never injected`);
      survived.add(name);
    },
    summary() {
      const lost = injected.filter((name) => !survived.has(name));
      const tail = lost.length > 0 ? `; not survived: ${lost.join(', ')}` : '';
      return `${suite} faults: ${injected.length} injected, ${survived.size} survived (${injected.join(', ')})${tail}`;
    },
  };
}
