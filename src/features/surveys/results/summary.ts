// A survey's results as pages show them: each question's counts, charts and tables, every count
// through the platform's small-number suppression with the survey's threshold. Pure: the counts
// come from queries.ts (aggregates), the questions from the catalogue.
//
// Totals are chosen so that none reveals a hidden count by subtraction: a single-choice question's
// answers (with "No answer") add up to the responses, so the list is suppressed as additive; a
// multiple-choice question's do not (people tick several), so its total is given as the number of
// respondents. A breakdown's groups partition the responses (with "Not known" or "No answer" as a
// group), so its table is additive along each answer; multiple choice's column totals are the
// groups' respondents, suppressed as a list of their own.
import { countText, shownPercent, suppressList, suppressTable, type ShownCount } from '../../../platform/suppression/suppress.ts';
import { shownBarChartSvg } from '../../../platform/views/bar-chart.ts';
import type { OptionDef } from '../definition.ts';
import type { QuestionType } from '../tables.ts';
import type { Aggregates } from './queries.ts';

export type CatalogueQuestion = { key: string; type: QuestionType; title: string; number: number; choices: OptionDef[]; rows: OptionDef[]; other: boolean };
export type Group = { key: string; label: string };

type Line = { label: string; count: string; percent: string };
export type QuestionResult = { key: string; number: number; title: string; type: QuestionType } & (
  | { kind: 'list'; lines: Line[]; total: string; totalLabel: string; chart: string }
  | { kind: 'cross'; groups: string[]; lines: { label: string; cells: string[]; total: string }[]; totals: string[]; grand: string }
  | { kind: 'matrix'; scale: string[]; lines: { label: string; cells: string[]; total: string }[] }
  | { kind: 'ranking'; lines: { label: string; mean: string }[]; answered: string }
  | { kind: 'number'; answered: string; median: string | null; min: string | null; max: string | null }
  | { kind: 'date'; answered: string; first: string | null; last: string | null }
  | { kind: 'text'; answered: string; answeredCount: number }
);

export const NO_ANSWER = 'No answer';

const TEXT_TYPES: readonly QuestionType[] = ['short_text', 'long_text'];
/** Questions with free text to read and code: text questions, and choices with "Other, please say". */
export const codable = (q: CatalogueQuestion) => TEXT_TYPES.includes(q.type) || (q.other && (q.type === 'single' || q.type === 'multiple' || q.type === 'rating'));
/** Where a question's free text is kept: item 0 for a text question, -1 for the Other text (migration 026). */
export const textItem = (q: CatalogueQuestion) => (TEXT_TYPES.includes(q.type) ? 0 : -1);
const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
const pct = (c: ShownCount, t: ShownCount) => {
  const p = shownPercent(c, t);
  return p === null ? '' : `${p}%`;
};
const formatNumber = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const longDate = (iso: string) => new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The answers a choice question's counts are in: its choices, Other when it has one, and No answer. */
function answerLines(q: CatalogueQuestion): { key: string; label: string }[] {
  return [...q.choices.map((o) => ({ key: o.key, label: o.label })), ...(q.other ? [{ key: '_other', label: 'Other' }] : [])];
}

/** How many of group g gave option `key` to question q (single, rating: the option; multiple: the item). */
function choiceCount(agg: Aggregates, q: CatalogueQuestion, key: string, g: string | null): number {
  return sum(
    agg.choices
      .filter((c) => c.qkey === q.key && (g === null || c.grp === g))
      .filter((c) => (key === '_other' ? c.ikey === '_other' : q.type === 'multiple' ? c.ikey === key : c.ikey !== '_other' && c.okey === key))
      .map((c) => c.n),
  );
}

const answeredIn = (agg: Aggregates, key: string, g: string | null) => (g === null ? sum(agg.answered.get(key)?.values() ?? []) : (agg.answered.get(key)?.get(g) ?? 0));

