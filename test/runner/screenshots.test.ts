import { describe, expect, it } from 'vitest';
import type { Screenshot } from '../../src/domain/index.js';
import { assertStep, goto, plan } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const { pool, url, run } = useRunnerFixture();

/** A picture's size and the colour at its centre, read by the browser itself (no JPEG decoder here). */
async function look(shot: Screenshot | null | undefined): Promise<{ width: number; height: number; centre: number[] }> {
  if (!shot) throw new Error('no screenshot');
  const context = await (await pool.browser()).newContext();
  try {
    const page = await context.newPage();
    const src = `data:${shot.contentType};base64,${Buffer.from(shot.data).toString('base64')}`;
    return await page.evaluate(async (s) => {
      const img = new Image();
      img.src = s;
      await img.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.drawImage(img, 0, 0);
      const centre = Array.from(g.getImageData(img.naturalWidth >> 1, img.naturalHeight >> 1, 1, 1).data.slice(0, 3));
      return { width: img.naturalWidth, height: img.naturalHeight, centre };
    }, src);
  } finally {
    await context.close();
  }
}

const blue = (rgb: number[]): boolean => (rgb[2] ?? 0) > 200 && (rgb[0] ?? 255) < 60;

/** A page scrolled to its blue half: goto, a passing assertion, one that fails but continues (a warning), one that fails. */
function scrolledPlan(width: number, height: number) {
  const p = plan([
    goto(url('/shots.html#bottom')),
    assertStep({ selector: '#bottom', assertion_property: 'visible' }),
    assertStep(
      { selector: '#bottom', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'top' },
      { continueOnFailure: true, runTimeout: 1 },
    ),
    assertStep({ selector: '#bottom', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'top' }, { runTimeout: 1 }),
  ]);
  p.screen = { type: 'custom', width, height };
  return p;
}

describe('step screenshots', { timeout: 30_000 }, () => {
  it('are small for cleanly passed steps and full size for a warning or a failure, each showing the scrolled view', async () => {
    const { outcome, sink } = await run(scrolledPlan(1366, 768));
    expect(outcome.status).toBe('failed');
    expect(sink.steps().map((s) => [s.status, s.warning])).toEqual([
      ['passed', false],
      ['passed', false],
      ['passed', true],
      ['failed', false],
    ]);
    const shots = await Promise.all(sink.ofType('step-ended').map((e) => look(e.screenshot)));
    expect(shots.map((s) => [s.width, s.height])).toEqual([
      [683, 384],
      [683, 384],
      [1366, 768],
      [1366, 768],
    ]);
    // The clip follows the scroll offset: a clip at the page's top would show its red half.
    for (const s of shots) expect(blue(s.centre), `centre ${s.centre.join(',')}`).toBe(true);
  });

  it('are full size for every step when the operator asks for it', async () => {
    const { sink } = await run(scrolledPlan(1366, 768), { passedScreenshots: 'full' });
    const shots = await Promise.all(sink.ofType('step-ended').map((e) => look(e.screenshot)));
    expect(shots.map((s) => s.width)).toEqual([1366, 1366, 1366, 1366]);
  });

  it('never shrink a narrow screen below 640 px, nor enlarge a phone screen', async () => {
    const narrow = await run(scrolledPlan(1024, 700));
    expect((await Promise.all(narrow.sink.ofType('step-ended').map((e) => look(e.screenshot)))).map((s) => s.width)).toEqual([640, 640, 1024, 1024]);
    const phone = await run(scrolledPlan(375, 667));
    expect((await Promise.all(phone.sink.ofType('step-ended').map((e) => look(e.screenshot)))).map((s) => [s.width, s.height])).toEqual([
      [375, 667],
      [375, 667],
      [375, 667],
      [375, 667],
    ]);
  });
});
