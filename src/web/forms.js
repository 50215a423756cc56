// The settings forms (schedules, alerts): labelled fields with a place for the server's errors, a
// DRF 400 body spread over them, and the list rows' enabled switch and two-step Delete.
import { h, message, replace } from './dom.js';

/**
 * A labelled control with a slot for its errors. `fields`: the API field names (space-separated)
 * whose 400 messages show under it, e.g. `testId suiteId` for the one target select.
 */
export function field(label, control, { fields = '', hint = null, className = '' } = {}) {
  return h(
    'label',
    { class: `field ${className}`.trim(), dataset: { fields } },
    h('span', { class: 'field-label' }, label),
    control,
    hint ? h('span', { class: 'hint' }, hint) : null,
    h('span', { class: 'field-error' }),
  );
}

/** A group of checkboxes (`values`: `[value, label]` pairs) under one legend, with an error slot. */
export function checkboxes(legend, name, values, { fields = '', hint = null } = {}) {
  const boxes = values.map(([value, text]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value }), text));
  const set = h(
    'fieldset',
    { class: 'field checks', dataset: { fields } },
    h('legend', { class: 'field-label' }, legend),
    h('div', { class: 'check-list' }, boxes),
    hint ? h('span', { class: 'hint' }, hint) : null,
    h('span', { class: 'field-error' }),
  );
  return {
    element: set,
    get values() {
      return [...set.querySelectorAll('input:checked')].map((box) => box.value);
    },
    set values(list) {
      for (const box of set.querySelectorAll('input')) box.checked = list.includes(box.value);
    },
  };
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) replace(slot);
  for (const marked of form.querySelectorAll('.field.invalid')) marked.classList.remove('invalid');
}

/** Puts `text` under the field that shows `name`'s errors; false when no field does. */
export function fieldError(form, name, text) {
  const holder = [...form.querySelectorAll('.field[data-fields]')].find((el) => el.dataset.fields.split(' ').includes(name));
  if (!holder) return false;
  const slot = holder.querySelector('.field-error');
  replace(slot, slot.textContent ? `${slot.textContent} ` : '', text);
  holder.classList.add('invalid');
  return true;
}

/**
 * Shows why a save failed: a 400's `{field: [messages]}` next to their fields (the rest, and any
 * other error, in `status`), and focuses the first field marked.
 */
export function showErrors(form, status, err) {
  clearErrors(form);
  const body = err?.body;
  if (err?.status !== 400 || !body || typeof body !== 'object' || Array.isArray(body) || typeof body.detail === 'string') {
    replace(status, message('error', err?.message ?? String(err)));
    return;
  }
  const rest = [];
  for (const [name, messages] of Object.entries(body)) {
    const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
    if (!fieldError(form, name, text)) rest.push(name === 'non_field_errors' ? text : `${name}: ${text}`);
  }
  replace(status, message('error', rest.length > 0 ? rest.join('; ') : 'Correct the marked fields.'));
  form.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea')?.focus();
}

/** A list row's enabled switch; `onToggle(enabled)` saves it (the switch is locked meanwhile) and throws when that failed. */
export function enabledSwitch(enabled, name, onToggle) {
  const input = h('input', { type: 'checkbox', name: 'enabled', checked: enabled, 'aria-label': `${name} enabled` });
  const text = h('span', {}, enabled ? 'On' : 'Off');
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    input.disabled = true;
    replace(text, wanted ? 'On' : 'Off');
    try {
      await onToggle(wanted);
    } catch {
      input.checked = !wanted;
      replace(text, input.checked ? 'On' : 'Off');
    } finally {
      input.disabled = false;
    }
  });
  return h('label', { class: 'switch' }, input, text);
}

/** Delete, asked twice: the first click asks "Delete?", the second (on "Yes, delete") calls `onDelete`. */
export function deleteButton(onDelete) {
  const box = h('span', { class: 'confirm' });
  const idle = () => replace(box, h('button', { type: 'button', class: 'delete', onclick: ask }, 'Delete'));
  const ask = () =>
    replace(
      box,
      h(
        'button',
        {
          type: 'button',
          class: 'danger confirm-delete',
          onclick: async (event) => {
            event.currentTarget.disabled = true;
            try {
              await onDelete();
            } finally {
              idle();
            }
          },
        },
        'Yes, delete',
      ),
      h('button', { type: 'button', onclick: idle }, 'Keep'),
    );
  idle();
  return box;
}

/** A form dialog's shell: heading, the fields, a status line, Cancel and a submit button. */
export function formDialog({ className, label, fields, submitText, onSubmit }) {
  const heading = h('h2', {}, label);
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, submitText);
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        replace(status, message('info', 'Saving…'));
        submit.disabled = true;
        try {
          if ((await onSubmit()) !== false) dialog.close();
        } catch (err) {
          showErrors(form, status, err);
        } finally {
          submit.disabled = false;
        }
      },
    },
    heading,
    fields,
    status,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submit),
  );
  const dialog = h('dialog', { class: `form-dialog ${className}`, 'aria-label': label }, form);
  // Nothing typed (a webhook URL, a header value) stays in the page once the dialog is closed.
  dialog.addEventListener('close', () => {
    form.reset();
    clearErrors(form);
    replace(status);
  });
  document.body.append(dialog);
  return {
    dialog,
    form,
    status,
    open(title) {
      replace(heading, title);
      clearErrors(form);
      replace(status);
      dialog.showModal();
      form.querySelector('input, select, textarea')?.focus();
    },
    remove: () => dialog.remove(),
  };
}
