import { api, listAll } from '../api.js';
import { formatTime, h, message, poll, replace } from '../dom.js';
import { deleteButton, enabledSwitch } from '../forms.js';
import { lastRunNode, loadChoices, scheduleDialog, schedulePath, targetNode, whenNode } from './schedule-form.js';

/** The project's schedules: what each runs and when, its next and last run; create, edit, switch off, delete. */
export function schedulesPage(main) {
  document.title = 'Schedules · Bugrun';
  const notice = h('div');
  const loadError = h('div');
  const body = h('tbody');
  let choices = { tests: [], suites: [], profiles: [] };
  let choicesError = null;
  const ready = loadChoices()
    .then((loaded) => (choices = loaded))
    .catch((err) => (choicesError = `Could not load the tests, suites and profiles: ${err.message}`));
  const dialog = scheduleDialog((saved, created) => {
    replace(
      notice,
      message('info', `${created ? 'Created' : 'Saved'} “${saved.name}”; ${saved.nextRunAt ? `next run ${formatTime(saved.nextRunAt)}` : 'it is off'}.`),
    );
    void refresh();
  });
  const openDialog = async (schedule) => {
    await ready;
    dialog.open(schedule, choices);
  };

  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Schedules'),
      h('button', { type: 'button', class: 'primary new', onclick: () => void openDialog(null) }, 'New schedule'),
    ),
    h('p', { class: 'muted intro' }, 'Each schedule starts a run of a test or a suite on a cron schedule, in its time zone. Times below are your browser’s.'),
    loadError,
    notice,
    h(
      'table',
      { class: 'schedules' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Test or suite', 'When', 'Next run', 'Last run', 'Enabled', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
  );

  async function setEnabled(schedule, enabled) {
    try {
      const saved = await api(schedulePath(schedule.id), { method: 'PATCH', body: { enabled } });
      replace(notice, message('info', `“${saved.name}” is ${saved.enabled ? `on; next run ${formatTime(saved.nextRunAt)}` : 'off'}.`));
    } catch (err) {
      replace(notice, message('error', `Could not switch “${schedule.name}” ${enabled ? 'on' : 'off'}: ${err.message}`));
      throw err;
    }
    await refresh();
  }

  async function remove(schedule) {
    try {
      await api(schedulePath(schedule.id), { method: 'DELETE' });
      replace(notice, message('info', `Deleted “${schedule.name}”.`));
    } catch (err) {
      replace(notice, message('error', `Could not delete “${schedule.name}”: ${err.message}`));
    }
    await refresh();
  }

  function row(s) {
    return h(
      'tr',
      { dataset: { scheduleId: s.id, enabled: String(s.enabled) } },
      h('td', {}, h('a', { href: `/schedules/${encodeURIComponent(s.id)}`, dataset: { nav: '' }, class: 'schedule-name' }, s.name)),
      h('td', { class: 'target' }, targetNode(s, choices)),
      h('td', {}, whenNode(s)),
      h('td', { class: 'next-run', title: s.enabled ? null : 'Off: no runs are started' }, formatTime(s.nextRunAt)),
      h('td', { class: 'last-run' }, lastRunNode(s)),
      h(
        'td',
        {},
        enabledSwitch(s.enabled, s.name, (enabled) => setEnabled(s, enabled)),
      ),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'edit', onclick: () => void openDialog(s) }, 'Edit'),
          deleteButton(() => remove(s)),
        ),
      ),
    );
  }

  let last = '';
  async function refresh() {
    let schedules;
    try {
      schedules = await listAll('/api/v2/schedules/');
    } catch (err) {
      replace(loadError, message('error', err.message));
      return true;
    }
    await ready;
    replace(loadError, choicesError ? message('error', choicesError) : null);
    // Rows are rebuilt only when a schedule changed, so a Delete being confirmed is not reset.
    const signature = JSON.stringify(schedules);
    if (signature === last) return true;
    last = signature;
    replace(
      body,
      schedules.length === 0
        ? h('tr', {}, h('td', { colspan: '7', class: 'empty' }, 'No schedules yet. “New schedule” runs a test or a suite every hour, day or week.'))
        : schedules.map(row),
    );
    return true;
  }

  // Ticks move the next and last runs; a look every few seconds keeps them current.
  const stop = poll(refresh, 3000);
  return () => {
    stop();
    dialog.remove();
  };
}
