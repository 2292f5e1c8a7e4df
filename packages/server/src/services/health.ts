// Health: the service answers, and a trivial store query succeeds.
import type { Clock } from '@poms/core';
import type { Store } from '../ports/store.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  store: { kind: Store['kind']; ok: boolean; error?: string };
  started_at: string;
  uptime_s: number;
}

export class HealthService {
  private readonly startedAt: Date;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly version: string,
  ) {
    this.startedAt = clock.now();
  }

  async check(): Promise<HealthReport> {
    let storeOk = true;
    let error: string | undefined;
    try {
      await this.store.experiments.list();
    } catch (e) {
      storeOk = false;
      error = e instanceof Error ? e.message : String(e);
    }
    const now = this.clock.now();
    return {
      status: storeOk ? 'ok' : 'degraded',
      version: this.version,
      store: { kind: this.store.kind, ok: storeOk, ...(error ? { error } : {}) },
      started_at: this.startedAt.toISOString(),
      uptime_s: Math.round((now.getTime() - this.startedAt.getTime()) / 1000),
    };
  }
}
