import { api, listAll } from '../api.js';
import { formatTime, h, message, replace, statusBadge } from '../dom.js';
import { deleteButton } from '../forms.js';
import { actionNode, alertDialog, alertPath, filterWords, secretNotice, whenWords } from './alert-form.js';
import { pagedDetail } from './paged-detail.js';

/** The page of the run a delivery told about. */
const runLink = (d) =>
  h(
    'a',
    {
      href: d.suiteRunId ? `/suite-runs/${encodeURIComponent(d.suiteRunId)}` : `/runs/${encodeURIComponent(d.testRunId)}`,
      dataset: { nav: '' },
      class: 'run-link',
    },
    d.name,
  );

/** When a delivery happened: created, last attempt, and delivered or the next attempt. */
function times(d) {
  return [
    h('div', {}, `Created ${formatTime(d.created)}`),
    d.lastAttemptAt ? h('div', { class: 'muted' }, `Last attempt ${formatTime(d.lastAttemptAt)}`) : null,
    d.deliveredAt ? h('div', { class: 'muted' }, `Delivered ${formatTime(d.deliveredAt)}`) : null,
    d.nextAttemptAt ? h('div', { class: 'muted next-attempt' }, `Next attempt ${formatTime(d.nextAttemptAt)}`) : null,
  ];
}

/** One alert (`/alerts/<id>`): its settings and its deliveries, refreshed while shown. */
export function alertPage(main, { params, navigate }) {
  const [id] = params;
  document.title = 'Alert · Bugrun';
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/alerts', dataset: { nav: '' } }, '← Alerts'));
  const title = h('h1', {}, 'Alert');
  const badge = h('span');
  const meta = h('dl', { class: 'meta' });
  const notice = h('div');
  const secret = h('div');
  const deliveries = h('tbody');
  const pager = h('div', { class: 'pager' });
  let profiles = [];
  const ready = listAll('/api/v2/profiles/')
    .then((list) => (profiles = list))
    .catch(() => undefined);

  const dialog = alertDialog((saved) => {
    replace(notice, message('info', `Saved “${saved.name}”.`));
    if (saved.secret)
      replace(
        secret,
        secretNotice(saved.name, saved.secret, () => replace(secret)),
      );
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
        if (current) dialog.open(current, profiles);
      },
    },
    'Edit',
  );
  const remove = deleteButton(async () => {
    try {
      await api(alertPath(id), { method: 'DELETE' });
      navigate('/alerts');
    } catch (err) {
      replace(notice, message('error', `Could not delete it: ${err.message}`));
    }
  });

  replace(
    main,
    crumbs,
    h('div', { class: 'page-head' }, h('div', {}, title, badge), h('div', { class: 'actions' }, editButton, remove)),
    secret,
    notice,
    meta,
    h('h2', {}, 'Deliveries'),
    h(
      'table',
      { class: 'deliveries' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Delivery', 'Run', 'Attempts', 'Response', 'Error', 'Times'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      deliveries,
    ),
    pager,
  );

  function renderSettings(a) {
    document.title = `${a.name} · Alert · Bugrun`;
    replace(title, a.name);
    replace(
      badge,
      h('span', { class: `badge ${a.enabled ? 'status-passed' : 'status-skipped'}`, dataset: { enabled: String(a.enabled) } }, a.enabled ? 'on' : 'off'),
    );
    const fields = [
      ['When', whenWords(a)],
      ['Filters', filterWords(a, new Map(profiles.map((p) => [p.id, p.name])))],
      ['Action', actionNode(a)],
      ...(a.action.body ? [['Body template', h('pre', { class: 'template' }, a.action.body)]] : []),
      ['Created', formatTime(a.created)],
      ['Modified', formatTime(a.modified)],
    ];
    replace(
      meta,
      fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );
  }

  function renderDeliveries(data) {
    replace(
      deliveries,
      data.results.length === 0
        ? h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'No deliveries yet. One is made for each run the alert matches.'))
        : data.results.map((d) =>
            h(
              'tr',
              { dataset: { deliveryId: d.id, status: d.status } },
              h('td', {}, statusBadge(d.status), h('div', { class: 'muted small' }, `${d.target} ${d.event}`)),
              h('td', {}, runLink(d), h('div', {}, statusBadge(d.runStatus))),
              h('td', { class: 'attempts' }, String(d.attempts)),
              h('td', { class: 'response-code' }, d.responseCode === null ? '–' : String(d.responseCode)),
              h('td', { class: 'error-cell' }, d.error ? h('div', { class: 'error-message' }, d.error) : '–'),
              h('td', { class: 'times small' }, times(d)),
            ),
          ),
    );
  }

  // Deliveries are made, retried and settled in the background: the page follows them.
  const view = pagedDetail({
    main,
    crumbs,
    notice,
    pager,
    ready,
    itemPath: alertPath(id),
    listPath: (query) => alertPath(id, `deliveries/?${query}`),
    show: (alert, list) => {
      editButton.disabled = false;
      renderSettings(alert);
      renderDeliveries(list);
    },
    nouns: ['delivery', 'deliveries'],
    what: 'alert',
  });
  return () => {
    view.close();
    dialog.remove();
  };
}
