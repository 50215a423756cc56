import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ALERT_EVENTS, ALERT_FILTER_STATUSES, ALERT_TARGETS } from '../domain/alerts.js';
import { TRIGGERS } from '../domain/run-status.js';
import type { AlertBody, AlertCreatedBody, AlertDeliveryBody, ProfileSummary } from './api-types.js';
import { client, isoTime, listAll, listFirst, positiveInteger, printTable, resolveProfile, withClient, type ClientFlags } from './client-command.js';
import { apiSubmit, CliError } from './http-client.js';

interface CreateFlags extends ClientFlags {
  name: string;
  event: AlertBody['event'];
  target?: AlertBody['target'];
  status?: string[];
  triggeredBy?: string[];
  profile?: string;
  onlyOnChange?: boolean;
  webhook?: string;
  method?: 'GET' | 'POST';
  header?: [string, string][];
  bodyTemplate?: string;
  slack?: string;
  teams?: string;
  email?: string[];
}

const alertPath = (id: string, rest = '') => `/api/v2/alerts/${encodeURIComponent(id)}/${rest}`;
const alertNotFound = (id: string) => `Alert "${id}" not found in the project of this token; \`bugrun alert list\` lists them`;

/** `bugrun alert ...`: a project's alerts (webhook, Slack, Teams or email when runs start or finish), over the API. */
export function registerAlert(program: Command): void {
  const alert = program.command('alert').description('tell a webhook, Slack, Teams or email when runs start or finish, on a Bugrun server');

  withClient(alert.command('list').description('list the alerts: when they fire, their filters, their action (URLs masked)')).action(
    async (flags: ClientFlags) => {
      const c = client(flags);
      const alerts = await listAll<AlertBody>(c, '/api/v2/alerts/');
      const profiles = alerts.some((a) => a.filters.profileId) ? await listAll<ProfileSummary>(c, '/api/v2/profiles/') : [];
      printTable(
        ['ID', 'NAME', 'STATE', 'WHEN', 'FILTERS', 'ACTION'],
        alerts.map((a) => [a.id, a.name, a.enabled ? 'enabled' : 'disabled', when(a), filtersText(a, profiles), actionText(a)]),
        '(no alerts)',
      );
    },
  );

  withClient(alert.command('create').description("create an alert; prints `alertId: <uuid>` (and a webhook's signing secret, once)"))
    .requiredOption('--name <name>', 'what the alert is called')
    .addOption(new Option('--event <event>', 'when it fires: a run started or finished').choices(ALERT_EVENTS).makeOptionMandatory())
    .addOption(new Option('--target <target>', 'which runs: single test runs, suite runs or any (default any)').choices(ALERT_TARGETS))
    .addOption(new Option('--status <status...>', 'only finished runs that ended so (repeatable)').choices(ALERT_FILTER_STATUSES))
    .addOption(new Option('--triggered-by <source...>', 'only runs started so (repeatable)').choices(TRIGGERS))
    .option('--profile <name>', 'only runs with the profile of this name')
    .option('--only-on-change', 'only when the status differs from the previous run of the same test or suite')
    .option('--webhook <url>', 'action: call this URL (signed with X-Bugrun-Signature)')
    .addOption(new Option('--method <method>', "the webhook's HTTP method (default POST)").choices(['GET', 'POST']))
    .option('--header <"Name: value">', 'an extra header of the webhook request (repeatable)', collectHeader)
    .option('--body-template <file>', "a LiquidJS template of the webhook's JSON body (default: the standard payload)")
    .option('--slack <url>', 'action: post to this Slack incoming webhook')
    .option('--teams <url>', 'action: post to this Microsoft Teams incoming webhook')
    .option('--email <address...>', 'action: email these addresses (repeatable; needs BUGRUN_SMTP_URL on the server)')
    .action(async (flags: CreateFlags) => {
      const given = (['webhook', 'slack', 'teams', 'email'] as const).filter((type) => flags[type] !== undefined);
      if (given.length !== 1) throw new CliError('Give exactly one action: --webhook <url>, --slack <url>, --teams <url> or --email <address...>');
      const type = given[0];
      if (type !== 'webhook' && (flags.method !== undefined || flags.header !== undefined || flags.bodyTemplate !== undefined)) {
        throw new CliError('--method, --header and --body-template go with --webhook only');
      }
      const c = client(flags);
      const profile = flags.profile === undefined ? null : await resolveProfile(c, flags.profile);
      const filters = {
        ...(flags.status ? { statuses: flags.status } : {}),
        ...(flags.triggeredBy ? { triggeredBy: flags.triggeredBy } : {}),
        ...(profile ? { profileId: profile.id } : {}),
        ...(flags.onlyOnChange ? { onlyOnChange: true } : {}),
      };
      const action =
        type === 'email'
          ? { type, to: flags.email }
          : type === 'webhook'
            ? {
                type,
                url: flags.webhook,
                ...(flags.method ? { method: flags.method } : {}),
                ...(flags.header ? { headers: Object.fromEntries(flags.header) } : {}),
                ...(flags.bodyTemplate === undefined ? {} : { body: await readTemplate(flags.bodyTemplate) }),
              }
            : { type, url: flags[type] };
      const created = await apiSubmit<AlertCreatedBody>(c, 'POST', '/api/v2/alerts/', {
        name: flags.name,
        event: flags.event,
        ...(flags.target ? { target: flags.target } : {}),
        ...(Object.keys(filters).length > 0 ? { filters } : {}),
        action,
      });
      const lines = [`alertId: ${created.id}`];
      if (created.secret) lines.push(`secret: ${created.secret}`);
      const filtered = filtersText(created, profile ? [profile] : []);
      lines.push(`When: ${when(created)}${filtered === '—' ? '' : ` (${filtered})`}`, `Action: ${actionText(created)}`);
      console.log(lines.join('\n'));
      if (created.secret) console.error('Copy the secret now: deliveries are signed with it (X-Bugrun-Signature) and it cannot be shown again.');
    });

  withClient(alert.command('delete').description('delete an alert and its deliveries'))
    .argument('<id>', 'the alert id (from `bugrun alert list`)')
    .action(async (id: string, flags: ClientFlags) => {
      await apiSubmit<null>(client(flags), 'DELETE', alertPath(id), undefined, { notFound: alertNotFound(id) });
      console.log(`Deleted alert ${id}`);
    });

  withClient(alert.command('deliveries').description("list an alert's deliveries, newest first: status, attempts, response, error, run"))
    .argument('<id>', 'the alert id (from `bugrun alert list`)')
    .option('--limit <n>', 'show at most this many deliveries', positiveInteger, 20)
    .action(async (id: string, flags: ClientFlags & { limit: number }) => {
      const { rows, count } = await listFirst<AlertDeliveryBody>(client(flags), alertPath(id, 'deliveries/'), flags.limit, alertNotFound(id));
      printTable(
        ['CREATED', 'STATUS', 'ATTEMPTS', 'CODE', 'RUN', 'ERROR'],
        rows.map((d) => [
          isoTime(d.created),
          d.status,
          String(d.attempts),
          d.responseCode === null ? '—' : String(d.responseCode),
          `${d.target} run ${d.testRunId ?? d.suiteRunId ?? '?'} (${d.event} ${d.runStatus}: ${d.name})`,
          [d.error ?? '', d.status === 'pending' && d.nextAttemptAt ? `next attempt ${isoTime(d.nextAttemptAt)}` : ''].filter(Boolean).join('; '),
        ]),
        `(no deliveries yet for alert ${id})`,
      );
      if (count > rows.length) console.error(`(the newest ${rows.length} of ${count}; --limit shows more)`);
    });
}

