import { api, ApiError, listAll } from '../api.js';
import { formatTime, h, replace } from '../dom.js';
import { field, formDialog } from '../forms.js';
import { parseVariables } from './run-dialog.js';

/** BugBug's schedule presets, the cron expressions of src/domain/schedules.ts (the UI test compares them). */
export const SCHEDULE_PRESETS = [
  ['*/5 * * * *', 'Every 5 minutes'],
  ['*/15 * * * *', 'Every 15 minutes'],
  ['*/30 * * * *', 'Every 30 minutes'],
  ['0 * * * *', 'Every hour'],
  ['0 0 * * *', 'Every day at 00:00'],
  ['0 0 * * 1', 'Every Monday at 00:00'],
  ['0 0 1 * *', 'On the 1st of every month at 00:00'],
];

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const two = (n) => String(n).padStart(2, '0');

/** A cron expression in words when it is a preset or a plain daily or weekly time; null otherwise. */
export function cronInWords(cron) {
  const text = String(cron ?? '')
    .trim()
    .split(/\s+/)
    .join(' ');
  const preset = SCHEDULE_PRESETS.find(([expression]) => expression === text);
  if (preset) return preset[1];
  if (text === '* * * * *') return 'Every minute';
  if (text === '* * * * * *') return 'Every second';
  let m = /^\*\/(\d+) \* \* \* \*( \*)?$/.exec(text);
  if (m) return `Every ${m[1]} ${m[2] ? 'seconds' : 'minutes'}`;
  m = /^(\d{1,2}) (\d{1,2}) \* \* (\*|[0-7]|1-5)$/.exec(text);
  if (m && Number(m[1]) < 60 && Number(m[2]) < 24) {
    const at = `${two(m[2])}:${two(m[1])}`;
    if (m[3] === '*') return `Every day at ${at}`;
    if (m[3] === '1-5') return `Every weekday at ${at}`;
    return `Every ${DAYS[Number(m[3])]} at ${at}`;
  }
  return null;
}

/** When a schedule fires: its cron in words (the expression below) or the expression, and its zone. */
export function whenNode(schedule) {
  const words = cronInWords(schedule.cron);
  return h(
    'span',
    { class: 'when' },
    words ?? h('code', {}, schedule.cron),
    h('span', { class: 'muted' }, ` · ${schedule.timezone}`),
    words ? h('div', { class: 'muted small' }, h('code', {}, schedule.cron)) : null,
  );
}

export const schedulePath = (id, rest = '') => `/api/v2/schedules/${encodeURIComponent(id)}/${rest}`;

/** The page of a run a schedule started: a test run's, or a suite run's. */
export const lastRunPath = (schedule) =>
  schedule.suiteId ? `/suite-runs/${encodeURIComponent(schedule.lastRunId)}` : `/runs/${encodeURIComponent(schedule.lastRunId)}`;

/** The tests, suites and profiles a schedule may name. */
export async function loadChoices() {
  const [tests, suites, profiles] = await Promise.all([
    listAll('/api/v2/tests/?ordering=name'),
    listAll('/api/v2/suites/?ordering=name'),
    listAll('/api/v2/profiles/'),
  ]);
  return { tests, suites, profiles };
}

/** What a schedule runs: the test's or suite's name, and which of the two it is. */
export function targetOf(schedule, { tests, suites }) {
  const kind = schedule.suiteId ? 'suite' : 'test';
  const id = schedule.suiteId ?? schedule.testId;
  const found = (kind === 'suite' ? suites : tests).find((t) => t.id === id);
  return { kind, id, name: found?.name ?? null };
}

export function targetNode(schedule, choices) {
  const { kind, name } = targetOf(schedule, choices);
  return [h('div', { class: 'target-name' }, name ?? `(a deleted ${kind})`), h('div', { class: 'muted small' }, kind)];
}

