import { randomInt } from 'node:crypto';

/** Who starts a run, as the built-in variables of docs/bugbug-compatibility.md §6 tell it. */
export interface BuiltinsInput {
  runId: string;
  test: { id: string; name: string };
  /** The profile the run uses (the named or default one); null when there is none. */
  profileName: string | null;
  /** `server` for runs of a Bugrun server, `local` for `bugrun run`. */
  runMode: string;
  /** The suite run this run is one test of, or null. */
  suite?: { runId: string; id: string; name: string } | null;
  /** The schedule that starts the run, or null. */
  schedule?: { id: string; name: string } | null;
}

function randomLetters(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
}

function randomDigits(n: number): string {
  return String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => String(randomInt(10))).join('');
}

/** The built-in variables of one run (`PlanInput.builtins`); the random ones are fixed for the run. */
export function runBuiltins(input: BuiltinsInput): Record<string, string> {
  return {
    testRunId: input.runId,
    testId: input.test.id,
    testName: input.test.name,
    suiteRunId: input.suite?.runId ?? '',
    suiteId: input.suite?.id ?? '',
    suiteName: input.suite?.name ?? '',
    scheduleId: input.schedule?.id ?? '',
    scheduleName: input.schedule?.name ?? '',
    runMode: input.runMode,
    profileName: input.profileName ?? '',
    timestamp: String(Date.now()),
    randomNameFixed: randomLetters(8),
    randomNumberFixed: randomDigits(10),
  };
}
