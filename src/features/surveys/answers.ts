// A page of answers as posted, checked against its questions: each answer against its own
// question (text length, a real number in range, a real date, options the question has, each
// rank used once, required ones answered). Used by the preview now, and by answering next, so a
// respondent and a preview are told the same. Form field names come from the question's key:
// q-KEY (q-KEY-other for "Other, please say", q-KEY-ROW for a matrix row or a ranked option,
// q-KEY-day/-month/-year for a date).
import { z } from 'zod';
import { UNREADABLE } from '../../platform/http/form-fields.ts';
import { KEY, type QuestionDef } from './definition.ts';
import type { Answer, Answers } from './visibility.ts';

export const OTHER = '_other';
export const TEXT_MAX = { short_text: 500, long_text: 5000, other: 500 } as const;

export const fieldOf = (q: QuestionDef, part?: string) => (part ? `q-${q.key}-${part}` : `q-${q.key}`);

export type PageErrors = { errors: Record<string, { text: string }>; errorList: { text: string; href: string }[] };
export type PageResult = { ok: true; answers: Answers } | ({ ok: false; answers: Answers } & PageErrors);

const first = (v: unknown): string => {
  const x: unknown = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : '';
};
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Checks the answers to `questions` (one page) in `body`; answers left blank are left out. */
export function parsePage(questions: readonly QuestionDef[], body: Record<string, unknown>): PageResult {
  const answers: Answers = {};
  const errors: PageErrors['errors'] = {};
  const errorList: PageErrors['errorList'] = [];
  const fail = (field: string, text: string) => {
    errors[field] ??= { text };
    errorList.push({ text, href: `#${field}` });
  };
  for (const q of questions) {
    const name = fieldOf(q);
    const result = parseOne(q, body);
    if ('error' in result) fail(result.field ?? name, result.error);
    else if (result.answer) answers[q.key] = result.answer;
    else if (q.required) fail(result.field ?? name, requiredMessage(q));
  }
  return errorList.length ? { ok: false, answers, errors, errorList } : { ok: true, answers };
}

function requiredMessage(q: QuestionDef): string {
  const t = lower(q.title);
  switch (q.type) {
    case 'short_text':
    case 'long_text':
    case 'number':
      return `Enter ${t.length < 60 ? `an answer to “${q.title}”` : 'an answer to this question'}`;
    case 'date':
      return `Enter a date for “${q.title}”`;
    case 'multiple':
      return `Select at least one answer for “${q.title}”`;
    case 'matrix':
      return `Select an answer for every row of “${q.title}”`;
    case 'ranking':
      return `Give each item a position for “${q.title}”`;
    default:
      return `Select an answer for “${q.title}”`;
  }
}

type One = { answer: Answer | null; field?: string } | { error: string; field?: string };

