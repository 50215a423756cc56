import type { ReportRun } from './report-run.js';
import { seconds, stepLabel } from './report-run.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string | null | undefined) => (text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Screenshots to embed, by step run id, as data: URLs so the file stands alone. */
export type EmbeddedScreenshots = Map<string, { contentType: string; data: Uint8Array }>;

/** A link a report shows beside a run (e.g. its trace file), relative to the report or absolute. */
export interface ReportLink {
  label: string;
  href: string;
}

/** One run of a report of several: its screenshots and links. */
export interface HtmlReportEntry {
  run: ReportRun;
  screenshots?: EmbeddedScreenshots;
  links?: ReportLink[];
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
.status{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;background:#666}
.status.passed{background:#2a7d2a}.status.failed,.status.error{background:#b00020}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}
tr.failed td,tr.error td{background:#fdecee}.error{color:#b00020;margin-top:4px}
img{max-width:240px;border:1px solid #ccc}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${STYLE}</style></head><body>
${body}</body></html>
`;
}

/** A run's heading, status, times, links and steps (each with its error and screenshot). */
function runBody(run: ReportRun, screenshots: EmbeddedScreenshots, heading: 'h1' | 'h2', links: readonly ReportLink[]): string {
  const rows = run.steps.map((s) => {
    const shot = screenshots.get(s.id);
    const img = shot ? `<img alt="screenshot" src="data:${esc(shot.contentType)};base64,${Buffer.from(shot.data).toString('base64')}">` : '';
    const error = s.errorCode ? `<div class="error">${esc(s.errorCode)}: ${esc(s.error)}</div>` : '';
    return `<tr class="${esc(s.status)}${s.warning ? ' warning' : ''}"><td>${s.sequence + 1}</td><td>${esc(stepLabel(s))}${error}</td><td>${esc(s.status)}${s.warning ? ' (warning)' : ''}</td><td>${seconds(s.started, s.ended).toFixed(3)} s</td><td>${img}</td></tr>`;
  });
  const linkLine = links.length > 0 ? `<p>${links.map((l) => `<a href="${esc(l.href)}">${esc(l.label)}</a>`).join(' &middot; ')}</p>\n` : '';
  return `<${heading}>${esc(run.testName)}</${heading}>
<p><span class="status ${esc(run.status)}">${esc(run.status)}</span>
${run.errorCode ? ` <strong>${esc(run.errorCode)}</strong>: ${esc(run.errorMessage)}` : ''}</p>
<p>Run ${esc(run.id)} &middot; started ${esc(run.started)} &middot; ${seconds(run.started, run.ended).toFixed(3)} s</p>
${linkLine}<table><thead><tr><th>#</th><th>Step</th><th>Status</th><th>Time</th><th>Screenshot</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
`;
}

/** A self-contained HTML report of one run: summary, every step, its error and screenshot. */
export function renderHtmlReport(run: ReportRun, screenshots: EmbeddedScreenshots = new Map(), links: readonly ReportLink[] = []): string {
  return page(`${run.testName} - Bugrun report`, runBody(run, screenshots, 'h1', links));
}

/** A self-contained HTML report of several runs (e.g. `bugrun run`'s): a count by status, then each run as renderHtmlReport shows it. */
export function renderHtmlRunsReport(title: string, entries: readonly HtmlReportEntry[]): string {
  const counts = new Map<string, number>();
  for (const { run } of entries) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `<span class="status ${esc(status)}">${n} ${esc(status)}</span>`).join(' ');
  const sections = entries.map((e) => `<section>\n${runBody(e.run, e.screenshots ?? (new Map() as EmbeddedScreenshots), 'h2', e.links ?? [])}</section>\n`);
  return page(`${title} - Bugrun report`, `<h1>${esc(title)}</h1>\n<p>${summary}</p>\n${sections.join('')}`);
}
