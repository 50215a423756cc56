import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { checkboxes, field, formDialog } from '../forms.js';

/** The choices of src/domain/alerts.ts and run-status.ts, as the API names them. */
const STATUSES = ['passed', 'failed', 'error', 'stopped', 'skipped'];
const TRIGGERS = ['user', 'api', 'webhook', 'scheduler', 'github', 'cli', 'agent'];
const TARGETS = { test: 'Test', suite: 'Suite', any: 'Any run' };
const ACTIONS = { webhook: 'Webhook', slack: 'Slack', teams: 'Microsoft Teams', email: 'Email' };
const URL_HINTS = {
  webhook: 'Receives the run as JSON, signed in its X-Bugrun-Signature header.',
  slack: 'A Slack incoming-webhook URL.',
  teams: 'A Microsoft Teams incoming-webhook (workflow) URL.',
};

export const alertPath = (id, rest = '') => `/api/v2/alerts/${encodeURIComponent(id)}/${rest}`;

/** "passed, failed or error" */
function orList(values) {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** When an alert fires, in words: "Test finished", "Suite started", "Any run finished". */
export function whenWords(alert) {
  return `${TARGETS[alert.target] ?? alert.target} ${alert.event}`;
}

/** An alert's filters in words; "Every run" when it has none. `profiles`: id → name. */
export function filterWords(alert, profiles) {
  const f = alert.filters;
  const parts = [];
  const finished = alert.event === 'finished';
  if (finished && f.statuses.length > 0) parts.push(`status ${orList(f.statuses)}`);
  if (f.triggeredBy.length > 0) parts.push(`triggered by ${orList(f.triggeredBy)}`);
  if (f.profileId) parts.push(`profile ${profiles.get(f.profileId) ?? '(deleted)'}`);
  if (finished && f.onlyOnChange) parts.push('only when the status changes');
  return parts.length > 0 ? parts.join(' · ') : 'Every run';
}

/** What an alert does: the action type and its masked URL (never more: the API serves no more), or the recipients. */
export function actionNode(alert) {
  const a = alert.action;
  const type = h('div', { class: 'action-type' }, ACTIONS[a.type] ?? a.type, a.type === 'webhook' ? h('span', { class: 'muted' }, ` ${a.method}`) : null);
  if (a.type === 'email') return [type, h('div', { class: 'recipients small' }, a.to.join(', '))];
  const headers = Object.keys(a.headers ?? {});
  const extras = [headers.length > 0 ? `headers ${headers.join(', ')}` : null, a.body ? 'own body template' : null].filter(Boolean);
  return [type, h('code', { class: 'masked-url' }, a.url ?? ''), extras.length > 0 ? h('div', { class: 'muted small' }, extras.join(' · ')) : null];
}

/** `Name: value` lines as headers, or an error message. */
function parseHeaders(text) {
  const headers = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf(':');
    if (at <= 0) return { error: `Line ${i + 1}: expected Name: value.` };
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { headers };
}

/**
 * The signing secret a webhook alert got, shown once: the API answers it only to the request that
 * created it. `onDismiss` removes the notice.
 */
export function secretNotice(name, secret, onDismiss) {
  const code = h('code', { class: 'secret' }, secret);
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(secret);
          replace(copy, 'Copied');
        } catch {
          getSelection()?.selectAllChildren(code);
        }
      },
    },
    'Copy',
  );
  return h(
    'div',
    { class: 'secret-notice', role: 'status' },
    h(
      'p',
      {},
      h('strong', {}, `The signing secret of “${name}”`),
      ': copy it now; it is not shown again. Receivers check each request’s X-Bugrun-Signature with it.',
    ),
    h('div', { class: 'secret-row' }, code, copy, h('button', { type: 'button', onclick: onDismiss }, 'Done')),
  );
}

/**
 * The dialog that creates an alert or edits one. A stored URL and header values are never shown
 * (the API masks them): left empty, or sent back masked, they stay as they are.
 * `onSaved(alert, created)` after a save; the alert carries `secret` when it got one.
 */
