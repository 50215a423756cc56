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

  it('does not chain on >> without spaces: such a part is no CSS or XPath, and never reaches Playwright to be split there', () => {
    for (const raw of ['css=div>>span', 'div>>span', 'xpath=//div>>//span', 'css=form >> button>>span']) {
      expect(() => parseSelector(raw), raw).toThrow(/not a valid (css|xpath) selector: groups chain with " >> "/);
    }
    expect(parseSelector('[title="a>>b"]')).toEqual([{ engine: 'css', body: '[title="a>>b"]' }]);
    expect(parseSelector('div > span')).toEqual([{ engine: 'css', body: 'div > span' }]);
  });

  it('requires a selector', () => {
    expect(() => parseSelector('  ')).toThrow(/selector/);
  });
});
