import { api } from '../api.js';
import { h, message, replace } from '../dom.js';

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

const KINDS = {
  test: { endpoint: '/api/v2/testruns/', idField: 'testId', page: (id) => `/runs/${encodeURIComponent(id)}`, label: 'Run a test' },
  suite: { endpoint: '/api/v2/suiteruns/', idField: 'suiteId', page: (id) => `/suite-runs/${encodeURIComponent(id)}`, label: 'Run a suite' },
};

/** The Run dialog of a test or a suite: profile and variable overrides, then the new run's page. */
export function runDialog(navigate, kind) {
  const { endpoint, idField, page, label } = KINDS[kind];
  const testName = h('strong');
  const profile = h('select', { name: 'profile' });
  const variables = h('textarea', { name: 'variables', rows: '4', placeholder: 'email=me@example.com\nsite=https://staging.example.com', spellcheck: 'false' });
  const status = h('div', { class: 'form-status' });
  const start = h('button', { type: 'submit', class: 'primary' }, 'Start run');
  let targetId = '';
  const dialog = h(
    'dialog',
    { class: 'run-dialog', 'aria-label': label },
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
            const run = await api(endpoint, {
              method: 'POST',
              body: { [idField]: targetId, runProfileId: profile.value || null, variables: parsed.variables, triggeredBy: 'user' },
            });
            dialog.close();
            navigate(page(run.id));
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
    open(target, profiles) {
      targetId = target.id;
      replace(testName, target.name);
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
