// The load test's HTTP side: one fetch (Node's undici, keep-alive) per call, timed and counted
// by request kind, inside a budget of requests and time shared by every simulated user and job.
// Each call names the statuses it may get; any other answer is kept with its route and body so
// the end of the run can list it (a 5xx is never expected).

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface CallSpec {
  /** The request kind latencies and counts are kept under (e.g. `job.files`, `edit.save`). */
  kind: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /api/v1. */
  path: string;
  token: string;
  body?: unknown;
  /** Statuses other than 2xx that are fine for this call (e.g. 409 for a stale save). */
  expected?: readonly number[];
}

export interface Unexpected {
  kind: string;
  route: string;
  status: number;
  body: string;
}

/** Stops the run at a number of requests or an instant, whichever comes first. */
export class Budget {
  private sent = 0;
  private readonly deadline: number;

  constructor(
    readonly maxRequests: number,
    maxSeconds: number,
  ) {
    this.deadline = Date.now() + maxSeconds * 1000;
  }

  /** Takes one request from the budget; false when none is left. */
  take(): boolean {
    if (this.sent >= this.maxRequests || Date.now() >= this.deadline) return false;
    this.sent++;
    return true;
  }

  get requests(): number {
    return this.sent;
  }

  get spent(): boolean {
    return this.sent >= this.maxRequests || Date.now() >= this.deadline;
  }
}

export class OutOfBudget extends Error {
  constructor() {
    super('the load run is out of its request or time budget');
  }
}

/** Answers kept per kind: latencies (ms) and how many of each status. */
export interface KindRecord {
  latencies: number[];
  statuses: Map<number, number>;
}

export class LoadClient {
  readonly kinds = new Map<string, KindRecord>();
  readonly unexpected: Unexpected[] = [];

  constructor(
    private readonly baseUrl: string,
    readonly budget: Budget,
  ) {}

  /** One call; throws OutOfBudget (sending nothing) when the budget is spent. */
  async call(spec: CallSpec): Promise<Answer> {
    if (!this.budget.take()) throw new OutOfBudget();
    const headers: Record<string, string> = { authorization: `Bearer ${spec.token}` };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const start = performance.now();
    let status = 0;
    let text = '';
    try {
      const response = await fetch(`${this.baseUrl}/api/v1${spec.path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // No answer at all (connection refused or reset): kept as status 0, never expected.
      text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    this.record(spec.kind, status, performance.now() - start);
    const fine = (status >= 200 && status < 300) || (spec.expected ?? []).includes(status);
    if (!fine) {
      this.unexpected.push({
        kind: spec.kind,
        route: `${spec.method} ${spec.path}`,
        status,
        body: text.slice(0, 500),
      });
    }
    return { status, body: parseObject(text) };
  }

  private record(kind: string, status: number, ms: number): void {
    let record = this.kinds.get(kind);
    if (record === undefined) {
      record = { latencies: [], statuses: new Map() };
      this.kinds.set(kind, record);
    }
    record.latencies.push(ms);
    record.statuses.set(status, (record.statuses.get(status) ?? 0) + 1);
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
