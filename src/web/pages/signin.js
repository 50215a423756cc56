import { auth, tokenWorks } from '../api.js';
import { h, message, replace } from '../dom.js';

/** Only same-origin paths of this app are followed after signing in. */
function nextPath(query) {
  const next = query.get('next') ?? '';
  return /^\/(?!\/)/.test(next) && !next.startsWith('/signin') ? next : '/runs';
}

export function signInPage(main, { query, navigate }) {
  document.title = 'Sign in · Bugrun';
  const status = h('div', { class: 'form-status' });
  const input = h('input', {
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'API token',
    'aria-label': 'API token',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  if (query.get('expired')) replace(status, message('error', 'Your API token was rejected; sign in again.'));

  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        button.disabled = true;
        replace(status, message('info', 'Checking the token…'));
        try {
          if (await tokenWorks(token)) {
            auth.set(token);
            navigate(nextPath(query), { replace: true });
            return;
          }
          replace(status, message('error', 'The server rejected this token.'));
        } catch (err) {
          replace(status, message('error', `Cannot reach the server: ${err.message}`));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', {}, 'Sign in to Bugrun'),
    h(
      'p',
      { class: 'muted' },
      'Paste an API token of your project. ',
      h('code', {}, 'npm start'),
      ' prints one; ',
      h('code', {}, 'bugrun token create'),
      ' makes more. It is kept only for this browser session.',
    ),
    h('label', {}, 'API token', input),
    button,
    status,
  );
  replace(main, form);
  input.focus();
}
