import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import {
  isFinished,
  type ProfileSummary,
  type RunBody,
  type RunStatusBody,
  type SuiteRunBody,
  type SuiteRunStatusBody,
  type SuiteSummary,
  type TestSummary,
} from './api-types.js';
import { client, collectVariable, listAll, printTable, withClient, type ClientFlags } from './client-command.js';
import { apiJson } from './http-client.js';
import { reportSuiteRun, runSuite, suiteRunNotFound } from './remote-suite.js';
import { reportRun, runTest, type ReportOptions, type RunOptions } from './remote-run.js';

/** `bugrun remote ...`: BugBug's CLI commands (`bugbug remote ...`), against a Bugrun server. */
export function registerRemote(program: Command): void {
  const remote = program.command('remote').description('run tests and read results on a Bugrun server (BugBug CLI compatible)');

  withReportOptions(
    withClient(remote.command('run').description('run a test or suite; prints `testRunId: <uuid>` (`suiteRunId: <uuid>`), exits 0 only if it passed'))
      .addArgument(kindArgument())
      .argument('<id>', 'test or suite id or slug')
      .option('--profile <name>', 'run with the profile of this name (default: the default profile)')
      .option('--variable <key=value>', 'override a variable for this run (repeatable)', collectVariable)
      .option('--no-wait', 'print the testRunId and exit without waiting for the result')
      .option('--no-progress', 'do not show the progress line while waiting')
      .option('--result-timeout <minutes>', 'stop waiting after this many minutes (the run goes on)', minutes, 60)
      .option('--triggered-by <source>', 'who started the run (user, api, webhook, scheduler, github, cli, agent)', 'cli'),
  ).action(async (kind: string, id: string, flags: ClientFlags & Omit<RunOptions, 'variable'> & { variable?: RunOptions['variable'] }) => {
    const opts = { ...flags, variable: flags.variable ?? [] };
    if (kind === 'suite') {
      process.exitCode = await runSuite(client(flags), id, opts);
      return;
    }
    process.exitCode = await runTest(client(flags), id, opts);
  });

  withClient(remote.command('status').description("print a test or suite run's status and progress"))
    .addArgument(kindArgument())
    .argument('<runId>', 'test or suite run id')
    .action(async (kind: string, runId: string, flags: ClientFlags) => {
      if (kind === 'suite') {
        const status = await apiJson<SuiteRunStatusBody>(client(flags), 'GET', `/api/v2/suiteruns/${encodeURIComponent(runId)}/status/`, {
          notFound: suiteRunNotFound(runId),
        });
        console.log(
          [
            `suiteRunId: ${status.id}`,
            `Status: ${status.status}`,
            `Progress: ${status.finishedTests}/${status.totalTests} tests`,
            `Details: ${status.webappUrl}`,
          ].join('\n'),
        );
        return;
      }
      const status = await apiJson<RunStatusBody>(client(flags), 'GET', `/api/v2/testruns/${encodeURIComponent(runId)}/status/`, {
        notFound: runNotFound(runId),
      });
      console.log(
        [
          `testRunId: ${status.id}`,
          `Status: ${status.status}`,
          `Progress: ${status.finishedSteps}/${status.totalSteps} steps`,
          `Details: ${status.webappUrl}`,
        ].join('\n'),
      );
    });

  withReportOptions(
    withClient(remote.command('result').description("print a finished test or suite run's result; exits 0 only if it passed"))
      .addArgument(kindArgument())
      .argument('<runId>', 'test or suite run id'),
  ).action(async (kind: string, runId: string, flags: ClientFlags & ReportOptions) => {
    const c = client(flags);
    if (kind === 'suite') {
      const run = await apiJson<SuiteRunBody>(c, 'GET', `/api/v2/suiteruns/${encodeURIComponent(runId)}/`, { notFound: suiteRunNotFound(runId) });
      console.log(`suiteRunId: ${run.id}`);
      if (!isFinished(run.status)) {
        console.log(`Status: ${run.status} (not finished yet)`);
        process.exitCode = 1;
        return;
      }
      process.exitCode = await reportSuiteRun(c, run, flags);
      return;
    }
    const run = await apiJson<RunBody>(c, 'GET', `/api/v2/testruns/${encodeURIComponent(runId)}/`, { notFound: runNotFound(runId) });
    console.log(`testRunId: ${run.id}`);
    if (!isFinished(run.status)) {
      console.log(`Status: ${run.status} (not finished yet)`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = await reportRun(c, run, flags);
  });

  withClient(remote.command('stop').description('stop a test or suite run'))
    .addArgument(kindArgument())
    .argument('<runId>', 'test or suite run id')
    .action(async (kind: string, runId: string, flags: ClientFlags) => {
      if (kind === 'suite') {
        const status = await apiJson<SuiteRunStatusBody>(client(flags), 'POST', `/api/v2/suiteruns/${encodeURIComponent(runId)}/stop/`, {
          notFound: suiteRunNotFound(runId),
        });
        console.log([`suiteRunId: ${status.id}`, `Status: ${status.status}`].join('\n'));
        return;
      }
      const status = await apiJson<RunStatusBody>(client(flags), 'POST', `/api/v2/testruns/${encodeURIComponent(runId)}/stop/`, {
        notFound: runNotFound(runId),
      });
      console.log([`testRunId: ${status.id}`, `Status: ${status.status}`].join('\n'));
    });

  withClient(remote.command('list').description('list the tests, suites or profiles of the project'))
    .addArgument(new Argument('<kind>', 'what to list').choices(['test', 'suite', 'profile']))
    .action(async (kind: string, flags: ClientFlags) => {
      const c = client(flags);
      if (kind === 'suite') {
        const suites = await listAll<SuiteSummary>(c, '/api/v2/suites/?ordering=name');
        printTable(
          ['ID', 'SLUG', 'TESTS', 'NAME'],
          suites.map((s) => [s.id, s.slug, String(s.testsCount), s.name]),
        );
      } else if (kind === 'test') {
        const tests = await listAll<TestSummary & { slug: string }>(c, '/api/v2/tests/?ordering=name');
        printTable(
          ['ID', 'SLUG', 'NAME'],
          tests.map((t) => [t.id, t.slug, t.name]),
        );
      } else {
        const profiles = await listAll<ProfileSummary>(c, '/api/v2/profiles/');
        printTable(
          ['ID', 'DEFAULT', 'NAME'],
          profiles.map((p) => [p.id, p.isDefault ? 'yes' : '', p.name]),
        );
      }
    });
}

function withReportOptions(cmd: Command): Command {
  return cmd
    .option('--with-details', 'print every step with its status, error code and message')
    .addOption(new Option('--reporter <name>', 'how to report the result').choices(['inline', 'junit']).default('inline'))
    .option('--output-path <path>', 'where the junit reporter writes its XML file (default bugrun-<testRunId>-junit.xml)');
}

function kindArgument(): Argument {
  return new Argument('<kind>', '"test" or "suite"').choices(['test', 'suite']);
}

const runNotFound = (runId: string) => `Test run "${runId}" not found in the project of this token`;

function minutes(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a positive number of minutes.');
  return n;
}
