import { api, ApiError, listAll } from '../api.js';
import { formatDuration, formatTime, h, isTerminal, message, poll, replace, RUN_STATUSES, statusBadge } from '../dom.js';

const PAGE_SIZE = 20;

/** The latest suite runs, then test runs newest first, filtered by status and test, refreshed every second. */
export function runsPage(main, { query }) {
  document.title = 'Runs · Bugrun';
  const state = { status: query.get('status') ?? '', test: query.get('test') ?? '', page: Math.max(1, Number(query.get('page')) || 1) };
  const profiles = new Map();

  const statusSelect = h(
    'select',
    { name: 'status', 'aria-label': 'Status' },
    h('option', { value: '' }, 'All statuses'),
    RUN_STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)),
  );
  const testSelect = h('select', { name: 'test', 'aria-label': 'Test' }, h('option', { value: '' }, 'All tests'));
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const suiteBody = h('tbody');
  const suiteRuns = h(
    'section',
    { class: 'suite-runs', hidden: true },
    h('h2', {}, 'Latest suite runs'),
    h(
      'table',
      { class: 'runs suite-runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Status', 'Suite', 'Tests', 'Trigger', 'Started', 'Duration'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      suiteBody,
    ),
  );
  const notice = h('div');
  const table = h(
    'table',
    { class: 'runs' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Status', 'Test', 'Profile', 'Trigger', 'Started', 'Duration'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    body,
  );

  const setFilters = (changes) => {
    Object.assign(state, changes);
    const params = new URLSearchParams();
    if (state.status) params.set('status', state.status);
    if (state.test) params.set('test', state.test);
    if (state.page > 1) params.set('page', String(state.page));
    const search = params.toString();
    history.replaceState(null, '', `/runs${search ? `?${search}` : ''}`);
    void refresh();
  };
  statusSelect.addEventListener('change', () => setFilters({ status: statusSelect.value, page: 1 }));
  testSelect.addEventListener('change', () => setFilters({ test: testSelect.value, page: 1 }));

  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Runs'), h('a', { href: '/tests', class: 'button', dataset: { nav: '' } }, 'Run a test')),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, h('label', {}, 'Status ', statusSelect), h('label', {}, 'Test ', testSelect)),
    notice,
    suiteRuns,
    h('h2', {}, 'Test runs'),
    table,
    pager,
  );

  void listAll('/api/v2/tests/?ordering=name')
    .then((tests) => {
      for (const t of tests) testSelect.append(h('option', { value: t.id, selected: t.id === state.test }, t.name));
    })
    .catch(() => {});
  void listAll('/api/v2/profiles/')
    .then((list) => {
      for (const p of list) profiles.set(p.id, p.name);
    })
    .catch(() => {});

  let last = '';
  async function refresh() {
    const params = new URLSearchParams({ page_size: String(PAGE_SIZE), ordering: '-started' });
    if (state.status) params.set('status', state.status);
    if (state.test) params.set('test_id', state.test);
    if (state.page > 1) params.set('page', String(state.page));
    let data;
    try {
      data = await api(`/api/v2/testruns/?${params}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && state.page > 1) {
        setFilters({ page: 1 });
        return true;
      }
      replace(notice, message('error', err.message));
      return true;
    }
    replace(notice);
    await refreshSuiteRuns();
    const signature = JSON.stringify([data, [...profiles]]);
    if (signature !== last || data.results.some((r) => !isTerminal(r.status))) {
      last = signature;
      renderRows(data);
    }
    return true;
  }

  async function refreshSuiteRuns() {
    const data = await api('/api/v2/suiteruns/?page_size=5&ordering=-started').catch(() => null);
    suiteRuns.hidden = !data || data.count === 0;
    if (!data) return;
    replace(
      suiteBody,
      data.results.map((run) =>
        h(
          'tr',
          { dataset: { suiteRunId: run.id } },
          h('td', {}, statusBadge(run.status), run.errorCode ? h('small', { class: 'code' }, run.errorCode) : null),
          h('td', {}, h('a', { href: `/suite-runs/${encodeURIComponent(run.id)}`, dataset: { nav: '' }, class: 'suite-name' }, run.name)),
          h('td', {}, `${run.finishedTests} / ${run.totalTests}`),
          h('td', {}, run.triggeredBy),
          h('td', {}, formatTime(run.started ?? run.queued)),
          h('td', {}, run.ended || !run.started ? formatDuration(run.duration) : formatDuration(null, run.started)),
        ),
      ),
    );
  }

  function renderRows(data) {
    if (data.results.length === 0) {
      replace(
        body,
        h(
          'tr',
          {},
          h(
            'td',
            { colspan: '6', class: 'empty' },
            state.status || state.test ? 'No runs match these filters.' : 'No runs yet. Start one from the Tests page.',
          ),
        ),
      );
    } else {
      replace(
        body,
        data.results.map((run) =>
          h(
            'tr',
            { dataset: { runId: run.id } },
            h('td', {}, statusBadge(run.status), run.errorCode ? h('small', { class: 'code' }, run.errorCode) : null),
            h(
              'td',
              {},
              h('a', { href: `/runs/${encodeURIComponent(run.id)}`, dataset: { nav: '' }, class: 'test-name' }, run.name),
              run.suiteRunId
                ? h('a', { href: `/suite-runs/${encodeURIComponent(run.suiteRunId)}`, dataset: { nav: '' }, class: 'in-suite muted' }, ' in a suite run')
                : null,
            ),
            h('td', {}, run.runProfileId ? (profiles.get(run.runProfileId) ?? '…') : '–'),
            h('td', {}, run.triggeredBy),
            h('td', {}, formatTime(run.started ?? run.queued)),
            h('td', {}, run.ended || !run.started ? formatDuration(run.duration) : formatDuration(null, run.started)),
          ),
        ),
      );
    }
    const pages = Math.max(1, Math.ceil(data.count / PAGE_SIZE));
    replace(
      pager,
      h('button', { type: 'button', disabled: !data.previous, onclick: () => setFilters({ page: state.page - 1 }) }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${state.page} of ${pages} · ${data.count} run${data.count === 1 ? '' : 's'}`),
      h('button', { type: 'button', disabled: !data.next, onclick: () => setFilters({ page: state.page + 1 }) }, 'Older →'),
    );
  }

  return poll(refresh, 1000);
}
