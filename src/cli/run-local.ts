import { type Command, InvalidArgumentError, Option } from 'commander';
import { collectVariable, positiveInteger } from './client-command.js';
import type { LocalRunOptions, Reporter } from './local-run.js';

const REPORTER_NAMES: readonly Reporter[] = ['list', 'junit', 'html'];

/** `--reporter list|junit|html`, repeatable or comma-separated (`--reporter list,junit`). */
function collectReporter(raw: string, previous: Reporter[] | undefined): Reporter[] {
  const out = [...(previous ?? [])];
  for (const name of raw.split(',').map((n) => n.trim())) {
    const reporter = REPORTER_NAMES.find((r) => r === name);
    if (!reporter) throw new InvalidArgumentError(`Allowed choices are ${REPORTER_NAMES.join(', ')}.`);
    if (!out.includes(reporter)) out.push(reporter);
  }
  return out;
}

interface RunFlags {
  profile?: string;
  variable?: { key: string; value: string }[];
  reporter?: Reporter[];
  outputPath: string;
  trace: 'on' | 'off';
  workers: number;
  headed?: boolean;
}

/** `bugrun run <file.yaml|folder>...`: runs BugBug YAML tests in a local Chromium, without a server. */
export function registerRunLocal(program: Command): void {
  program
    .command('run')
    .description('run the tests of BugBug YAML files or bundle folders in a local Chromium, without a server; exits 0 only if every test passed')
    .argument('<paths...>', 'YAML files or bundle folders (tests, components, profiles, suites, project settings)')
    .option('--profile <name>', "use this profile's variables (default: the default profile)")
    .option('--variable <key=value>', 'override a variable (repeatable)', collectVariable)
    .option('--reporter <name>', 'list (progress and results on the console, the default), junit (junit.xml), html (report.html); repeatable', collectReporter)
    .option('--output-path <folder>', 'where screenshots, traces and reports go', 'bugrun-results')
    .addOption(new Option('--trace <mode>', "record each test's Playwright trace (trace.zip in its folder)").choices(['on', 'off']).default('off'))
    .option('--workers <n>', 'tests running at once', positiveInteger, 1)
    .option('--headed', 'show the browser window (needs a display)')
    // Usage errors exit 2, like invalid YAML: 1 means a test did not pass.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (paths: string[], flags: RunFlags) => {
      // Loaded on demand: the runner and the YAML validator are heavy for the other commands.
      const { runLocal } = await import('./local-run.js');
      const opts: LocalRunOptions = {
        profile: flags.profile,
        variable: flags.variable ?? [],
        reporter: flags.reporter ?? ['list'],
        outputPath: flags.outputPath,
        trace: flags.trace === 'on',
        workers: flags.workers,
        headed: flags.headed === true,
      };
      process.exitCode = await runLocal(paths, opts);
    });
}