/** The last run's time, linked to its page, and the last skipped tick with its reason. */
export function lastRunNode(schedule) {
  return [
    schedule.lastRunId
      ? h('a', { href: lastRunPath(schedule), dataset: { nav: '' }, class: 'last-run-link' }, formatTime(schedule.lastRunAt))
      : h('span', { class: 'muted' }, 'None yet'),
    schedule.lastSkippedAt
      ? h('div', { class: 'skip small' }, `Skipped ${formatTime(schedule.lastSkippedAt)}: `, h('span', { class: 'skip-reason' }, schedule.lastSkipReason ?? ''))
      : null,
  ];
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function timeZones() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/**
 * The dialog that creates a schedule or edits one: name, test or suite, a preset or a cron
 * expression, time zone, profile, variables, enabled. `onSaved(schedule, created)` after a save.
 */
export function scheduleDialog(onSaved) {
  const name = h('input', { name: 'name', autocomplete: 'off', placeholder: 'Nightly checkout' });
  const target = h('select', { name: 'target' });
  const preset = h(
    'select',
    { name: 'preset' },
    SCHEDULE_PRESETS.map(([cron, label]) => h('option', { value: cron }, label)),
    h('option', { value: '' }, 'Custom cron expression'),
  );
  const cron = h('input', { name: 'cron', autocomplete: 'off', spellcheck: 'false', placeholder: '30 6 * * 1-5' });
  const timezone = h('input', { name: 'timezone', list: 'schedule-time-zones', autocomplete: 'off', spellcheck: 'false' });
  const profile = h('select', { name: 'profile' });
  const variables = h('textarea', { name: 'variables', rows: '3', placeholder: 'email=me@example.com', spellcheck: 'false' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  let editing = null;

  preset.addEventListener('change', () => {
    if (preset.value) cron.value = preset.value;
  });
  cron.addEventListener('input', () => {
    preset.value = SCHEDULE_PRESETS.find(([expression]) => expression === cron.value.trim())?.[0] ?? '';
  });

  const shell = formDialog({
    className: 'schedule-dialog',
    label: 'Schedule',
    submitText: 'Save schedule',
    fields: [
      field('Name', name, { fields: 'name' }),
      field('Test or suite', target, { fields: 'testId suiteId' }),
      h(
        'div',
        { class: 'field-row' },
        field('Repeat', preset),
        field('Cron expression', cron, { fields: 'cron', hint: 'minute hour day month weekday; six fields: seconds first' }),
      ),
      field('Time zone', timezone, { fields: 'timezone', hint: 'The cron’s times are in this zone (an IANA name).' }),
      h(
        'datalist',
        { id: 'schedule-time-zones' },
        timeZones().map((zone) => h('option', { value: zone })),
      ),
      field('Profile', profile, { fields: 'runProfileId' }),
      field('Variables (key=value, one per line; they override the profile)', variables, { fields: 'variables' }),
      h('label', { class: 'check' }, enabled, 'Enabled: start runs on this schedule'),
    ],
    onSubmit: async () => {
      const parsed = parseVariables(variables.value);
      if (parsed.error) throw new ApiError(400, parsed.error, { variables: [parsed.error] });
      const body = {
        name: name.value,
        cron: cron.value,
        timezone: timezone.value,
        runProfileId: profile.value || null,
        variables: parsed.variables,
        enabled: enabled.checked,
      };
      const [kind, id] = target.value.split(':');
      if (id) body[kind === 'suite' ? 'suiteId' : 'testId'] = id;
      const saved = editing ? await api(schedulePath(editing.id), { method: 'PATCH', body }) : await api('/api/v2/schedules/', { method: 'POST', body });
      onSaved(saved, editing === null);
    },
  });

  return {
    open(schedule, choices) {
      editing = schedule;
      const current = schedule ? targetOf(schedule, choices) : null;
      replace(
        target,
        h('option', { value: '' }, 'Choose a test or a suite…'),
        choices.tests.length > 0
          ? h(
              'optgroup',
              { label: 'Tests' },
              choices.tests.map((t) => h('option', { value: `test:${t.id}` }, t.name)),
            )
          : null,
        choices.suites.length > 0
          ? h(
              'optgroup',
              { label: 'Suites' },
              choices.suites.map((s) => h('option', { value: `suite:${s.id}` }, s.name)),
            )
          : null,
        current && current.name === null ? h('option', { value: `${current.kind}:${current.id}` }, `(a deleted ${current.kind})`) : null,
      );
      target.value = current ? `${current.kind}:${current.id}` : '';
      replace(
        profile,
        h('option', { value: '' }, 'The default profile'),
        choices.profiles.map((p) => h('option', { value: p.id }, p.isDefault ? `${p.name} (default)` : p.name)),
      );
      profile.value = schedule?.runProfileId ?? '';
      name.value = schedule?.name ?? '';
      cron.value = schedule?.cron ?? '0 0 * * *';
      preset.value = SCHEDULE_PRESETS.find(([expression]) => expression === cron.value)?.[0] ?? '';
      timezone.value = schedule?.timezone ?? browserTimeZone();
      variables.value = (schedule?.variables ?? []).map((v) => `${v.key}=${v.value ?? ''}`).join('\n');
      enabled.checked = schedule?.enabled ?? true;
      shell.open(schedule ? `Edit “${schedule.name}”` : 'New schedule');
    },
    remove: () => shell.remove(),
  };
}
