import { StepError } from '../errors.js';
import { documentOf, evaluateOn } from './scope.js';
import type { ActionHandler } from './types.js';

type PasteOutcome = { ok: true; into: string; handled: boolean } | { ok: false; into: string };

/**
 * Runs in the page: pastes `text` into the step's element (focusing it) or else into the focused
 * element, the way the browser does: a `paste` event carrying the text first; if no handler
 * cancels it, the text replaces the selection at the caret (execCommand keeps undo history and
 * fires `input`).
 */
function pasteInto(el: Element, a: { text: string; focusElement: boolean }): PasteOutcome {
  const doc = el.ownerDocument;
  let target: Element | null = a.focusElement ? el : doc.activeElement;
  while (target?.shadowRoot?.activeElement) target = target.shadowRoot.activeElement;
  const describe = (n: Element | null): string => (n ? `<${n.tagName.toLowerCase()}${n.id ? ` id="${n.id}"` : ''}>` : 'nothing');
  const textInput = (t: Element): t is HTMLInputElement | HTMLTextAreaElement =>
    t instanceof HTMLTextAreaElement ||
    (t instanceof HTMLInputElement && !['checkbox', 'radio', 'file', 'button', 'submit', 'reset', 'image', 'range', 'color', 'hidden'].includes(t.type));
  if (!target) return { ok: false, into: 'nothing' };
  const editable = textInput(target) ? !target.disabled && !target.readOnly : target instanceof HTMLElement && target.isContentEditable;
  if (!editable) return { ok: false, into: describe(target) };
  if (a.focusElement && target instanceof HTMLElement) target.focus();
  const data = new DataTransfer();
  data.setData('text/plain', a.text);
  const proceed = target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  if (proceed && a.text && !doc.execCommand('insertText', false, a.text) && textInput(target)) {
    target.value += a.text;
    target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  return { ok: true, into: describe(target), handled: !proceed };
}

/**
 * Pastes the clipboard's text into the step's element, or into the focused element when the step
 * has no selector. The text is what the run copied last (copy/cut events and the Clipboard API are
 * tracked in runs that paste), else the browser clipboard read with the permission granted to the
 * run. Nothing editable to paste into fails with UNCHANGABLE_ELEMENT.
 */
const pasteFromClipboard: ActionHandler = async (ctx) => {
  const hasSelector = Boolean(ctx.details.selector?.trim());
  const { loc } = hasSelector ? await ctx.element() : { loc: documentOf(ctx) };
  if (!hasSelector) await ctx.frameElement();
  const text = (await ctx.session.clipboard.text(ctx.page)) ?? '';
  ctx.record.computedValue = text;
  if (!text) ctx.session.events.log('warn', 'The clipboard is empty: nothing was pasted');
  const outcome = await evaluateOn(ctx, loc, pasteInto, { text, focusElement: hasSelector });
  if (!outcome.ok) throw new StepError('UNCHANGABLE_ELEMENT', `Cannot paste into ${outcome.into}: it is not an editable field`);
  if (outcome.handled) ctx.session.events.log('info', `The page handled the paste into ${outcome.into} itself`);
};

export const clipboardActions = { pasteFromClipboard } satisfies Record<string, ActionHandler>;
