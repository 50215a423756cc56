import { listAll } from '../api.js';
import { formatTime, h, message, replace } from '../dom.js';
import { runDialog } from './run-dialog.js';

/** Tests of the project, searchable, each linking to its page (history, health) and with a Run button (profile + variable overrides). */
export function testsPage(main, { navigate }) {
  document.title = 'Tests · Bugrun';
  const dialog = runDialog(navigate, 'test');
  const search = h('input', { type: 'search', name: 'query', placeholder: 'Search by name', 'aria-label': 'Search tests' });
  const body = h('tbody');
  const notice = h('div');
  const profiles = listAll('/api/v2/profiles/').catch(() => []);
  let timer = 0;
  let generation = 0;

  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Tests'), search),
    notice,
    h(
      'table',
      { class: 'tests' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Slug', 'Modified', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
  );

  async function load() {
    const mine = ++generation;
    const query = search.value.trim();
    try {
      const tests = await listAll(`/api/v2/tests/?ordering=name${query ? `&query=${encodeURIComponent(query)}` : ''}`);
      if (mine !== generation) return;
      replace(notice);
      replace(
        body,
        tests.length === 0
          ? h('tr', {}, h('td', { colspan: '4', class: 'empty' }, query ? 'No test matches.' : 'No tests yet. Import BugBug YAML with `bugrun import`.'))
          : tests.map((t) =>
              h(
                'tr',
                { dataset: { testId: t.id } },
                h('td', { class: 'test-name' }, h('a', { href: `/tests/${encodeURIComponent(t.id)}`, dataset: { nav: '' }, class: 'test-link' }, t.name)),
                h('td', {}, h('code', {}, t.slug ?? '')),
                h('td', {}, formatTime(t.modified)),
                h(
                  'td',
                  { class: 'actions' },
                  h('button', { type: 'button', class: 'primary run', onclick: async () => dialog.open(t, await profiles) }, 'Run'),
                ),
              ),
            ),
      );
    } catch (err) {
      replace(notice, message('error', err.message));
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  void load();
  return () => {
    clearTimeout(timer);
    dialog.remove();
  };
}
