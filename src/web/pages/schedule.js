import { api } from '../api.js';
import { formatTime, h, message, replace, statusBadge } from '../dom.js';
import { deleteButton } from '../forms.js';
import { cronInWords, lastRunNode, loadChoices, scheduleDialog, schedulePath, targetOf } from './schedule-form.js';
import { pagedDetail } from './paged-detail.js';

/** A run's webappUrl as a path of this app, so its link opens here whatever the public URL's host. */
function pagePath(webappUrl, fallback) {
  try {
    const url = new URL(webappUrl);
    return url.pathname + url.search;
  } catch {
    return fallback;
  }
}

/** One schedule (`/schedules/<id>`): its settings and the runs it started, refreshed while shown. */
export function schedulePage(main, { params, navigate }) {
  const [id] = params;
  document.title = 'Schedule · Bugrun';
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/schedules', dataset: { nav: '' } }, '← Schedules'));
  const title = h('h1', {}, 'Schedule');
  const badge = h('span');
  const meta = h('dl', { class: 'meta' });
  const notice = h('div');
  const runsBody = h('tbody');
  const pager = h('div', { class: 'pager' });
  let choices = { tests: [], suites: [], profiles: [] };
  const ready = loadChoices()
    .then((loaded) => (choices = loaded))
    .catch(() => undefined);

  const dialog = scheduleDialog((saved) => {
    replace(notice, message('info', `Saved “${saved.name}”.`));
    void view.refresh();
  });
  const editButton = h(
    'button',
    {
      type: 'button',
      class: 'edit',
      disabled: true,
      onclick: async () => {
        await ready;
        const current = view.current();
        if (current) dialog.open(current, choices);
      },
    },
    'Edit',
  );
  const remove = deleteButton(async () => {
    try {
      await api(schedulePath(id), { method: 'DELETE' });
      navigate('/schedules');
    } catch (err) {
      replace(notice, message('error', `Could not delete it: ${err.message}`));
    }
  });

  replace(
    main,
    crumbs,
    h('div', { class: 'page-head' }, h('div', {}, title, badge), h('div', { class: 'actions' }, editButton, remove)),
    notice,
    meta,
    h('h2', {}, 'Runs it started'),
    h(
      'table',
      { class: 'schedule-runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Status', 'Run', 'Scheduled for', 'Started', 'Ended'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      runsBody,
    ),
    pager,
  );

  function renderSettings(s) {
    document.title = `${s.name} · Schedule · Bugrun`;
    replace(title, s.name);
    replace(
      badge,
      h('span', { class: `badge ${s.enabled ? 'status-passed' : 'status-skipped'}`, dataset: { enabled: String(s.enabled) } }, s.enabled ? 'on' : 'off'),
    );
    const target = targetOf(s, choices);
    const profile = s.runProfileId ? (choices.profiles.find((p) => p.id === s.runProfileId)?.name ?? s.runProfileId) : 'The default profile';
    const fields = [
      [target.kind === 'suite' ? 'Suite' : 'Test', target.name ?? `(a deleted ${target.kind})`],
      ['When', cronInWords(s.cron) ?? 'Custom'],
      ['Cron expression', h('code', {}, s.cron)],
      ['Time zone', s.timezone],
      ['Profile', profile],
      ['Variables', s.variables.length === 0 ? '–' : s.variables.map((v) => h('div', {}, h('code', {}, `${v.key}=${v.value ?? ''}`)))],
      ['Next run', s.enabled ? formatTime(s.nextRunAt) : '– (off)'],
      ['Last run', lastRunNode(s)],
      ['Created', formatTime(s.created)],
      ['Modified', formatTime(s.modified)],
    ];
    replace(
      meta,
      fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );
  }

  function renderRuns(data) {
    replace(
      runsBody,
      data.results.length === 0
        ? h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No runs yet. They appear here as the schedule starts them.'))
        : data.results.map((r) => {
            const fallback = r.suiteRunId ? `/suite-runs/${encodeURIComponent(r.id)}` : `/runs/${encodeURIComponent(r.id)}`;
            return h(
              'tr',
              { dataset: { runId: r.id, status: r.status } },
              h('td', {}, statusBadge(r.status), r.errorCode ? h('small', { class: 'code' }, r.errorCode) : null),
              h('td', {}, h('a', { href: pagePath(r.webappUrl, fallback), dataset: { nav: '' }, class: 'run-link' }, r.name)),
              h('td', { class: 'scheduled-for' }, formatTime(r.scheduledFor)),
              h('td', {}, formatTime(r.started)),
              h('td', {}, formatTime(r.ended)),
            );
          }),
    );
  }

  // The schedule starts runs whenever its ticks come, and they run: the page follows both.
  const view = pagedDetail({
    main,
    crumbs,
    notice,
    pager,
    ready,
    itemPath: schedulePath(id),
    listPath: (query) => schedulePath(id, `runs/?${query}`),
    show: (schedule, runs) => {
      editButton.disabled = false;
      renderSettings(schedule);
      renderRuns(runs);
    },
    nouns: ['run', 'runs'],
    what: 'schedule',
  });
  return () => {
    view.close();
    dialog.remove();
  };
}
