import { api, listAll } from '../api.js';
import { h, message, poll, replace } from '../dom.js';
import { deleteButton, enabledSwitch } from '../forms.js';
import { actionNode, alertDialog, alertPath, filterWords, secretNotice, whenWords } from './alert-form.js';

/** The project's alerts: when each fires, its filters and action; create, edit, switch off, delete. */
export function alertsPage(main) {
  document.title = 'Alerts · Bugrun';
  const notice = h('div');
  const secret = h('div');
  const loadError = h('div');
  const body = h('tbody');
  let profiles = [];
  const ready = listAll('/api/v2/profiles/')
    .then((list) => (profiles = list))
    .catch(() => undefined);
  const dialog = alertDialog((saved, created) => {
    replace(notice, message('info', `${created ? 'Created' : 'Saved'} “${saved.name}”.`));
    if (saved.secret)
      replace(
        secret,
        secretNotice(saved.name, saved.secret, () => replace(secret)),
      );
    void refresh();
  });
  const openDialog = async (alert) => {
    await ready;
    dialog.open(alert, profiles);
  };

  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Alerts'),
      h('button', { type: 'button', class: 'primary new', onclick: () => void openDialog(null) }, 'New alert'),
    ),
    h('p', { class: 'muted intro' }, 'Each alert calls a webhook, posts to Slack or Teams, or sends an email when a run starts or finishes.'),
    secret,
    loadError,
    notice,
    h(
      'table',
      { class: 'alerts' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'When', 'Filters', 'Action', 'Enabled', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
  );

  async function setEnabled(alert, enabled) {
    try {
      const saved = await api(alertPath(alert.id), { method: 'PATCH', body: { enabled } });
      replace(notice, message('info', `“${saved.name}” is ${saved.enabled ? 'on' : 'off'}.`));
    } catch (err) {
      replace(notice, message('error', `Could not switch “${alert.name}” ${enabled ? 'on' : 'off'}: ${err.message}`));
      throw err;
    }
    await refresh();
  }

  async function remove(alert) {
    try {
      await api(alertPath(alert.id), { method: 'DELETE' });
      replace(notice, message('info', `Deleted “${alert.name}”.`));
    } catch (err) {
      replace(notice, message('error', `Could not delete “${alert.name}”: ${err.message}`));
    }
    await refresh();
  }

  function row(a, profileNames) {
    return h(
      'tr',
      { dataset: { alertId: a.id, enabled: String(a.enabled) } },
      h('td', {}, h('a', { href: `/alerts/${encodeURIComponent(a.id)}`, dataset: { nav: '' }, class: 'alert-name' }, a.name)),
      h('td', { class: 'alert-when' }, whenWords(a)),
      h('td', { class: 'alert-filters' }, filterWords(a, profileNames)),
      h('td', { class: 'alert-action' }, actionNode(a)),
      h(
        'td',
        {},
        enabledSwitch(a.enabled, a.name, (enabled) => setEnabled(a, enabled)),
      ),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'edit', onclick: () => void openDialog(a) }, 'Edit'),
          deleteButton(() => remove(a)),
        ),
      ),
    );
  }

  let last = '';
  async function refresh() {
    let alerts;
    try {
      alerts = await listAll('/api/v2/alerts/');
    } catch (err) {
      replace(loadError, message('error', err.message));
      return true;
    }
    await ready;
    replace(loadError);
    const signature = JSON.stringify(alerts);
    if (signature === last) return true;
    last = signature;
    const profileNames = new Map(profiles.map((p) => [p.id, p.name]));
    replace(
      body,
      alerts.length === 0
        ? h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'No alerts yet. “New alert” tells a webhook, Slack, Teams or an inbox about runs.'))
        : alerts.map((a) => row(a, profileNames)),
    );
    return true;
  }

  const stop = poll(refresh, 5000);
  return () => {
    stop();
    dialog.remove();
  };
}
