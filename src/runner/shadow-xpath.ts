import { selectors } from 'playwright-core';

/**
 * The engine name Bugrun's XPath groups go through (selectors.ts, toLocator). Playwright's own
 * `xpath=` stays in the light tree; BugBug's groups cross open shadow roots as CSS groups do.
 */
export const SHADOW_XPATH_ENGINE = 'bugrun-xpath';

let registered: Promise<void> | null = null;

/**
 * Registers the engine with playwright-core, once per process. Engines reach contexts created
 * after registration (also on a remote browser server), so the browser pool awaits this first.
 */
export function registerShadowXPath(): Promise<void> {
  registered ??= selectors.register(SHADOW_XPATH_ENGINE, shadowXPathEngine).catch((e: unknown) => {
    registered = null;
    throw e;
  });
  return registered;
}

/**
 * Serialised into each document by Playwright, so it must be self-contained.
 *
 * An XPath is evaluated in the light tree of the root, then in every open shadow tree inside it
 * (a host's own, and those nested in it), outermost first, the order Playwright's CSS engine
 * yields. A shadow root cannot be an XPath context node, so a relative expression is evaluated
 * from the root's first child through `..` (which Chromium resolves to the shadow root); an
 * absolute one (`//x`, on the document) from any node of a shadow tree starts at that tree's root.
 */
export function shadowXPathEngine() {
  const isAbsolute = (xpath: string) => /^\(*\//.test(xpath);
  // `(.//x)[2]` → `(.././/x)[2]`: the path starts one step up, at the shadow root.
  const fromParent = (xpath: string) => xpath.replace(/^(\(*)/, '$1../');

  function shadowRoots(root: Node): ShadowRoot[] {
    const found: ShadowRoot[] = [];
    const visit = (scope: Node) => {
      const hosts: Element[] = scope instanceof Element ? [scope] : [];
      if ('querySelectorAll' in scope) hosts.push(...Array.from((scope as ParentNode).querySelectorAll('*')));
      for (const host of hosts) {
        if (!host.shadowRoot) continue;
        found.push(host.shadowRoot);
        visit(host.shadowRoot);
      }
    };
    visit(root);
    return found;
  }

  function evaluate(xpath: string, context: Node, into: Set<Element>) {
    const doc = context.ownerDocument ?? (context as Document);
    const snap = doc.evaluate(xpath, context, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    for (let i = 0; i < snap.snapshotLength; i++) {
      const node = snap.snapshotItem(i);
      if (node instanceof Element) into.add(node);
    }
  }

  function queryAll(root: Node, selector: string): Element[] {
    // As Playwright's own engine: below an element, `//x` is scoped to it (selectors.ts sends a
    // later group's absolute XPath to the document root when BugBug means the whole document).
    const xpath = selector.startsWith('/') && root.nodeType !== Node.DOCUMENT_NODE ? `.${selector}` : selector;
    const out = new Set<Element>();
    evaluate(xpath, root, out);
    const inShadow = isAbsolute(xpath) ? xpath : fromParent(xpath);
    for (const shadow of shadowRoots(root)) {
      if (shadow.firstChild) evaluate(inShadow, shadow.firstChild, out);
    }
    return Array.from(out);
  }

  return {
    query: (root: Node, xpath: string): Element | null => queryAll(root, xpath)[0] ?? null,
    queryAll,
  };
}