/** `--header 'Name: value'`, repeatable. */
function collectHeader(raw: string, previous: [string, string][] = []): [string, string][] {
  const at = raw.indexOf(':');
  const name = raw.slice(0, at).trim();
  if (at <= 0 || name === '') throw new InvalidArgumentError('Expected "Name: value".');
  return [...previous, [name, raw.slice(at + 1).trim()]];
}

async function readTemplate(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read the body template ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `test finished`, `suite started`, `any run finished`. */
function when(a: AlertBody): string {
  return `${a.target === 'any' ? 'any run' : a.target} ${a.event}`;
}

/** `status=failed,error by=scheduler profile=Staging on-change`, or `—` for none. */
function filtersText(a: AlertBody, profiles: ProfileSummary[]): string {
  const f = a.filters;
  const parts = [
    f.statuses.length > 0 ? `status=${f.statuses.join(',')}` : '',
    f.triggeredBy.length > 0 ? `by=${f.triggeredBy.join(',')}` : '',
    f.profileId ? `profile=${profiles.find((p) => p.id === f.profileId)?.name ?? f.profileId}` : '',
    f.onlyOnChange ? 'on-change' : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '—';
}

/** `webhook POST https://hooks.example.com/******** headers: X-Token`, `email a@example.com,b@example.com`: what the API shows, masked. */
function actionText(a: AlertBody): string {
  const { action } = a;
  if (action.type === 'email') return `email ${action.to.join(',')}`;
  const headers = Object.keys(action.headers);
  return [
    action.type,
    action.type === 'webhook' ? (action.method ?? 'POST') : '',
    action.url ?? '',
    headers.length > 0 ? `headers: ${headers.join(',')}` : '',
    action.body ? '(body template)' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
