import { type Command, Option } from 'commander';
import type { ClientConfig } from '../config/client-config.js';
import { SCHEDULE_PRESETS, type SchedulePreset } from '../domain/schedules.js';
import type { ScheduleBody, ScheduleRunBody } from './api-types.js';
import {
  client,
  collectVariable,
  isoTime,
  listAll,
  listFirst,
  positiveInteger,
  printTable,
  resolveProfile,
  withClient,
  type ClientFlags,
} from './client-command.js';
import { apiRequest, apiSubmit, CliError } from './http-client.js';
import { resolveTest } from './remote-run.js';
import { resolveSuite } from './remote-suite.js';

interface CreateFlags extends ClientFlags {
  name: string;
  test?: string;
  suite?: string;
  cron?: string;
  preset?: SchedulePreset;
  timezone?: string;
  profile?: string;
  variable?: { key: string; value: string }[];
  disabled?: boolean;
}

const schedulePath = (id: string, rest = '') => `/api/v2/schedules/${encodeURIComponent(id)}/${rest}`;
const scheduleNotFound = (id: string) => `Schedule "${id}" not found in the project of this token; \`bugrun schedule list\` lists them`;

/** `bugrun schedule ...`: a project's schedules (cron expressions that start test or suite runs), over the API. */
export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('start test or suite runs on a schedule (cron) on a Bugrun server');

  withClient(schedule.command('list').description('list the schedules: target, cron and time zone, state, next run, last skip')).action(
    async (flags: ClientFlags) => {
      const c = client(flags);
      const schedules = await listAll<ScheduleBody>(c, '/api/v2/schedules/');
      const targets = await targetNames(c, schedules);
      printTable(
        ['ID', 'NAME', 'TARGET', 'CRON', 'TIME ZONE', 'STATE', 'NEXT RUN', 'LAST SKIP'],
        schedules.map((s) => [
          s.id,
          s.name,
          targets.get(targetKey(s)) ?? targetKey(s),
          s.cron,
          s.timezone,
          s.enabled ? 'enabled' : 'disabled',
          isoTime(s.nextRunAt),
          s.lastSkippedAt ? `${isoTime(s.lastSkippedAt)}: ${s.lastSkipReason ?? ''}` : '',
        ]),
        '(no schedules)',
      );
    },
  );

  withClient(schedule.command('create').description('create a schedule; prints `scheduleId: <uuid>` and the next run'))
    .requiredOption('--name <name>', 'what the schedule is called')
    .option('--test <id|slug>', 'run this test')
    .option('--suite <id|slug>', 'run this suite')
    .option('--cron <expression>', 'when: minute hour day month weekday (or six fields, seconds first)')
    .addOption(new Option('--preset <preset>', 'when, instead of --cron').choices(Object.keys(SCHEDULE_PRESETS)))
    .option('--timezone <zone>', 'the IANA time zone the cron expression is read in (default UTC)')
    .option('--profile <name>', 'run with the profile of this name (default: the default profile)')
    .option('--variable <key=value>', 'override a variable in each run (repeatable)', collectVariable)
    .option('--disabled', 'create it disabled (no runs until `bugrun schedule enable`)')
    .action(async (flags: CreateFlags) => {
      if ((flags.test === undefined) === (flags.suite === undefined)) throw new CliError('Give what to run: either --test <id|slug> or --suite <id|slug>');
      if ((flags.cron === undefined) === (flags.preset === undefined))
        throw new CliError(`Give when to run: either --cron <expression> or --preset <${Object.keys(SCHEDULE_PRESETS).join('|')}>`);
      const c = client(flags);
      const target =
        flags.test !== undefined
          ? { kind: 'test', field: 'testId', ...(await resolveTest(c, flags.test)) }
          : { kind: 'suite', field: 'suiteId', ...(await resolveSuite(c, flags.suite as string)) };
      const profile = flags.profile === undefined ? null : await resolveProfile(c, flags.profile);
      const created = await apiSubmit<ScheduleBody>(c, 'POST', '/api/v2/schedules/', {
        name: flags.name,
        [target.field]: target.id,
        cron: flags.cron ?? SCHEDULE_PRESETS[flags.preset as SchedulePreset],
        ...(flags.timezone === undefined ? {} : { timezone: flags.timezone }),
        ...(profile ? { runProfileId: profile.id } : {}),
        ...(flags.variable ? { variables: flags.variable } : {}),
        ...(flags.disabled ? { enabled: false } : {}),
      });
      console.log(
        [
          `scheduleId: ${created.id}`,
          nextRunLine(created),
          `Runs ${target.kind} "${target.name}"${profile ? ` with profile "${profile.name}"` : ''} at "${created.cron}" (${created.timezone}), ${created.enabled ? 'enabled' : 'disabled'}`,
        ].join('\n'),
      );
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withClient(
      schedule.command(verb).description(enabled ? 'enable a schedule: it runs from its next tick on' : 'disable a schedule: no runs until it is enabled'),
    )
      .argument('<id>', 'the schedule id (from `bugrun schedule list`)')
      .action(async (id: string, flags: ClientFlags) => {
        const updated = await apiSubmit<ScheduleBody>(client(flags), 'PATCH', schedulePath(id), { enabled }, { notFound: scheduleNotFound(id) });
        console.log([`Schedule "${updated.name}" (${updated.id}): ${updated.enabled ? 'enabled' : 'disabled'}`, nextRunLine(updated)].join('\n'));
      });
  }

  withClient(schedule.command('delete').description('delete a schedule (the runs it started stay)'))
    .argument('<id>', 'the schedule id (from `bugrun schedule list`)')
    .action(async (id: string, flags: ClientFlags) => {
      await apiSubmit<null>(client(flags), 'DELETE', schedulePath(id), undefined, { notFound: scheduleNotFound(id) });
      console.log(`Deleted schedule ${id}`);
    });

  withClient(schedule.command('runs').description('list the runs a schedule started, newest first'))
    .argument('<id>', 'the schedule id (from `bugrun schedule list`)')
    .option('--limit <n>', 'show at most this many runs', positiveInteger, 20)
    .action(async (id: string, flags: ClientFlags & { limit: number }) => {
      const { rows, count } = await listFirst<ScheduleRunBody>(client(flags), schedulePath(id, 'runs/'), flags.limit, scheduleNotFound(id));
      printTable(
        ['ID', 'STATUS', 'SCHEDULED FOR', 'DETAILS'],
        rows.map((r) => [r.id, `${r.status}${r.errorCode ? ` (${r.errorCode})` : ''}`, isoTime(r.scheduledFor), r.webappUrl]),
        '(no runs yet)',
      );
      if (count > rows.length) console.error(`(the newest ${rows.length} of ${count}; --limit shows more)`);
    });
}

