import type { StepRunRecord } from '../domain/index.js';

/** `Step 4: Click Submit`: the step's place in the run and its name (its action when it has none). */
export function stepTitle(step: Pick<StepRunRecord, 'sequence' | 'name' | 'type'>): string {
  return `Step ${step.sequence + 1}: ${step.name ?? step.type}`;
}

/** Whether progress is one line rewritten in place: on a terminal, unless `CI` says this is a CI log. */
export function isLive(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return stream.isTTY === true && (ci === '' || ci === '0' || ci === 'false');
}

/**
 * Shows each step of a local run as it starts, `[2/3] Sign in › Step 4: Click Submit` (the test's
 * place among the tests, its name, the step). Live, one line is rewritten in place with `\r`; in
 * CI logs every step is a plain line.
 */
export class LocalProgress {
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly live: boolean,
    private readonly total: number,
    private readonly enabled: boolean,
  ) {}

  step(testIndex: number, testName: string, step: StepRunRecord): void {
    if (!this.enabled) return;
    const text = `[${testIndex}/${this.total}] ${testName} › ${stepTitle(step)}`.replace(/[\r\n]+/g, ' ');
    if (!this.live) {
      this.stream.write(`${text}\n`);
      return;
    }
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.drawn = true;
  }

  /** A line of its own (a warning while tests run), without breaking the live line. */
  note(text: string): void {
    this.finish();
    this.stream.write(`${text}\n`);
  }

  /** Clears the live line so what follows starts on a clean one. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
