import { renderThresholdPlotSvg } from './threshold-plot';

describe('renderThresholdPlotSvg', () => {
  const curve = [0.25, 0.5, 0.75].map((threshold) => ({ threshold, precision: threshold, recall: 1 - threshold, fbeta: 0.5 }));
  const svg = renderThresholdPlotSvg({ label: 'frustration', curve, beta: 2, threshold: 0.35 });

  it('draws the three curves in plot coordinates (x: 60..520 for 0..1, y: 348..44 for 0..1)', () => {
    const series = [...svg.matchAll(/<polyline data-series="(\w+)"[^>]* points="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(series).toEqual([
      ['precision', '175,272 290,196 405,120'],
      ['recall', '175,120 290,196 405,272'],
      ['fbeta', '175,196 290,196 405,196'],
    ]);
  });

  it('has a title, axes, a legend naming F-beta, and marks the chosen and default thresholds', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('frustration: precision, recall and F2 vs threshold');
    expect(svg).toContain('>threshold</text>');
    expect(svg).toContain('>score</text>');
    for (const name of ['precision', 'recall', 'F2']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain('chosen 0.350');
    expect(svg).toContain('default 0.5');
    // Every opened element is closed (self-closing or with its end tag).
    const opened = (svg.match(/<(svg|text)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|text)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });

  it('escapes the label', () => {
    expect(renderThresholdPlotSvg({ label: 'a<b&"c"', curve, beta: 1, threshold: 0.5 })).toContain('a&#60;b&#38;&#34;c&#34;:');
  });
});
