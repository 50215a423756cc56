import { StepError } from './errors.js';

/**
 * Which URLs a run may reach. The browser runs on the server, so a page on `file:` (or `chrome:`,
 * `view-source:file:`, ...) would hand the server's files to whoever wrote the test: only web
 * URLs are allowed, as an allowlist, so a scheme nobody thought of is refused too.
 */

/** What the messages tell the test author they may use. */
export const ALLOWED_URLS = 'http:, https:, data: and about:blank';

/** http:, https:, data: and about:blank (with any #fragment): what goto and newTab may open. */
export function isOpenableUrl(url: URL): boolean {
  switch (url.protocol) {
    case 'http:':
    case 'https:':
    case 'data:':
      return true;
    case 'about:':
      return url.pathname === 'blank';
    default:
      return false;
  }
}

/**
 * Where a frame may be, which is a little more than what a test may open: pages make frames of
 * their own content (`about:srcdoc`, `blob:` URLs of a web or opaque origin), a frame that has not
 * navigated yet has no URL, and a page that failed to load shows Chromium's error page. None of
 * them can show a file of the machine.
 */
export function isAllowedFrameUrl(raw: string): boolean {
  // The hot path: nearly every navigation of a run is one of these.
  if (raw.startsWith('https:') || raw.startsWith('http:') || raw === '' || raw === 'about:blank') return true;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (isOpenableUrl(url)) return true;
  if (url.protocol === 'about:') return url.pathname === 'srcdoc';
  if (url.href === 'chrome-error://chromewebdata/') return true;
  if (url.protocol === 'blob:') {
    // blob:https://site/uuid is data the page itself made; blob:null/... comes from a data: page.
    return url.pathname.startsWith('null/') || /^https?:\/\//.test(url.pathname);
  }
  return false;
}

/** The URL a test gave (goto, newTab) is not one a run may open. */
export function notOpenableError(text: string): StepError {
  return new StepError('INVALID_URL', `The URL "${text}" is not allowed: local URLs such as file: are not allowed; a test may open ${ALLOWED_URLS} URLs`);
}

/** A frame of the run reached (or was about to reach) `url` anyway; it was sent to about:blank. */
export function reachedLocalUrlError(url: string, where: string): StepError {
  return new StepError(
    'INVALID_URL',
    `${where} went to ${url}: local URLs such as file: are not allowed (only ${ALLOWED_URLS}); the frame was sent to about:blank`,
  );
}

/** A page asked for a navigation to `url`, which Chromium refused. */
export function refusedLocalUrlError(url: string, pageUrl: string): StepError {
  return new StepError('INVALID_URL', `The page ${pageUrl} tried to open ${url}: local URLs such as file: are not allowed (only ${ALLOWED_URLS})`);
}

/** `url` answered with a redirect Chromium refuses to follow (ERR_UNSAFE_REDIRECT). */
export function unsafeRedirectError(url: string): StepError {
  return new StepError(
    'INVALID_URL',
    `${url} redirected to a URL that is not allowed (ERR_UNSAFE_REDIRECT): local URLs such as file: are not allowed (only ${ALLOWED_URLS})`,
  );
}
