// A small queue run off the executor's path: at most `concurrency` tasks at once, each key queued
// once while it waits or runs (a job reported twice is fetched once).

export class WorkQueue {
  private readonly waiting: { key: string; run: () => Promise<void> }[] = [];
  private readonly keys = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** False when the key is already waiting or running, or the queue is stopped. */
  add(key: string, run: () => Promise<void>): boolean {
    if (this.stopped || this.keys.has(key)) return false;
    this.keys.add(key);
    this.waiting.push({ key, run });
    this.pump();
    return true;
  }

  /** Tasks waiting for a free slot, and running (the metrics' queue depth). */
  get depth(): { waiting: number; running: number } {
    return { waiting: this.waiting.length, running: this.running.size };
  }

  /** Resolves when nothing waits or runs. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Drops what waits and waits for what runs; nothing new starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.waiting.splice(0)) this.keys.delete(task.key);
    await this.idle();
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const task = this.waiting.shift();
      if (task === undefined) return;
      const done: Promise<void> = task
        .run()
        .catch((error: unknown) => this.onError(task.key, error))
        .finally(() => {
          this.running.delete(done);
          this.keys.delete(task.key);
          this.pump();
        });
      this.running.add(done);
    }
  }
}
