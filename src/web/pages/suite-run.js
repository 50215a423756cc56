import { api } from '../api.js';
import { formatDuration, formatTime, h, isTerminal, message, poll, replace, statusBadge } from '../dom.js';

const suiteRunPath = (id, rest = '') => `/api/v2/suiteruns/${encodeURIComponent(id)}/${rest}`;

/** A suite run at its webappUrl: each test run with status, attempt and duration, live, with Stop. */
export function suiteRunPage(main, { params }) {
  const [id] = params;
  const title = h('h1', {}, 'Suite run');
  const badge = h('span');
  const progress = h('progress', { max: '1', value: '0' });
  const progressText = h('span', { class: 'muted' });
  const meta = h('dl', { class: 'meta' });
  const notice = h('div');
  const body = h('tbody');
  const stopButton = h('button', { type: 'button', class: 'danger', onclick: () => void stopRun() }, 'Stop');
  replace(
    main,
    h('div', { class: 'page-head' }, h('div', {}, title, badge), h('div', { class: 'actions' }, stopButton)),
    h('div', { class: 'progress' }, progress, progressText),
    notice,
    meta,
    h(
      'table',
      { class: 'suite-test-runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'Status', 'Test', 'Attempt', 'Started', 'Duration'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
  );

  async function stopRun() {
    stopButton.disabled = true;
    try {
      await api(suiteRunPath(id, 'stop/'), { method: 'POST' });
    } catch (err) {
      replace(notice, message('error', `Stop failed: ${err.message}`));
      stopButton.disabled = false;
    }
  }

  async function refresh() {
    let run;
    try {
      run = await api(suiteRunPath(id));
    } catch (err) {
      replace(notice, message('error', err.status === 404 ? 'There is no such suite run in this project.' : err.message));
      return err.status !== 404;
    }
    replace(notice);
    document.title = `${run.name} · ${run.status} · Bugrun`;
    replace(title, run.name);
    replace(badge, statusBadge(run.status), run.errorCode ? h('code', { class: 'error-code' }, run.errorCode) : null);
    progress.max = Math.max(1, run.totalTests);
    progress.value = run.finishedTests;
    replace(progressText, `${run.finishedTests} / ${run.totalTests} tests`, run.parallelRun ? ` · in parallel (${run.parallelSlots} slots)` : '');
    stopButton.hidden = isTerminal(run.status);
    replace(
      meta,
      [
        ['Profile', run.profileName ?? '–'],
        ['Triggered by', run.triggeredBy],
        ['Started', formatTime(run.started)],
        ['Duration', run.ended ? formatDuration(run.duration) : formatDuration(null, run.started)],
        ['Auto-retry', String(run.autoRetry)],
        ['Suite run id', run.id],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );
    let position = 0;
    replace(
      body,
      run.testRuns.length === 0
        ? h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'This suite has no tests.'))
        : run.testRuns.map((t) =>
            h(
              'tr',
              { dataset: { runId: t.id, status: t.status } },
              h('td', {}, t.attempt === 1 ? String(++position) : ''),
              h('td', {}, statusBadge(t.status), t.errorCode ? h('small', { class: 'code' }, t.errorCode) : null),
              h('td', {}, h('a', { href: `/runs/${encodeURIComponent(t.id)}`, dataset: { nav: '' }, class: 'test-name' }, t.name)),
              h('td', { class: 'attempt' }, String(t.attempt)),
              h('td', {}, formatTime(t.started)),
              h('td', {}, t.ended || !t.started ? formatDuration(t.duration) : formatDuration(null, t.started)),
            ),
          ),
    );
    return !isTerminal(run.status) || run.testRuns.some((t) => !isTerminal(t.status));
  }

  return poll(refresh, 1000);
}
