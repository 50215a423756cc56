import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../src/runner/selectors.js';

describe('parseSelector', () => {
  it('reads prefixes and guesses XPath from a leading / or (', () => {
    expect(parseSelector('xpath=//a')).toEqual([{ engine: 'xpath', body: '//a' }]);
    expect(parseSelector('css=#a')).toEqual([{ engine: 'css', body: '#a' }]);
    expect(parseSelector('(//li)[2]')).toEqual([{ engine: 'xpath', body: '(//li)[2]' }]);
    expect(parseSelector('div > p')).toEqual([{ engine: 'css', body: 'div > p' }]);
  });

  it('splits chains on >> outside quotes and brackets', () => {
    expect(parseSelector('css=form >> xpath=.//button')).toEqual([
      { engine: 'css', body: 'form' },
      { engine: 'xpath', body: './/button' },
    ]);
    expect(parseSelector('[title="a >> b"]')).toEqual([{ engine: 'css', body: '[title="a >> b"]' }]);
  });

  it('requires a selector', () => {
    expect(() => parseSelector('  ')).toThrow(/selector/);
  });
});