function cleanText(raw: string, max: number, label: string, oneLine: boolean): { value: string } | { error: string } {
  const value = raw.trim().replace(/\r\n/g, '\n');
  if (UNREADABLE.test(value)) return { error: `${label} contains characters we cannot read: remove them and try again` };
  if (oneLine && /[\r\n]/.test(value)) return { error: `${label} must be on one line` };
  if (value.length > max) return { error: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` };
  return { value };
}

function parseOne(q: QuestionDef, body: Record<string, unknown>): One {
  const name = fieldOf(q);
  const label = `Your answer to “${q.title}”`;
  switch (q.type) {
    case 'short_text':
    case 'long_text': {
      const r = cleanText(first(body[name]), TEXT_MAX[q.type], label, q.type === 'short_text');
      return 'error' in r ? r : { answer: r.value ? { text: r.value } : null };
    }
    case 'number': {
      const raw = first(body[name]).replace(/[,\s]/g, '');
      if (!raw) return { answer: null };
      if (!/^-?\d{1,12}(\.\d{1,6})?$/.test(raw)) return { error: `Enter a number for “${q.title}”, like 12 or 3.5` };
      const n = Number(raw);
      if (q.min !== null && n < q.min) return { error: q.max !== null ? `Enter a number from ${q.min} to ${q.max}` : `Enter a number of ${q.min} or more` };
      if (q.max !== null && n > q.max) return { error: q.min !== null ? `Enter a number from ${q.min} to ${q.max}` : `Enter a number of ${q.max} or less` };
      return { answer: { number: n } };
    }
    case 'date': {
      const [d, m, y] = ['day', 'month', 'year'].map((p) => first(body[fieldOf(q, p)]).trim());
      const field = fieldOf(q, 'day');
      if (!d && !m && !y) return { answer: null, field };
      if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return { error: `Enter the date for “${q.title}” as numbers, for example 27 3 2026`, field };
      const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
      const date = new Date(`${iso}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { error: `Enter a real date for “${q.title}”`, field };
      return { answer: { date: iso } };
    }
    case 'single':
    case 'rating': {
      const all = list(body[name]);
      if (all.length > 1) return { error: `Select only one answer for “${q.title}”` };
      const v = all[0] ?? '';
      // The "other" box is a plain field after the choices (no script): text typed there with
      // nothing chosen means "Other"; with another choice it is a contradiction to resolve.
      const otherTyped = q.type === 'single' && q.other && first(body[fieldOf(q, 'other')]).trim() !== '';
      if (!v && otherTyped) return otherAnswer(q, body, []);
      if (!v) return { answer: null };
      if (q.type === 'single' && q.other && v === OTHER) return otherAnswer(q, body, []);
      if (otherTyped) return { error: `Choose “Other, please say” for what you wrote, or clear that box`, field: fieldOf(q, 'other') };
      if (!q.choices.some((o) => o.key === v)) return { error: `Select one of the answers given for “${q.title}”` };
      return { answer: { choices: [v] } };
    }
    case 'multiple': {
      const all = [...new Set(list(body[name]))];
      // Text in the "other" box counts as choosing "Other" (see single choice).
      if (q.other && first(body[fieldOf(q, 'other')]).trim() && !all.includes(OTHER)) all.push(OTHER);
      if (!all.length) return { answer: null };
      const chosen = all.filter((v) => v !== OTHER);
      if (chosen.some((v) => !q.choices.some((o) => o.key === v)) || (all.includes(OTHER) && !q.other)) return { error: `Select from the answers given for “${q.title}”` };
      const ordered = q.choices.filter((o) => chosen.includes(o.key)).map((o) => o.key);
      return all.includes(OTHER) ? otherAnswer(q, body, ordered) : { answer: { choices: ordered } };
    }
    case 'matrix': {
      const rows: Record<string, string> = {};
      let missing: string | undefined;
      for (const row of q.rows) {
        const field = fieldOf(q, row.key);
        const all = list(body[field]);
        const v = all[0] ?? '';
        if (all.length > 1 || (v && !q.choices.some((o) => o.key === v))) return { error: `Select one of the answers given for “${row.label}”`, field };
        if (v) rows[row.key] = v;
        else missing ??= field;
      }
      if (!Object.keys(rows).length) return { answer: null, field: fieldOf(q, q.rows[0]?.key) };
      // Part of a grid answered: a required one must be finished; an optional one may stay partial.
      if (missing && q.required) return { error: `Select an answer for every row of “${q.title}”`, field: missing };
      return { answer: { rows } };
    }
    case 'ranking': {
      const ranks: Record<string, number> = {};
      const n = q.choices.length;
      for (const o of q.choices) {
        const field = fieldOf(q, o.key);
        const v = first(body[field]);
        if (!v) continue;
        const p = Number(v);
        if (!/^\d{1,2}$/.test(v) || p < 1 || p > n) return { error: `Choose a position from 1 to ${n} for “${o.label}”`, field };
        ranks[o.key] = p;
      }
      const given = Object.keys(ranks).length;
      const field = fieldOf(q, q.choices[0]?.key);
      if (!given) return { answer: null, field };
      if (given < n) return { error: `Give every item a position for “${q.title}”, or none`, field: fieldOf(q, q.choices.find((o) => !(o.key in ranks))!.key) };
      if (new Set(Object.values(ranks)).size !== n) return { error: `Give each item a different position for “${q.title}”`, field };
      return { answer: { ranks } };
    }
  }
}