export function alertDialog(onSaved) {
  const name = h('input', { name: 'name', autocomplete: 'off', placeholder: 'Tell the team about failures' });
  const event = h('select', { name: 'event' }, h('option', { value: 'finished' }, 'Finished'), h('option', { value: 'started' }, 'Started'));
  const target = h(
    'select',
    { name: 'target' },
    h('option', { value: 'test' }, 'Test runs'),
    h('option', { value: 'suite' }, 'Suite runs'),
    h('option', { value: 'any' }, 'Test and suite runs'),
  );
  const statuses = checkboxes(
    'Only runs that ended',
    'statuses',
    STATUSES.map((s) => [s, s]),
    { fields: 'filters.statuses', hint: 'None ticked: any outcome.' },
  );
  const triggers = checkboxes(
    'Only runs triggered by',
    'triggeredBy',
    TRIGGERS.map((t) => [t, t]),
    { fields: 'filters.triggeredBy', hint: 'None ticked: any trigger.' },
  );
  const profile = h('select', { name: 'profile' });
  const onlyOnChange = h('input', { type: 'checkbox', name: 'onlyOnChange' });
  const changeField = h('label', { class: 'check' }, onlyOnChange, 'Only when the status differs from the previous run’s');
  const type = h(
    'select',
    { name: 'actionType' },
    Object.entries(ACTIONS).map(([value, label]) => h('option', { value }, label)),
  );
  const url = h('input', { name: 'url', type: 'url', autocomplete: 'off', spellcheck: 'false' });
  const method = h('select', { name: 'method' }, h('option', { value: 'POST' }, 'POST'), h('option', { value: 'GET' }, 'GET'));
  const headers = h('textarea', { name: 'headers', rows: '2', spellcheck: 'false', placeholder: 'Authorization: Bearer …' });
  const body = h('textarea', {
    name: 'body',
    rows: '3',
    spellcheck: 'false',
    placeholder: '{"text": "{{ name }} {{ status }}", "code": {{ errorCode | json }}}',
  });
  const to = h('textarea', { name: 'to', rows: '2', spellcheck: 'false', placeholder: 'qa@example.com' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });

  const urlField = field('URL', url, { fields: 'action.url', hint: URL_HINTS.webhook });
  const methodField = field('Method', method, { fields: 'action.method' });
  const headersField = field('Headers (Name: value, one per line)', headers, { fields: 'action.headers' });
  const bodyField = field('Body template', body, {
    fields: 'action.body',
    hint: 'Empty: the default JSON payload. LiquidJS; each {{ output }} is escaped for a JSON string, | json gives a JSON value.',
  });
  const toField = field('Recipients (one per line, or separated by commas)', to, { fields: 'action.to' });
  let editing = null;

  /** Shows the fields the event and action type need. */
  function fit() {
    const finished = event.value === 'finished';
    statuses.element.hidden = !finished;
    changeField.hidden = !finished;
    const kind = type.value;
    urlField.hidden = kind === 'email';
    methodField.hidden = kind !== 'webhook';
    headersField.hidden = kind !== 'webhook';
    bodyField.hidden = kind !== 'webhook';
    toField.hidden = kind !== 'email';
    replace(urlField.querySelector('.hint'), URL_HINTS[kind] ?? '');
    const keeps = editing && editing.action.url && editing.action.type !== 'email' && kind !== 'email';
    url.placeholder = keeps ? `Leave empty to keep ${editing.action.url}` : 'https://hooks.example.com/bugrun';
  }
  event.addEventListener('change', fit);
  type.addEventListener('change', fit);

  const shell = formDialog({
    className: 'alert-dialog',
    label: 'Alert',
    submitText: 'Save alert',
    fields: [
      field('Name', name, { fields: 'name' }),
      h('div', { class: 'field-row' }, field('Runs', target, { fields: 'target' }), field('Event', event, { fields: 'event' })),
      statuses.element,
      triggers.element,
      h('div', { class: 'field-row' }, field('Only runs with the profile', profile, { fields: 'filters.profileId' })),
      changeField,
      h('div', { class: 'field-row' }, field('Then send', type, { fields: 'action.type action' }), methodField),
      urlField,
      headersField,
      bodyField,
      toField,
      h('label', { class: 'check' }, enabled, 'Enabled'),
    ],
    onSubmit: async () => {
      const finished = event.value === 'finished';
      const action = { type: type.value };
      if (type.value !== 'email' && url.value.trim()) action.url = url.value.trim();
      if (type.value === 'webhook') {
        const parsed = parseHeaders(headers.value);
        if (parsed.error) throw new ApiError(400, parsed.error, { 'action.headers': [parsed.error] });
        action.method = method.value;
        action.headers = parsed.headers;
        action.body = body.value.trim() ? body.value : null;
      }
      if (type.value === 'email') action.to = to.value.split(/[\s,;]+/).filter(Boolean);
      const payload = {
        name: name.value,
        event: event.value,
        target: target.value,
        enabled: enabled.checked,
        filters: {
          statuses: finished ? statuses.values : [],
          triggeredBy: triggers.values,
          profileId: profile.value || null,
          onlyOnChange: finished && onlyOnChange.checked,
        },
        action,
      };
      const saved = editing
        ? await api(alertPath(editing.id), { method: 'PATCH', body: payload })
        : await api('/api/v2/alerts/', { method: 'POST', body: payload });
      onSaved(saved, editing === null);
    },
  });

  return {
    open(alert, profiles) {
      editing = alert;
      replace(
        profile,
        h('option', { value: '' }, 'Any profile'),
        profiles.map((p) => h('option', { value: p.id }, p.name)),
      );
      name.value = alert?.name ?? '';
      event.value = alert?.event ?? 'finished';
      target.value = alert?.target ?? 'test';
      statuses.values = alert?.filters.statuses ?? ['failed', 'error'];
      triggers.values = alert?.filters.triggeredBy ?? [];
      profile.value = alert?.filters.profileId ?? '';
      onlyOnChange.checked = alert?.filters.onlyOnChange ?? false;
      type.value = alert?.action.type ?? 'webhook';
      url.value = '';
      method.value = alert?.action.method ?? 'POST';
      // Header values come back masked; sent back so, each keeps its stored value.
      headers.value = Object.entries(alert?.action.headers ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      body.value = alert?.action.body ?? '';
      to.value = (alert?.action.to ?? []).join('\n');
      enabled.checked = alert?.enabled ?? true;
      fit();
      shell.open(alert ? `Edit “${alert.name}”` : 'New alert');
    },
    remove: () => shell.remove(),
  };
}
