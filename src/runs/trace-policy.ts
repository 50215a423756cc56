import type { RunResult, TracePolicy } from '../domain/index.js';

/** What a trace policy means for one run: whether it records a trace, and whether its outcome keeps it. */
export interface TraceDecision {
  policy: TracePolicy;
  record: boolean;
  keep: (status: RunResult) => boolean;
}

const always = (): boolean => true;

/** `attempt` is the run's attempt in its suite run (1 outside suites); on-first-retry records attempt 2 only. */
export function traceDecision(policy: TracePolicy, attempt: number): TraceDecision {
  switch (policy) {
    case 'off':
      return { policy, record: false, keep: always };
    case 'on':
      return { policy, record: true, keep: always };
    case 'retain-on-failure':
      return { policy, record: true, keep: (status) => status === 'failed' || status === 'error' };
    case 'on-first-retry':
      return { policy, record: attempt === 2, keep: always };
  }
}
