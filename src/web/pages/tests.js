import { api, listAll } from '../api.js';
import { formatTime, h, message, replace } from '../dom.js';

/** `key=value` lines (blank lines ignored) as the API's `variables`, or an error message. */
export function parseVariables(text) {
  const variables = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { error: `Line ${i + 1}: expected key=value.` };
    variables.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1) });
  }
  return { variables };
}

function runDialog(navigate) {
  const testName = h('strong');
  const profile = h('select', { name: 'profile' });
  const variables = h('textarea', { name: 'variables', rows: '4', placeholder: 'email=me@example.com\nsite=https://staging.example.com', spellcheck: 'false' });
  const status = h('div', { class: 'form-status' });
  const start = h('button', { type: 'submit', class: 'primary' }, 'Start run');
  let testId = '';
  const dialog = h(
    'dialog',
    { class: 'run-dialog', 'aria-label': 'Run a test' },
    h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          const parsed = parseVariables(variables.value);
          if (parsed.error) return replace(status, message('error', parsed.error));
          start.disabled = true;
          replace(status, message('info', 'Starting…'));
          try {
            const run = await api('/api/v2/testruns/', {
              method: 'POST',
              body: { testId, runProfileId: profile.value || null, variables: parsed.variables, triggeredBy: 'user' },
            });
            dialog.close();
            navigate(`/runs/${encodeURIComponent(run.id)}`);
          } catch (err) {
            replace(status, message('error', err.message));
          } finally {
            start.disabled = false;
          }
        },
      },
      h('h2', {}, 'Run ', testName),
      h('label', {}, 'Profile', profile),
      h('label', {}, 'Variables (key=value, one per line; they override the profile)', variables),
      status,
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), start),
    ),
  );
  document.body.append(dialog);
  return {
    open(test, profiles) {
      testId = test.id;
      replace(testName, test.name);
      replace(status);
      replace(
        profile,
        profiles.length === 0
          ? h('option', { value: '' }, '(no profiles)')
          : profiles.map((p) => h('option', { value: p.id, selected: p.isDefault }, p.isDefault ? `${p.name} (default)` : p.name)),
      );
      dialog.showModal();
      variables.focus();
    },
    remove: () => dialog.remove(),
  };
}

/** Tests of the project, searchable, each with a Run button (profile + variable overrides). */
export function testsPage(main, { navigate }) {
  document.title = 'Tests · Bugrun';
  const dialog = runDialog(navigate);
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
                h('td', { class: 'test-name' }, t.name),
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
