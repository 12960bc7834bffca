// Server-rendered horizontal bar charts as SVG: no script, readable at any zoom, and always
// shown with a data table beside them for screen readers and for anyone who prefers numbers.
import { escapeHtml } from '../mail/templates.ts';

export type Bar = { label: string; value: number };

// Each label sits above its bar across the whole width, wrapped onto a second line when long,
// so a narrow drawing can be used: on a 320px phone its text is scaled down only a little, where
// labels beside bars left a 7px scrawl cut off at 38 characters.
const WIDTH = 320;
const LINE = 18;
const VALUE_ROOM = 48;
const BAR_MAX = WIDTH - VALUE_ROOM;
const LINE_CHARS = 38;

/** A label in at most two lines of about LINE_CHARS, broken between words. */
export function labelLines(label: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    if (line && `${line} ${word}`.length > LINE_CHARS) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= 2) return lines.map((l) => (l.length > LINE_CHARS + 4 ? `${l.slice(0, LINE_CHARS + 3)}…` : l));
  const second = lines.slice(1).join(' ');
  return [lines[0]!, second.length > LINE_CHARS ? `${second.slice(0, LINE_CHARS - 1)}…` : second];
}

export function barChartSvg(id: string, title: string, bars: Bar[]): string {
  return drawBars(id, title, bars.map((b) => ({ ...b, text: String(b.value) })));
}

/**
 * A bar chart whose values may be withheld (small-number suppression): a bar with a null value is
 * drawn with no bar and its text ("fewer than 5") where the number would be.
 */
export function shownBarChartSvg(id: string, title: string, bars: { label: string; value: number | null; text: string }[]): string {
  return drawBars(id, title, bars.map((b) => ({ label: b.label, value: b.value ?? 0, text: b.text })));
}

function drawBars(id: string, title: string, bars: { label: string; value: number; text: string }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  let y = 0;
  const rows = bars
    .map((b) => {
      const lines = labelLines(b.label);
      const w = Math.round((b.value / max) * BAR_MAX);
      const text = lines.map((l, i) => `<text x="0" y="${y + LINE * (i + 1) - 4}" class="coproduce-chart__label">${escapeHtml(l)}</text>`).join('');
      const barY = y + LINE * lines.length + 2;
      y = barY + 16 + 12;
      return [
        text,
        `<rect x="0" y="${barY}" width="${Math.max(w, b.value > 0 ? 2 : 0)}" height="16" class="coproduce-chart__bar"></rect>`,
        `<text x="${w + 6}" y="${barY + 13}" class="coproduce-chart__value">${escapeHtml(b.text)}</text>`,
      ].join('');
    })
    .join('');
  const height = Math.max(y, 8);
  // The table next to the chart carries the same data, so the picture itself is one labelled image.
  return `<svg xmlns="http://www.w3.org/2000/svg" class="coproduce-chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title" focusable="false"><title id="${id}-title">${escapeHtml(title)}</title>${rows}</svg>`;
}
