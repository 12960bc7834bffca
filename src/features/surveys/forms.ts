// The builder's forms: the survey's details, a section, a question of each type, and its show-if
// conditions, each parsed from a posted body into what the builder needs, or the page's errors.
import { z } from 'zod';
import { parseForm, type FormFailure } from '../../platform/forms/parse-form.ts';
import { textField } from '../../platform/http/form-fields.ts';
import { CHOICE_TYPES, LIMITS, needsOption, newKey, questionProblems, type ConditionDef, type OptionDef, type QuestionDef } from './definition.ts';
import { OPERATORS, type QuestionType, type ShowIf } from './tables.ts';

type Failure = Pick<FormFailure, 'errors' | 'errorList'>;
export type Parsed<T> = { ok: true; data: T } | ({ ok: false } & Failure);

const fail = (pairs: [string, string][]): { ok: false } & Failure => ({
  ok: false,
  errors: Object.fromEntries(pairs.map(([f, text]) => [f, { text }])),
  errorList: pairs.map(([f, text]) => ({ text, href: `#${f}` })),
});

const detailsSchema = z.object({
  title: textField('Title', LIMITS.title, 'Enter a title for the survey', { oneLine: true }),
  intro: textField('Introduction', LIMITS.intro, null),
});
export function parseDetails(body: unknown): Parsed<{ title: string; intro: string }> {
  const r = parseForm(detailsSchema, body, { order: ['title', 'intro'] });
  return r.ok ? r : { ok: false, errors: r.errors, errorList: r.errorList };
}

const sectionSchema = z.object({
  title: textField('Section title', LIMITS.title, 'Enter a title for the section', { oneLine: true }),
  intro: textField('Introduction', LIMITS.intro, null),
});
export function parseSection(body: unknown): Parsed<{ title: string; intro: string }> {
  const r = parseForm(sectionSchema, body, { order: ['title', 'intro'] });
  return r.ok ? r : { ok: false, errors: r.errors, errorList: r.errorList };
}

const numberText = z.string().max(30).optional().default('');
const questionSchema = z.object({
  title: textField('Question', LIMITS.title, 'Enter the question', { oneLine: true }),
  help: textField('Help text', LIMITS.help, null),
  required: z.enum(['yes', 'no'], { error: 'Select whether an answer is needed' }),
  choices: textField('The list', 5000, null),
  rows: textField('The rows', 5000, null),
  other: z.unknown().optional(),
  min: numberText,
  max: numberText,
});
const ORDER = ['title', 'help', 'required', 'choices', 'other', 'rows', 'min', 'max'];

/** One per line, blank lines left out; each keeps the key of the option that was on its line before. */
function lines(text: string, before: OptionDef[]): OptionDef[] {
  const labels = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const used = new Set<string>();
  return labels.map((label, i) => {
    let key = before[i]?.key;
    if (!key || used.has(key)) do key = newKey('o'); while (used.has(key) || before.some((o) => o.key === key));
    used.add(key);
    return { key, label };
  });
}

const readNumber = (s: string): number | null | 'bad' => {
  const t = s.replace(/[,\s]/g, '');
  if (!t) return null;
  return /^-?\d{1,12}(\.\d{1,6})?$/.test(t) ? Number(t) : 'bad';
};