function targetKey(s: ScheduleBody): string {
  return s.testId ? `test ${s.testId}` : `suite ${s.suiteId ?? '?'}`;
}

/** `test "Login works"` for each schedule's target; one a request cannot find keeps its id. */
async function targetNames(c: ClientConfig, schedules: ScheduleBody[]): Promise<Map<string, string>> {
  const keys = [...new Set(schedules.map(targetKey))];
  const named = await Promise.all(
    keys.map(async (key) => {
      const [kind, id] = key.split(' ') as [string, string];
      const { status, data } = await apiRequest<{ name: string }>(c, 'GET', `/api/v2/${kind === 'test' ? 'tests' : 'suites'}/${encodeURIComponent(id)}/`);
      return [key, status === 200 ? `${kind} "${data.name}"` : key] as const;
    }),
  );
  return new Map(named);
}

/** `Next run: 2026-12-01T00:00:00Z (2026-12-01 05:30 Asia/Kolkata)`, or why there is none. */
function nextRunLine(s: ScheduleBody): string {
  if (!s.enabled) return 'Next run: — (disabled)';
  if (!s.nextRunAt) return 'Next run: — (the cron expression has no more ticks)';
  const local = s.timezone === 'UTC' ? '' : inZone(s.nextRunAt, s.timezone);
  return `Next run: ${isoTime(s.nextRunAt)}${local ? ` (${local})` : ''}`;
}

/** The wall-clock time in `zone`, as people there read it; '' when this Node does not know the zone. */
function inZone(iso: string, zone: string): string {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${p.second === '00' ? '' : `:${p.second}`} ${zone}`;
  } catch {
    return '';
  }
}
