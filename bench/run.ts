#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [--only latency,api] [--out DIR]`: measures Bugrun against a raw
 * playwright-core baseline on this machine and writes bench/RESULTS.md and bench/results.json.
 */
import { reapOwnChromium, runBench, type PartialResults } from './harness.js';
import { FIGURES, optionsFor, type BenchMode, type FigureName } from './lib/options.js';
import { benchDir } from './lib/paths.js';
import { ownChromiumProcesses } from './lib/processes.js';
import { writeReport } from './lib/report.js';
import { removeLiveTempRootsSync } from './lib/temp.js';

interface Args {
  mode: BenchMode;
  only: FigureName[];
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { mode: 'full', only: [], out: benchDir() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.mode = 'quick';
    else if (a === '--tiny') args.mode = 'tiny';
    else if (a === '--only') {
      for (const name of (argv[++i] ?? '').split(',').filter(Boolean)) {
        if (!(FIGURES as readonly string[]).includes(name)) throw new Error(`unknown figure "${name}" (one of ${FIGURES.join(', ')})`);
        args.only.push(name as FigureName);
      }
    } else if (a === '--out') args.out = argv[++i] ?? args.out;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench [-- --quick] [--only ${FIGURES.join(',')}] [--out DIR]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${a}"`);
  }
  return args;
}

/** Last resort on a signal or the watchdog: kill our own browsers by pid and remove our temp dirs. */
function emergencyCleanup(): void {
  for (const p of ownChromiumProcesses()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  removeLiveTempRootsSync();
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const options = optionsFor(args.mode, args.only);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);

  // Figures are skipped once the budget is used up; this hard stop is for a figure that hangs.
  const hardLimitSeconds = options.budgetSeconds + 240;
  let partial: PartialResults | null = null;
  const watchdog = setTimeout(() => {
    log(`!! bench exceeded its hard limit of ${hardLimitSeconds} s: stopping`);
    emergencyCleanup();
    const results = partial?.();
    if (!results) process.exit(2);
    results.errors.push({ figure: 'bench', message: `stopped by the watchdog after ${hardLimitSeconds} s; figures after the last row were not measured` });
    // Bounded: the process exits after this whatever happens.
    setTimeout(() => process.exit(2), 5_000).unref();
    writeReport(results, args.out)
      .then(
        (w) => log(`wrote the partial results to ${w.markdown}`),
        () => undefined,
      )
      .finally(() => process.exit(2));
  }, hardLimitSeconds * 1000);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`!! ${signal}: cleaning up`);
      emergencyCleanup();
      process.exit(130);
    });
  }

  log(`bugrun bench (${options.mode}): ${options.steps}-step reference test; figures ${(options.only.length ? options.only : FIGURES).join(', ')}`);
  log(`${'figure'.padEnd(11)} ${'metric'.padEnd(44)} ${'Bugrun'.padStart(13)} ${'baseline'.padEnd(40)} ${'ratio'.padStart(7)} ${'goal'.padEnd(16)} verdict`);
  const results = await runBench(options, { log, onStart: (p) => (partial = p) });
  clearTimeout(watchdog);
  const written = await writeReport(results, args.out);
  log(`wrote ${written.markdown} and ${written.json} (${results.durationSeconds} s)`);
  const missed = results.rows.filter((r) => r.met === false).length;
  log(`${results.rows.filter((r) => r.met === true).length} goals met, ${missed} missed, ${results.errors.length} figures failed`);
  const leftover = await reapOwnChromium(1_000);
  if (leftover.left > 0) log(`!! ${leftover.left} Chromium processes were still running at exit`);
  return results.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    emergencyCleanup();
    process.exitCode = 1;
  },
);
