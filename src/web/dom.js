// Building the DOM from data without ever parsing data as HTML: every string becomes a text node
// or an attribute value, never markup: no HTML-parsing DOM API is used anywhere in the app.

/** Only same-origin paths and http(s)/blob URLs may become links or image sources. */
export function safeUrl(value) {
  const text = String(value ?? '');
  if (text.startsWith('/') && !text.startsWith('//')) return text;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'blob:') return url.href;
  } catch {
    // not a URL
  }
  return '#';
}

/**
 * `h('a', {href: '/runs', class: 'x', onclick: fn}, 'text', childNode)`. Props: `class`, `on*`
 * listeners, `dataset`, boolean/DOM properties (`disabled`, `value`, `checked`), other attributes.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'href' || key === 'src') el.setAttribute(key, safeUrl(value));
    else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const TERMINAL = new Set(['passed', 'failed', 'error', 'stopped', 'skipped']);
export const isTerminal = (status) => TERMINAL.has(status);

export const RUN_STATUSES = ['queued', 'initialized', 'running', 'passed', 'failed', 'error', 'stopped', 'auto_retrying', 'paused', 'skipped', 'recording'];

export function statusBadge(status, extra) {
  return h('span', { class: `badge status-${String(status).replace(/[^a-z_]/g, '')}`, dataset: { status } }, status, extra ? ` ${extra}` : null);
}

export function formatTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

function formatSeconds(total) {
  if (total < 60) return `${total.toFixed(total < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(total / 60);
  return `${minutes} min ${Math.round(total - minutes * 60)} s`;
}

/** DRF `HH:MM:SS.ffffff` as `3.21 s`; a running item's elapsed time when it has no duration yet. */
export function formatDuration(duration, startedIso) {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(duration ?? '');
  if (m) return formatSeconds(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  if (startedIso) {
    const elapsed = (Date.now() - Date.parse(startedIso)) / 1000;
    if (Number.isFinite(elapsed) && elapsed >= 0) return `${formatSeconds(elapsed)}…`;
  }
  return '–';
}

/** Calls `task` now and then every `ms` after each call settles, until the returned stop() is called. */
export function poll(task, ms) {
  let stopped = false;
  let timer = 0;
  const tick = async () => {
    if (stopped) return;
    try {
      const again = await task();
      if (again === false) return;
    } catch (err) {
      console.error(err);
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
