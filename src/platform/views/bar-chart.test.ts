import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChartSvg, labelLines } from './bar-chart.ts';

describe('bar charts', () => {
  it('keep long labels whole, on two lines broken between words', () => {
    assert.deepEqual(labelLines('Radiographer who supervises or delegates to support staff'), ['Radiographer who supervises or', 'delegates to support staff']);
    assert.deepEqual(labelLines('Band 2'), ['Band 2']);
    const three = labelLines('An unusually long label that goes on and on well past what two lines of the chart can hold');
    assert.equal(three.length, 2);
    assert.ok(three[1]!.endsWith('…'));
  });

  it('draw a narrow picture whose text stays readable at 320px, with the values and an accessible name', () => {
    const svg = barChartSvg('role', 'Registrations by role', [
      { label: 'Radiographer who supervises or delegates to support staff', value: 12 },
      { label: 'Clinical support worker (CSW)', value: 30 },
      { label: 'Nobody & <others>', value: 0 },
    ]);
    const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
    // A 320px screen shows the drawing about 290px wide: 15px text in a 320-wide drawing stays over 13px.
    assert.ok(Number(viewBox[1]) <= 320);
    assert.match(svg, />delegates to support staff</);
    assert.match(svg, />30</);
    assert.match(svg, /Nobody &amp; &lt;others&gt;/);
    assert.match(svg, /role="img" aria-labelledby="role-title"/);
    assert.match(svg, /<title id="role-title">Registrations by role<\/title>/);
  });
});