/** A question form for a type; `before` is the question being changed (its keys are kept). */
export function parseQuestion(type: QuestionType, body: unknown, before?: QuestionDef): Parsed<Omit<QuestionDef, 'conditions' | 'showIf'>> {
  const r = parseForm(questionSchema, body, { order: ORDER });
  if (!r.ok) return { ok: false, errors: r.errors, errorList: r.errorList };
  const d = r.data;
  const [min, max] = [readNumber(d.min), readNumber(d.max)];
  const bad: [string, string][] = [];
  if (type === 'number' && min === 'bad') bad.push(['min', 'Enter the lowest number allowed as a number, like 0, or leave it blank']);
  if (type === 'number' && max === 'bad') bad.push(['max', 'Enter the highest number allowed as a number, like 100, or leave it blank']);
  if (bad.length) return fail(bad);
  const q = {
    key: before?.key ?? newKey('q'),
    type,
    title: d.title,
    help: d.help,
    required: d.required === 'yes',
    other: (type === 'single' || type === 'multiple') && d.other === 'yes',
    min: type === 'number' ? (min as number | null) : null,
    max: type === 'number' ? (max as number | null) : null,
    choices: CHOICE_TYPES.includes(type) ? lines(d.choices, before?.choices ?? []) : [],
    rows: type === 'matrix' ? lines(d.rows, before?.rows ?? []) : [],
  };
  const problems = questionProblems({ ...q, showIf: 'all', conditions: [] });
  if (problems.length) {
    const field = (p: string) => (/rows/.test(p) ? 'rows' : /number allowed/.test(p) ? 'min' : 'choices');
    return fail(problems.map((p) => [field(p), p]));
  }
  return { ok: true, data: q };
}

/** The form's values for a question being changed. */
export function questionValues(q: QuestionDef): Record<string, string> {
  return {
    title: q.title,
    help: q.help,
    required: q.required ? 'yes' : 'no',
    choices: q.choices.map((o) => o.label).join('\n'),
    rows: q.rows.map((o) => o.label).join('\n'),
    other: q.other ? 'yes' : '',
    min: q.min === null ? '' : String(q.min),
    max: q.max === null ? '' : String(q.max),
  };
}

export const CONDITION_ROWS = (existing: number) => Math.min(LIMITS.conditions, Math.max(3, existing + 1));

/**
 * The show-if form: "all" or "any", and rows of (earlier question, operator, answer). A blank row
 * is left out; a partly filled one is an error. Whether the question is earlier and the operator
 * fits its type are the definition's checks (conditionProblems), given the whole survey.
 */
export function parseConditions(body: Record<string, unknown>, earlier: readonly QuestionDef[]): Parsed<{ showIf: ShowIf; conditions: ConditionDef[] }> {
  const one = (k: string) => {
    const v = body[k];
    return typeof v === 'string' ? v : '';
  };
  const showIf = one('showIf') === 'any' ? 'any' : 'all';
  const conditions: ConditionDef[] = [];
  const bad: [string, string][] = [];
  for (let i = 1; i <= LIMITS.conditions; i++) {
    const [question, operator, option] = [one(`c${i}-question`), one(`c${i}-operator`), one(`c${i}-option`)];
    if (!question && !operator && !option) continue;
    const target = earlier.find((q) => q.key === question);
    if (!target) {
      bad.push([`c${i}-question`, `Choose the earlier question that condition ${i} depends on`]);
      continue;
    }
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      bad.push([`c${i}-operator`, `Choose how condition ${i} compares the answer`]);
      continue;
    }
    const op = operator as ConditionDef['operator'];
    if (!needsOption(op)) {
      conditions.push({ question, operator: op, option: null });
      continue;
    }
    const [qKey, oKey] = option.split(':');
    if (!option) bad.push([`c${i}-option`, `Choose the answer condition ${i} compares with`]);
    else if (qKey !== question || !target.choices.some((o) => o.key === oKey)) bad.push([`c${i}-option`, `Choose an answer that “${target.title}” offers for condition ${i}`]);
    else conditions.push({ question, operator: op, option: oKey! });
  }
  return bad.length ? fail(bad) : { ok: true, data: { showIf, conditions } };
}

export function conditionValues(q: QuestionDef): Record<string, string> {
  const out: Record<string, string> = { showIf: q.showIf };
  q.conditions.forEach((c, i) => {
    out[`c${i + 1}-question`] = c.question;
    out[`c${i + 1}-operator`] = c.operator;
    if (c.option) out[`c${i + 1}-option`] = `${c.question}:${c.option}`;
  });
  return out;
}
