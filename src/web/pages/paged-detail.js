import { api, ApiError } from '../api.js';
import { h, message, poll, replace } from '../dom.js';

const PAGE_SIZE = 20;

/**
 * The moving part of a page of one resource with a paged list under it (an alert and its
 * deliveries, a schedule and its runs): fetches the item and the list's page together, turns the
 * pages, says when the item is gone, and follows both every 2 s until close() is called.
 * `listPath(query)` is the list's path for a query string; `show(item, list)` renders them both;
 * `nouns` names one and many of the list's things; `what` names the resource.
 * Call it once the page is laid out: it fetches at once.
 */
export function pagedDetail({ main, crumbs, notice, pager, ready, itemPath, listPath, show, nouns: [one, many], what }) {
  let current = null;
  let page = 1;
  let closed = false;

  function renderPager(data) {
    const pages = Math.max(1, Math.ceil(data.count / PAGE_SIZE));
    pager.hidden = pages === 1;
    replace(
      pager,
      h('button', { type: 'button', disabled: !data.previous, onclick: () => turn(page - 1) }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${page} of ${pages} · ${data.count} ${data.count === 1 ? one : many}`),
      h('button', { type: 'button', disabled: !data.next, onclick: () => turn(page + 1) }, 'Older →'),
    );
  }

  function turn(to) {
    page = to;
    void refresh();
  }

  async function refresh() {
    let item;
    let list;
    try {
      [item, list] = await Promise.all([api(itemPath), api(listPath(`page_size=${PAGE_SIZE}${page > 1 ? `&page=${page}` : ''}`))]);
    } catch (err) {
      // A look still under way when the page was left (or its item deleted) shows nothing.
      if (closed) return false;
      if (err instanceof ApiError && err.status === 404) {
        if (page > 1 && current) {
          turn(1);
          return true;
        }
        replace(main, crumbs, message('error', `There is no such ${what} in this project.`));
        return false;
      }
      replace(notice, message('error', err.message));
      return true;
    }
    await ready;
    if (closed) return false;
    current = item;
    show(item, list);
    renderPager(list);
    return true;
  }

  const stop = poll(refresh, 2000);
  return {
    refresh,
    /** The item as last fetched, or null before the first fetch. */
    current: () => current,
    close() {
      closed = true;
      stop();
    },
  };
}
