/**
 * What happened to a run's browser: its page crashed, or the browser or our context went away
 * (not a stop, not our own close). Either ends the run's waits at once (its signal is part of the
 * session's): a step's sleep of minutes must not outlive the browser it was waiting in.
 */
export class RunHealth {
  crashed = false;
  browserGone = false;
  private readonly lost = new AbortController();

  /** Aborted once the page crashed or the browser went away. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  crash(): void {
    this.crashed = true;
    this.lost.abort();
  }

  gone(): void {
    this.browserGone = true;
    this.lost.abort();
  }
}
