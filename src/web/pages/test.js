import { api, ApiError, listAll } from '../api.js';
import { formatDuration, formatTime, h, message, poll, replace, statusBadge } from '../dom.js';
import { durationChart, percent, ring, runStrip } from './charts.js';
import { runDialog } from './run-dialog.js';

const LIMIT = 50;
const testPath = (id, rest = '') => `/api/v2/tests/${encodeURIComponent(id)}/${rest}`;

/** What a run's cell and bar say on hover: status, when, how long. */
export function describeRun(run) {
  const when = run.started ?? run.queued;
  const parts = [run.status, when ? formatTime(when) : null, run.duration ? formatDuration(run.duration) : null];
  if (run.attempt > 1) parts.push(`attempt ${run.attempt}`);
  return parts.filter(Boolean).join(' · ');
}

/** A flaky badge whose hover text is the reason; the reason is also written out under the title. */
export function flakyBadge(reason) {
  return h('span', { class: 'badge flaky-badge', title: reason ?? '' }, 'Flaky');
}

/** One test (`/tests/<id>`): its last runs as a strip and a duration chart, pass rate, median and flakiness, followed live. */
export function testPage(main, { params, navigate }) {
  const [id] = params;
  document.title = 'Test · Bugrun';
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/tests', dataset: { nav: '' } }, '← Tests'));
  const title = h('h1', {}, 'Test');
  const badge = h('span');
  const reason = h('p', { class: 'flaky-reason', hidden: true });
  const notice = h('div');
  const tiles = h('div', { class: 'tiles' });
  const stripHead = h('h2', {}, 'Latest runs');
  const strip = h('div');
  const chart = h('div');
  const box = h('div', { class: 'history-box' }, strip, chart);
  const allRuns = h('a', { href: `/runs?test=${encodeURIComponent(id)}`, class: 'button', dataset: { nav: '' } }, 'All runs');
  const dialog = runDialog(navigate, 'test');
  const profiles = listAll('/api/v2/profiles/').catch(() => []);
  let current = null;
  const runButton = h(
    'button',
    {
      type: 'button',
      class: 'primary run',
      disabled: true,
      onclick: async () => current && dialog.open({ id: current.testId, name: current.name }, await profiles),
    },
    'Run',
  );
  let closed = false;
  let last = '';

  replace(
    main,
    crumbs,
    h('div', { class: 'page-head' }, h('div', {}, title, badge), h('div', { class: 'actions' }, allRuns, runButton)),
    reason,
    notice,
    tiles,
    stripHead,
    h('p', { class: 'muted small range' }, 'Each run, oldest left: its outcome, then how long it took. Hover for details; click to open it.'),
    box,
  );

  function tile(label, value, picture = null) {
    return h('div', { class: 'tile' }, picture, h('div', {}, h('div', { class: 'tile-value' }, value), h('div', { class: 'tile-label' }, label)));
  }

  function render(data) {
    current = data;
    runButton.disabled = false;
    document.title = `${data.name} · Test · Bugrun`;
    replace(title, data.name);
    replace(badge, data.flaky ? flakyBadge(data.flakyReason) : h('span', { class: 'badge status-passed steady-badge' }, 'Not flaky'));
    reason.hidden = !data.flaky;
    replace(reason, data.flakyReason ?? '');
    // The API lists newest first; the pictures read left to right, oldest to newest.
    const runs = [...data.runs].reverse();
    const lastRun = data.runs[0];
    replace(
      tiles,
      tile('Pass rate', percent(data.passRate), ring(data.passRate, 'Pass rate')),
      tile('Median duration', data.medianDuration ? formatDuration(data.medianDuration) : '–'),
      tile('Runs shown', String(data.runs.length)),
      tile('Last run', lastRun ? statusBadge(lastRun.status) : '–', null),
    );
    replace(stripHead, data.runs.length === 0 ? 'Latest runs' : `Latest ${data.runs.length} run${data.runs.length === 1 ? '' : 's'}`);
    if (runs.length === 0) {
      replace(strip, h('p', { class: 'empty muted' }, 'No runs yet. Run it, and its history appears here.'));
      replace(chart);
      return;
    }
    replace(strip, runStrip(runs, describeRun, { aligned: true }));
    replace(chart, durationChart(runs, { median: data.medianDuration, onOpen: (run) => navigate(`/runs/${encodeURIComponent(run.id)}`) }), legend());
  }

  async function refresh() {
    let data;
    try {
      data = await api(testPath(id, `history/?limit=${LIMIT}`));
    } catch (err) {
      if (closed) return false;
      if (err instanceof ApiError && err.status === 404) {
        replace(main, crumbs, message('error', 'There is no such test in this project.'));
        return false;
      }
      replace(notice, message('error', err.message));
      return true;
    }
    if (closed) return false;
    replace(notice);
    // Redrawn only when something changed, so a tooltip being read stays put.
    const signature = JSON.stringify(data);
    if (signature !== last) {
      last = signature;
      render(data);
    }
    return true;
  }

  // New runs end whenever they end: the page follows them.
  const stop = poll(refresh, 3000);
  return () => {
    closed = true;
    stop();
    dialog.remove();
  };
}

/** Which colour is which status. */
export function legend(statuses = ['passed', 'failed', 'error', 'stopped', 'running']) {
  return h(
    'ul',
    { class: 'legend muted small' },
    statuses.map((status) => h('li', {}, h('span', { class: 'swatch', dataset: { status } }), status)),
  );
}
