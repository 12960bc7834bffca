// Small-number suppression: the one way any page, export or report shows counts of people broken
// down so finely that a small count could identify someone (survey results, cross-tabs, the
// consultation report, the funder's reports).
//
// Primary suppression: every count under the threshold (default 5), zero included, is shown as
// "fewer than 5". Secondary suppression: a shown total must not let anyone work a hidden count
// out by subtraction, so in every line of the table (a row with its total, a column with its
// total, and the totals with the grand total) either nothing is hidden or at least two entries
// are; where only one would be, the smallest shown count in that line is hidden too. Hiding one
// entry can leave another line with a single hidden entry, so this repeats until every line holds.
// The result says, for each entry, the count or that it is hidden, and pages word it.

export const DEFAULT_THRESHOLD = 5;

/** A count as it may be shown: the number, or hidden because it (or a sum it could be worked out from) is small. */
export type ShownCount = { hidden: false; value: number } | { hidden: true };

export type SuppressedTable = {
  cells: ShownCount[][];
  rowTotals: ShownCount[];
  columnTotals: ShownCount[];
  grandTotal: ShownCount;
  threshold: number;
};

export type SuppressOptions = {
  threshold?: number;
  /**
   * Totals that are not the sum of their line (people may tick several answers, so a question's
   * respondents are fewer than the sum of its answers). Given, they are shown (or hidden) as given
   * and take no part in secondary suppression: a sum that is not a total reveals nothing by subtraction.
   */
  rowTotals?: readonly number[];
  columnTotals?: readonly number[];
  grandTotal?: number;
};

function checkThreshold(threshold: number): number {
  if (!Number.isInteger(threshold) || threshold < 1) throw new Error('The suppression threshold must be a whole number of at least 1');
  return threshold;
}

function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error('Counts must be whole numbers, 0 or more');
  return n;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Suppresses a table of counts (rows × columns) with its row totals, column totals and grand
 * total. Unless other totals are given (see SuppressOptions), the totals are the sums.
 */
export function suppressTable(counts: readonly (readonly number[])[], options: SuppressOptions = {}): SuppressedTable {
  const threshold = checkThreshold(options.threshold ?? DEFAULT_THRESHOLD);
  const rows = counts.length;
  const cols = rows ? counts[0]!.length : 0;
  for (const r of counts) {
    if (r.length !== cols) throw new Error('Every row of a table must have the same number of cells');
    r.forEach(checkCount);
  }
  const additive = options.rowTotals === undefined && options.columnTotals === undefined && options.grandTotal === undefined;
  const rowTotals = (options.rowTotals ?? counts.map((r) => sum(r))).map(checkCount);
  const columnTotals = (options.columnTotals ?? Array.from({ length: cols }, (_, j) => sum(counts.map((r) => r[j]!)))).map(checkCount);
  const grandTotal = checkCount(options.grandTotal ?? sum(rowTotals));
  if (rowTotals.length !== rows || columnTotals.length !== cols) throw new Error('There must be one total per row and per column');

  // Every entry as an index into one list: the cells row by row, then row totals, column totals, the grand total.
  const values = [...counts.flat(), ...rowTotals, ...columnTotals, grandTotal];
  const cell = (i: number, j: number) => i * cols + j;
  const rowTotal = (i: number) => rows * cols + i;
  const columnTotal = (j: number) => rows * cols + rows + j;
  const grand = values.length - 1;
  const hidden = values.map((v) => v < threshold);

  if (additive) {
    const lines: number[][] = [];
    for (let i = 0; i < rows; i++) lines.push([...Array.from({ length: cols }, (_, j) => cell(i, j)), rowTotal(i)]);
    for (let j = 0; j < cols; j++) lines.push([...Array.from({ length: rows }, (_, i) => cell(i, j)), columnTotal(j)]);
    lines.push([...Array.from({ length: rows }, (_, i) => rowTotal(i)), grand]);
    lines.push([...Array.from({ length: cols }, (_, j) => columnTotal(j)), grand]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const line of lines) {
        if (line.filter((e) => hidden[e]).length !== 1) continue;
        // Hide the smallest shown entry of the line, a cell before a total (a total hidden costs more).
        const shown = line.filter((e) => !hidden[e]);
        if (!shown.length) continue;
        const isTotal = (e: number) => e >= rows * cols;
        shown.sort((a, b) => Number(isTotal(a)) - Number(isTotal(b)) || values[a]! - values[b]! || a - b);
        hidden[shown[0]!] = true;
        changed = true;
      }
    }
  }

  const show = (e: number): ShownCount => (hidden[e] ? { hidden: true } : { hidden: false, value: values[e]! });
  return {
    cells: Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => show(cell(i, j)))),
    rowTotals: Array.from({ length: rows }, (_, i) => show(rowTotal(i))),
    columnTotals: Array.from({ length: cols }, (_, j) => show(columnTotal(j))),
    grandTotal: show(grand),
    threshold,
  };
}

export type SuppressedList = { counts: ShownCount[]; total: ShownCount; threshold: number };

/**
 * Suppresses one list of counts and its total (the answers to one question). The total is their
 * sum unless given (several answers per person: then it is the number who answered).
 */
export function suppressList(counts: readonly number[], options: { threshold?: number; total?: number } = {}): SuppressedList {
  const table = suppressTable([counts], { threshold: options.threshold, ...(options.total === undefined ? {} : { rowTotals: [options.total], columnTotals: [...counts], grandTotal: options.total }) });
  return { counts: table.cells[0] ?? [], total: table.rowTotals[0] ?? table.grandTotal, threshold: table.threshold };
}

/** How a count reads on a page or in an export: the number, or "fewer than 5". */
export function countText(count: ShownCount, threshold: number): string {
  return count.hidden ? `fewer than ${threshold}` : String(count.value);
}

/** A shown count as a percentage of a shown total (whole numbers), or null when either is hidden or the total is 0. */
export function shownPercent(count: ShownCount, total: ShownCount): number | null {
  if (count.hidden || total.hidden || total.value === 0) return null;
  return Math.round((count.value / total.value) * 100);
}