export function questionResults(questions: readonly CatalogueQuestion[], agg: Aggregates, threshold: number, groups: readonly Group[] | null, breakdownKey: string | null): QuestionResult[] {
  const total = sum(agg.groups.values());
  const groupN = (g: string) => agg.groups.get(g) ?? 0;
  const show = (c: ShownCount) => countText(c, threshold);
  return questions.map((q): QuestionResult => {
    const head = { key: q.key, number: q.number, title: q.title, type: q.type };
    const answered = answeredIn(agg, q.key, null);
    if (q.type === 'single' || q.type === 'rating' || q.type === 'multiple') {
      const additive = q.type !== 'multiple';
      const countOf = (key: string, g: string | null) => (key === '' ? (g === null ? total : groupN(g)) - answeredIn(agg, q.key, g) : choiceCount(agg, q, key, g));
      // "No answer" is a line only when someone gave none: a line that is always 0 would be hidden
      // and make every fully answered question hide its smallest answer as well.
      const lines = [...answerLines(q), ...(countOf('', null) > 0 ? [{ key: '', label: NO_ANSWER }] : [])];
      if (groups && q.key !== breakdownKey) {
        const counts = lines.map((l) => groups.map((g) => countOf(l.key, g.key)));
        const table = suppressTable(counts, { threshold });
        // Multiple choice: a group's column does not add up to its people, who are counted (and suppressed) on their own.
        const people = additive ? null : suppressList(groups.map((g) => groupN(g.key)), { threshold });
        return {
          ...head,
          kind: 'cross',
          groups: groups.map((g) => g.label),
          lines: lines.map((l, i) => ({ label: l.label, cells: table.cells[i]!.map(show), total: show(table.rowTotals[i]!) })),
          totals: (people ? people.counts : table.columnTotals).map(show),
          grand: show(people ? people.total : table.grandTotal),
        };
      }
      const counts = lines.map((l) => countOf(l.key, null));
      const list = additive ? suppressList(counts, { threshold }) : suppressList(counts, { threshold, total });
      const shown = lines.map((l, i) => ({ label: l.label, count: show(list.counts[i]!), percent: pct(list.counts[i]!, list.total), value: list.counts[i]!.hidden ? null : (list.counts[i] as { value: number }).value }));
      return {
        ...head,
        kind: 'list',
        lines: shown.map(({ label, count, percent }) => ({ label, count, percent })),
        total: show(list.total),
        totalLabel: additive ? 'Responses' : 'Responses (people could choose more than one answer)',
        chart: shownBarChartSvg(`chart-${q.key}`, q.title, shown.map((s) => ({ label: s.label, value: s.value, text: s.count }))),
      };
    }
    if (q.type === 'matrix') {
      const given = q.rows.map((row) => q.choices.map((s) => sum(agg.choices.filter((c) => c.qkey === q.key && c.ikey === row.key && c.okey === s.key).map((c) => c.n))));
      const none = given.map((g) => Math.max(0, total - sum(g)));
      const withNone = none.some((x) => x > 0);
      const scale = [...q.choices.map((o) => o.label), ...(withNone ? [NO_ANSWER] : [])];
      // Each row adds up to the responses and is suppressed as a line of its own: the columns' sums
      // are not shown, so they take no part (which would hide more than needed).
      const lines = q.rows.map((row, i) => {
        const list = suppressList(withNone ? [...given[i]!, none[i]!] : given[i]!, { threshold });
        return { label: row.label, cells: list.counts.map(show), total: show(list.total) };
      });
      return { ...head, kind: 'matrix', scale, lines };
    }
    if (q.type === 'ranking') {
      const who = suppressList([answered], { threshold, total: answered });
      const lines = q.choices
        .map((o) => {
          const parts = agg.choices.filter((c) => c.qkey === q.key && c.ikey === o.key);
          const k = sum(parts.map((c) => c.n));
          const mean = k ? sum(parts.map((c) => (c.mean ?? 0) * c.n)) / k : null;
          return { label: o.label, mean, k };
        })
        .sort((a, b) => (a.mean ?? Infinity) - (b.mean ?? Infinity));
      // A mean of fewer people than the threshold is not shown (it could be one person's order).
      return { ...head, kind: 'ranking', answered: show(who.total), lines: lines.map((l) => ({ label: l.label, mean: l.mean === null || l.k < threshold ? `fewer than ${threshold} answers` : l.mean.toFixed(1) })) };
    }
    const v = agg.values.get(q.key);
    const k = v?.n ?? 0;
    const enough = k >= threshold;
    const answeredText = show(suppressList([k], { threshold, total: k }).total);
    if (q.type === 'number') return { ...head, kind: 'number', answered: answeredText, median: enough && v?.median != null ? formatNumber(v.median) : null, min: enough && v?.min != null ? formatNumber(v.min) : null, max: enough && v?.max != null ? formatNumber(v.max) : null };
    if (q.type === 'date') return { ...head, kind: 'date', answered: answeredText, first: enough && v?.first ? longDate(v.first) : null, last: enough && v?.last ? longDate(v.last) : null };
    return { ...head, kind: 'text', answered: show(suppressList([answered], { threshold, total: answered }).total), answeredCount: answered };
  });
}

