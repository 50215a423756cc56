import { listAll } from '../api.js';
import { formatTime, h, message, replace } from '../dom.js';
import { runDialog } from './run-dialog.js';

function settings(suite) {
  const parts = [suite.runInParallel ? 'in parallel' : 'one at a time'];
  if (suite.autoRetry > 0) parts.push(`auto-retry ×${suite.autoRetry}`);
  if (suite.autoAddNewTests) parts.push('adds new tests');
  return parts.join(' · ');
}

/** Suites of the project: their tests and settings, each with a Run button (profile + variables). */
export function suitesPage(main, { navigate }) {
  document.title = 'Suites · Bugrun';
  const dialog = runDialog(navigate, 'suite');
  const body = h('tbody');
  const notice = h('div');
  const profiles = listAll('/api/v2/profiles/').catch(() => []);
  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Suites')),
    notice,
    h(
      'table',
      { class: 'suites' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Tests', 'Settings', 'Modified', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
  );

  void listAll('/api/v2/suites/?ordering=name')
    .then((suites) =>
      replace(
        body,
        suites.length === 0
          ? h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No suites yet. Import BugBug YAML suites with `bugrun import`.'))
          : suites.map((s) =>
              h(
                'tr',
                { dataset: { suiteId: s.id } },
                h('td', { class: 'suite-name' }, s.name, s.notes ? h('div', { class: 'muted' }, s.notes) : null),
                h(
                  'td',
                  {},
                  h(
                    'ol',
                    { class: 'suite-tests' },
                    s.tests.map((t) => h('li', { class: t.id ? null : 'missing', title: t.id ? null : 'not in the project' }, t.name)),
                  ),
                ),
                h('td', { class: 'suite-settings' }, settings(s)),
                h('td', {}, formatTime(s.modified)),
                h(
                  'td',
                  { class: 'actions' },
                  h('button', { type: 'button', class: 'primary run', onclick: async () => dialog.open(s, await profiles) }, 'Run'),
                ),
              ),
            ),
      ),
    )
    .catch((err) => replace(notice, message('error', err.message)));
  return () => dialog.remove();
}
