// An in-process bus that says "something may have changed": the executor rings it after every
// cycle and the HTTP layer after every change a person made. It carries no payload: listeners
// (the progress feeds) read what they show from the store, coalesced, and send only differences.
export class ChangeBus {
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Something changed. Listeners must be quick: they schedule work, they do not do it here. */
  notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // One listener's fault must not stop the others (nor the executor that rang).
      }
    }
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}
