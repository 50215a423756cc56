import { describe, expect, it } from 'vitest';
import type { RunResources } from '../../src/domain/index.js';
import { act, evaluate, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { goto } from './plan-builder.js';

const { url, run } = useActionRunner();
// Expected failures wait out their step timeout: short, yet long enough for a loaded machine.
const FAST = { runTimeout: 3 };

describe('form actions', { timeout: 30_000 }, () => {
  it('type and clear: replace and empty the content of inputs, textareas and contenteditable elements', async () => {
    const r = await run([
      goto(url('/act-forms.html')),
      act('type', { selector: '#text', value: 'new text' }),
      act('type', { selector: '#area', value: 'line' }),
      act('type', { selector: '#editable', value: 'edited' }),
      evaluate('[text.value, area.value, editable.textContent].join("|")'),
      act('clear', { selector: '#text' }),
      evaluate('text.value'),
    ]);
    expectPassed(r);
    expect(r.steps[4]?.computedValue).toBe('new text|line|edited');
    expect(r.steps[6]?.computedValue).toBe('');
  });

  it('type and clear on an element that takes no text fail UNCHANGABLE_ELEMENT', async () => {
    const div = act('type', { selector: '#plain', value: 'x' }, { ...FAST, continueOnFailure: true });
    const box = act('type', { selector: '#check', value: 'x' }, { ...FAST, continueOnFailure: true });
    const clear = act('clear', { selector: '#button' }, FAST);
    const r = await run([goto(url('/act-forms.html')), div, box, clear]);
    expect(r.record(div)).toMatchObject({ status: 'failed', errorCode: 'UNCHANGABLE_ELEMENT', ignoredFailed: true });
    expect(r.record(box)).toMatchObject({ status: 'failed', errorCode: 'UNCHANGABLE_ELEMENT', ignoredFailed: true });
    expectFailedAt(r, clear, 'UNCHANGABLE_ELEMENT');
  });

  it('change: sets values without typing and fires input + change; a value the field does not keep passes with an INVALID_FIELD_VALUE warning', async () => {
    const sanitised = act('change', { selector: '#num', value: 'abc' });
    const rewritten = act('change', { selector: '#upper', value: 'abc' });
    const r = await run([
      goto(url('/act-forms.html')),
      act('change', { selector: '#date', value: '2024-02-29' }),
      act('change', { selector: '#check', value: 'true' }),
      act('change', { selector: '#single', value: 'de' }),
      act('change', { selector: '#editable', value: 'rich' }),
      evaluate('[date.value, check.checked, single.value, editable.textContent].join("|")'),
      read('#log'),
      sanitised,
      rewritten,
      evaluate('upper.value'),
    ]);
    expect(r.outcome.status).toBe('passed');
    expect(r.steps[5]?.computedValue).toBe('2024-02-29|true|de|rich');
    expect(r.steps[6]?.computedValue).toBe('input:date change:date input:check change:check input:single change:single input:editable change:editable');
    expect(r.steps.slice(1, 5).every((s) => s.status === 'passed' && !s.warning)).toBe(true);
    expect(r.record(sanitised)).toMatchObject({ status: 'passed', warning: true, errorCode: 'INVALID_FIELD_VALUE' });
    expect(r.record(rewritten)).toMatchObject({ status: 'passed', warning: true, errorCode: 'INVALID_FIELD_VALUE' });
    expect(r.record(rewritten).error).toMatch(/contains "ABC"/);
    expect(r.steps[9]?.computedValue).toBe('ABC');
  });

  it('change: on a non-input or a read-only field fails UNCHANGABLE_ELEMENT', async () => {
    const div = act('change', { selector: '#plain', value: 'x' }, { ...FAST, continueOnFailure: true });
    const ro = act('change', { selector: '#ro', value: 'x' }, FAST);
    const r = await run([goto(url('/act-forms.html')), div, ro]);
    expect(r.record(div)).toMatchObject({ status: 'failed', errorCode: 'UNCHANGABLE_ELEMENT' });
    expectFailedAt(r, ro, 'UNCHANGABLE_ELEMENT', /read-only/);
  });

  it('select: by text, value and index; several options of a multiple select; options that load late', async () => {
    const r = await run([
      goto(url('/act-forms.html')),
      act('select', { selector: '#single', select_type: 'text', value: 'Germany' }),
      evaluate('single.value'),
      act('select', { selector: '#single', select_type: 'value', value: 'pl' }),
      evaluate('single.value'),
      act('select', { selector: '#single', select_type: 'index', value: '1' }),
      evaluate('single.value'),
      act('select', { selector: '#multi', select_type: 'text', value: 'Red\nBlue', select_is_multiple: true }),
      evaluate('[...multi.selectedOptions].map((o) => o.value).join()'),
      act('select', { selector: '#multi', select_type: 'value', value: 'g, b', select_is_multiple: true }),
      evaluate('[...multi.selectedOptions].map((o) => o.value).join()'),
      act('select', { selector: '#late', select_type: 'text', value: 'Beta' }),
      evaluate('late.value'),
    ]);
    expectPassed(r);
    expect([2, 4, 6, 8, 10, 12].map((i) => r.steps[i]?.computedValue)).toEqual(['de', 'pl', 'de', 'r,b', 'g,b', 'b']);
  });

  it('select: each failure has its code', async () => {
    const cases = [
      { details: { selector: '#single', select_type: 'text' as const, value: 'Spain' }, code: 'MISSING_OPTION_TEXT' },
      { details: { selector: '#single', select_type: 'value' as const, value: 'es' }, code: 'MISSING_OPTION_VALUE' },
      { details: { selector: '#single', select_type: 'index' as const, value: '7' }, code: 'MISSING_OPTION_INDEX' },
      { details: { selector: '#single', select_type: 'index' as const, value: 'first' }, code: 'INVALID_OPTION_INDEX' },
      { details: { selector: '#single', select_type: 'text' as const, value: 'France' }, code: 'SELECT_OPTION_FAILED' },
      { details: { selector: '#single', select_type: 'text' as const, value: 'Poland\nGermany', select_is_multiple: true }, code: 'SELECT_OPTION_FAILED' },
      { details: { selector: '#text', select_type: 'text' as const, value: 'x' }, code: 'UNCHANGABLE_ELEMENT' },
    ];
    // continue_on_failure keeps the run going, so one run shows every code.
    const steps = cases.map((c) => act('select', c.details, { runTimeout: 2, continueOnFailure: true }));
    const r = await run([goto(url('/act-forms.html')), ...steps]);
    expect(steps.map((s) => r.record(s).errorCode)).toEqual(cases.map((c) => c.code));
    expect(steps.every((s) => r.record(s).status === 'failed')).toBe(true);
  });
});

describe('uploadFile', { timeout: 30_000 }, () => {
  const files: Record<string, string> = { 'files/hello.txt': 'hello from the bundle' };
  const resources: RunResources = {
    file: async (path) => (path in files ? new TextEncoder().encode(files[path]) : null),
    baseline: async () => null,
    saveBaseline: async () => {},
  };

  it('sets a bundle file on a file input and keeps it as an uploaded_file artifact', async () => {
    const upload = act('uploadFile', { selector: '#file', file_source: 'files/hello.txt' });
    const r = await run([goto(url('/act-upload.html')), upload, read('#file-out')], { resources });
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('hello.txt text/plain 21 hello from the bundle');
    const artifact = r.sink.ofType('artifact').find((a) => a.kind === 'uploaded_file');
    expect(artifact).toMatchObject({ name: 'hello.txt', contentType: 'text/plain', stepRunId: r.record(upload).id });
    expect(new TextDecoder().decode(artifact?.data as Uint8Array)).toBe('hello from the bundle');
  });

  it('fails FILE_DOES_NOT_EXIST for a file the bundle lacks, FILE_UPLOAD_ERROR on a non-file element', async () => {
    const missing = act('uploadFile', { selector: '#file', file_source: 'files/nope.pdf' }, { ...FAST, continueOnFailure: true });
    const wrong = act('uploadFile', { selector: '#notfile', file_source: 'files/hello.txt' }, FAST);
    const r = await run([goto(url('/act-upload.html')), missing, wrong], { resources });
    expect(r.record(missing)).toMatchObject({ status: 'failed', errorCode: 'FILE_DOES_NOT_EXIST' });
    expectFailedAt(r, wrong, 'FILE_UPLOAD_ERROR', /not a file input/);
  });
});

describe('pasteFromClipboard', { timeout: 30_000 }, () => {
  it('pastes what the page copied (Clipboard API, then a copied selection) into the element or the focused field', async () => {
    const r = await run([
      goto(url('/act-clipboard.html')),
      act('click', { selector: '#copy' }),
      act('pasteFromClipboard', { selector: '#dst' }),
      evaluate('dst.value'),
      act('click', { selector: '#copy-selection' }),
      act('click', { selector: '#code' }),
      act('pasteFromClipboard', {}),
      evaluate('code.value'),
      read('#paste-log'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('copied by button');
    expect(r.steps[3]?.computedValue).toBe('copied by button');
    expect(r.steps[7]?.computedValue).toBe('selected text');
    // A real paste event reached the page's handler, with the text in clipboardData.
    expect(r.steps[8]?.computedValue).toBe('paste event: selected text');
  });

  it('fails UNCHANGABLE_ELEMENT when there is nothing editable to paste into', async () => {
    const paste = act('pasteFromClipboard', { selector: '#plain' }, FAST);
    const r = await run([goto(url('/act-clipboard.html')), act('click', { selector: '#copy' }), paste]);
    expectFailedAt(r, paste, 'UNCHANGABLE_ELEMENT');
  });
});