/** Code counts for a free-text question: exact for the team, suppressed in shared views (an answer may have several codes: not additive). */
export function codeCounts(codes: readonly { id: number; label: string; count: number }[], answered: number, threshold: number, exact: boolean) {
  if (exact) return codes.map((c) => ({ ...c, text: String(c.count) }));
  const list = suppressList(codes.map((c) => c.count), { threshold, total: answered });
  return codes.map((c, i) => ({ ...c, text: countText(list.counts[i]!, threshold) }));
}

/** Summary rows for the CSV: question, answer (or row and scale point), count and percentage, all as shown. */
export function summaryRows(results: readonly QuestionResult[]): { question: string; answer: string; group: string; count: string; percent: string }[] {
  const out: { question: string; answer: string; group: string; count: string; percent: string }[] = [];
  for (const r of results) {
    const question = `${r.number}. ${r.title}`;
    if (r.kind === 'list') {
      for (const l of r.lines) out.push({ question, answer: l.label, group: '', count: l.count, percent: l.percent });
      out.push({ question, answer: r.totalLabel, group: '', count: r.total, percent: '' });
    } else if (r.kind === 'cross') {
      for (const l of r.lines) {
        l.cells.forEach((c, i) => out.push({ question, answer: l.label, group: r.groups[i]!, count: c, percent: '' }));
        out.push({ question, answer: l.label, group: 'All', count: l.total, percent: '' });
      }
      r.totals.forEach((c, i) => out.push({ question, answer: 'Responses', group: r.groups[i]!, count: c, percent: '' }));
      out.push({ question, answer: 'Responses', group: 'All', count: r.grand, percent: '' });
    } else if (r.kind === 'matrix') {
      for (const l of r.lines) l.cells.forEach((c, i) => out.push({ question, answer: `${l.label}: ${r.scale[i]}`, group: '', count: c, percent: '' }));
    } else if (r.kind === 'ranking') {
      for (const l of r.lines) out.push({ question, answer: `${l.label} (mean position)`, group: '', count: l.mean, percent: '' });
    } else if (r.kind === 'number') {
      out.push({ question, answer: 'Answered', group: '', count: r.answered, percent: '' });
      if (r.median !== null) out.push({ question, answer: 'Median', group: '', count: r.median, percent: '' }, { question, answer: 'Lowest', group: '', count: r.min ?? '', percent: '' }, { question, answer: 'Highest', group: '', count: r.max ?? '', percent: '' });
    } else if (r.kind === 'date') {
      out.push({ question, answer: 'Answered', group: '', count: r.answered, percent: '' });
      if (r.first !== null) out.push({ question, answer: 'Earliest', group: '', count: r.first, percent: '' }, { question, answer: 'Latest', group: '', count: r.last ?? '', percent: '' });
    } else out.push({ question, answer: 'Answered', group: '', count: r.answered, percent: '' });
  }
  return out;
}
