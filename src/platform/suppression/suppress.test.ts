import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countText, shownPercent, suppressList, suppressTable, type ShownCount, type SuppressedTable } from './suppress.ts';

const text = (c: ShownCount) => countText(c, 5);

/** What an attacker could work out: a line (a row or column with its total) with exactly one hidden entry. */
function derivable(t: SuppressedTable): number[] {
  const found: number[] = [];
  const lines: ShownCount[][] = [
    ...t.cells.map((r, i) => [...r, t.rowTotals[i]!]),
    ...t.columnTotals.map((c, j) => [...t.cells.map((r) => r[j]!), c]),
    [...t.rowTotals, t.grandTotal],
    [...t.columnTotals, t.grandTotal],
  ];
  for (const line of lines) {
    const hidden = line.filter((c) => c.hidden).length;
    if (hidden !== 1) continue;
    // The total is the last entry: the hidden one is the total minus the others, or their sum.
    const total = line.at(-1)!;
    const parts = line.slice(0, -1);
    const shownSum = parts.reduce((a, c) => a + (c.hidden ? 0 : c.value), 0);
    found.push(total.hidden ? shownSum : total.value - shownSum);
  }
  return found;
}

// A small deterministic generator, so a failure can be reproduced from its seed.
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('small-number suppression', () => {
  it('hides every count under the threshold, zero included, and shows the rest as they are', () => {
    const t = suppressList([12, 3, 0, 40]);
    assert.deepEqual(t.counts.map(text), ['12', 'fewer than 5', 'fewer than 5', '40']);
    assert.equal(text(t.total), '55');
    assert.equal(text(suppressList([12, 3], { threshold: 3 }).counts[1]!), '3');
  });

  it('hides a second count when one hidden count could be worked out from the total', () => {
    // 20 + 3 + 9 = 32: with 20, 9 and 32 shown, the 3 is 32 - 20 - 9. The 9 (smallest shown) goes too.
    const t = suppressList([20, 3, 9]);
    assert.deepEqual(t.counts.map(text), ['20', 'fewer than 5', 'fewer than 5']);
    assert.equal(text(t.total), '32');
    assert.deepEqual(derivable(suppressTable([[20, 3, 9]])), []);
  });

  it('keeps a cross-tab safe across its rows, columns and totals at once', () => {
    const counts = [
      [30, 2, 14],
      [25, 11, 8],
      [6, 9, 40],
    ];
    const t = suppressTable(counts);
    assert.equal(t.cells[0]![1]!.hidden, true);
    assert.deepEqual(derivable(t), []);
    // Every line with a hidden entry has at least two.
    for (const row of t.cells.map((r, i) => [...r, t.rowTotals[i]!])) assert.notEqual(row.filter((c) => c.hidden).length, 1);
    // What is shown is the truth.
    t.cells.forEach((r, i) => r.forEach((c, j) => !c.hidden && assert.equal(c.value, counts[i]![j])));
  });

  it('leaves nothing to work out by subtraction in a thousand random tables', () => {
    const next = random(42);
    for (let n = 0; n < 1000; n++) {
      const rows = 1 + Math.floor(next() * 5);
      const cols = 1 + Math.floor(next() * 6);
      const counts = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(next() ** 2 * 30)));
      const threshold = 1 + Math.floor(next() * 8);
      const t = suppressTable(counts, { threshold });
      assert.deepEqual(derivable(t), [], `table ${n}: ${JSON.stringify(counts)} at ${threshold}`);
      counts.forEach((r, i) =>
        r.forEach((v, j) => {
          const c = t.cells[i]![j]!;
          if (v < threshold) assert.equal(c.hidden, true, `table ${n}: ${v} at ${i},${j} is under ${threshold}`);
          if (!c.hidden) assert.equal(c.value, v);
        }),
      );
    }
  });

  it('shows totals that are not sums (several answers each) as given, without hiding more', () => {
    // 14 people answered a question where each could tick several answers.
    const t = suppressList([10, 3, 9], { total: 14 });
    assert.deepEqual(t.counts.map(text), ['10', 'fewer than 5', '9']);
    assert.equal(text(t.total), '14');
    assert.equal(text(suppressList([3, 2], { total: 4 }).total), 'fewer than 5');
  });

  it('gives percentages only of shown counts of shown totals', () => {
    const t = suppressList([20, 3, 9]);
    assert.equal(shownPercent(t.counts[0]!, t.total), 63);
    assert.equal(shownPercent(t.counts[1]!, t.total), null);
    assert.equal(shownPercent({ hidden: false, value: 0 }, { hidden: false, value: 0 }), null);
  });

  it('refuses counts and thresholds that make no sense, rather than showing a wrong table', () => {
    assert.throws(() => suppressList([1.5]), /whole numbers/);
    assert.throws(() => suppressList([-1]), /whole numbers/);
    assert.throws(() => suppressList([1], { threshold: 0 }), /threshold/);
    assert.throws(() => suppressTable([[1, 2], [3]]), /same number of cells/);
    const empty = suppressTable([]);
    assert.deepEqual([empty.cells, empty.rowTotals, empty.columnTotals], [[], [], []]);
    assert.equal(empty.grandTotal.hidden, true);
  });
});