function otherAnswer(q: QuestionDef, body: Record<string, unknown>, choices: string[]): One {
  const field = fieldOf(q, 'other');
  const r = cleanText(first(body[field]), TEXT_MAX.other, 'What you said for “Other”', true);
  if ('error' in r) return { ...r, field };
  if (!r.value) return { error: `Say what your other answer to “${q.title}” is`, field };
  return { answer: choices.length ? { choices, other: r.value } : { other: r.value } };
}

/** Answers as the fields of a page would hold them, to show a page again filled in. */
export function answerValues(questions: readonly QuestionDef[], answers: Answers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const q of questions) {
    const a = answers[q.key];
    if (!a) continue;
    const name = fieldOf(q);
    if (a.text !== undefined) out[name] = a.text;
    if (a.number !== undefined) out[name] = String(a.number);
    if (a.date) {
      const [y, m, d] = a.date.split('-');
      Object.assign(out, { [fieldOf(q, 'day')]: String(Number(d)), [fieldOf(q, 'month')]: String(Number(m)), [fieldOf(q, 'year')]: y });
    }
    const picked = [...(a.choices ?? []), ...(a.other ? [OTHER] : [])];
    if (picked.length) out[name] = q.type === 'multiple' ? picked : picked[0]!;
    if (a.other) out[fieldOf(q, 'other')] = a.other;
    for (const [row, v] of Object.entries(a.rows ?? {})) out[fieldOf(q, row)] = v;
    for (const [o, p] of Object.entries(a.ranks ?? {})) out[fieldOf(q, o)] = String(p);
  }
  return out;
}

/** An answer as words, for "check your answers" and the preview's summary. */
export function answerText(q: QuestionDef, a: Answer | undefined): string[] {
  if (!a) return ['Not answered'];
  const label = (k: string) => q.choices.find((o) => o.key === k)?.label ?? '';
  if (a.text !== undefined) return [a.text];
  if (a.number !== undefined) return [a.number.toLocaleString('en-GB', { maximumFractionDigits: 6 })];
  if (a.date) return [new Date(`${a.date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })];
  if (a.rows) return q.rows.filter((r) => a.rows![r.key]).map((r) => `${r.label}: ${label(a.rows![r.key]!)}`);
  if (a.ranks) return Object.entries(a.ranks).sort((x, y) => x[1] - y[1]).map(([k, p]) => `${p}. ${label(k)}`);
  return [...(a.choices ?? []).map(label), ...(a.other ? [`Other: ${a.other}`] : [])];
}

// Answers carried between the preview's pages in one hidden field. Read back as untrusted: only
// the shapes an answer can have, with known keys, and then checked against the questions again.
const keyed = z.string().regex(KEY);
const answerSchema = z
  .object({
    text: z.string().max(TEXT_MAX.long_text).optional(),
    number: z.number().finite().optional(),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    choices: z.array(keyed).max(50).optional(),
    other: z.string().max(TEXT_MAX.other).optional(),
    rows: z.record(keyed, keyed).optional(),
    ranks: z.record(keyed, z.number().int().min(1).max(50)).optional(),
  })
  .strict();
const carriedSchema = z.record(keyed, answerSchema);

/** The carried answers, or none when the field is missing or not what the preview wrote. */
export function readCarried(raw: string | undefined, questions: readonly QuestionDef[]): Answers {
  if (!raw || raw.length > 200_000) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  const parsed = carriedSchema.safeParse(value);
  if (!parsed.success) return {};
  // Each carried answer must still pass its question's own checks, as if posted again.
  const out: Answers = {};
  for (const q of questions) {
    const a = parsed.data[q.key];
    if (!a) continue;
    const again = parsePage([{ ...q, required: false }], answerValues([q], { [q.key]: a }));
    if (again.ok && again.answers[q.key]) out[q.key] = again.answers[q.key]!;
  }
  return out;
}
