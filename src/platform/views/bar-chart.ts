// Server-rendered horizontal bar charts as SVG: no script, readable at any zoom, and always
// shown with a data table beside them for screen readers and for anyone who prefers numbers.
import { escapeHtml } from '../mail/templates.ts';

export type Bar = { label: string; value: number };

const ROW = 28;
const LABEL_WIDTH = 260;
const BAR_MAX = 360;
const WIDTH = LABEL_WIDTH + BAR_MAX + 60;

export function barChartSvg(id: string, title: string, bars: Bar[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  const rows = bars
    .map((b, i) => {
      const y = i * ROW + 4;
      const w = Math.round((b.value / max) * BAR_MAX);
      const label = b.label.length > 38 ? `${b.label.slice(0, 37)}…` : b.label;
      return [
        `<text x="${LABEL_WIDTH - 8}" y="${y + 18}" text-anchor="end" class="coproduce-chart__label">${escapeHtml(label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${Math.max(w, b.value > 0 ? 2 : 0)}" height="${ROW - 10}" class="coproduce-chart__bar"></rect>`,
        `<text x="${LABEL_WIDTH + w + 6}" y="${y + 18}" class="coproduce-chart__value">${b.value}</text>`,
      ].join('');
    })
    .join('');
  // The table next to the chart carries the same data, so the picture itself is one labelled image.
  return `<svg xmlns="http://www.w3.org/2000/svg" class="coproduce-chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title" focusable="false"><title id="${id}-title">${escapeHtml(title)}</title>${rows}</svg>`;
}
