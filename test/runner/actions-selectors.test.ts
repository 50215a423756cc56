import { describe, expect, it } from 'vitest';
import { splitSelectValues } from '../../src/runner/actions/select.js';
import { baseName, mimeTypeOf } from '../../src/runner/actions/upload.js';
import { modifiersOf } from '../../src/runner/actions/pointer.js';
import { describeSelector, parseSelector } from '../../src/runner/selectors.js';

describe('selector chains (parsing)', () => {
  it('reads << as ancestor and ~ as sibling-via-parent, keeping >> as descendant', () => {
    expect(parseSelector('xpath=//h3 << css=.card >> css=button')).toEqual([
      { engine: 'xpath', body: '//h3' },
      { engine: 'css', body: '.card', relation: 'ancestor' },
      { engine: 'css', body: 'button' },
    ]);
    expect(parseSelector('//label ~ css=input')).toEqual([
      { engine: 'xpath', body: '//label' },
      { engine: 'css', body: 'input', relation: 'sibling' },
    ]);
    expect(describeSelector(parseSelector('//h3 << .card ~ xpath=./span'))).toBe('xpath=//h3 << css=.card ~ xpath=./span');
  });

  it('keeps CSS sibling combinators and operators inside quotes or brackets as selector text', () => {
    expect(parseSelector('css=h1 ~ p')).toEqual([{ engine: 'css', body: 'h1 ~ p' }]);
    expect(parseSelector('h1 ~ .note')).toEqual([{ engine: 'css', body: 'h1 ~ .note' }]);
    expect(parseSelector('[title="a << b ~ c"]')).toEqual([{ engine: 'css', body: '[title="a << b ~ c"]' }]);
    expect(parseSelector('//a[contains(., " << ")]')).toEqual([{ engine: 'xpath', body: '//a[contains(., " << ")]' }]);
  });

  it('rejects empty parts with INVALID_ELEMENT_SELECTOR', () => {
    for (const bad of ['css=.card << ', ' >> a', 'xpath= >> a', 'a ~ css=']) {
      expect(() => parseSelector(bad)).toThrow(expect.objectContaining({ code: expect.stringMatching(/INVALID_ELEMENT_SELECTOR|SELECTOR_REQUIRED/) }));
    }
  });
});

describe('action conventions', () => {
  it('splits multi-select values by line, else by comma', () => {
    expect(splitSelectValues('Red\nBlue', true)).toEqual(['Red', 'Blue']);
    expect(splitSelectValues('r, g,b', true)).toEqual(['r', 'g', 'b']);
    expect(splitSelectValues('a, b', false)).toEqual(['a, b']);
  });

  it('maps modifier key names in any spelling, once each', () => {
    expect(modifiersOf(['Shift', 'ctrl', 'CONTROL', 'cmd', 'altKey', 'Hyper'])).toEqual(['Shift', 'Control', 'Meta', 'Alt']);
  });

  it('names uploaded files by their base name and MIME type by extension', () => {
    expect(baseName('files/sub\\report.PDF')).toBe('report.PDF');
    expect(mimeTypeOf('report.PDF')).toBe('application/pdf');
    expect(mimeTypeOf('blob.bin')).toBe('application/octet-stream');
  });
});
