// A survey's questions as plain data: the one shape the builder edits, templates are shipped and
// saved in, a survey is duplicated and versioned by, and the preview and answering read. Questions
// and options are named by stable keys (never by database ids), so a copy keeps its conditions
// and a new version keeps its columns in the results. Pure: no database here.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { UNREADABLE } from '../../platform/http/form-fields.ts';
import { OPERATORS, QUESTION_TYPES, type Operator, type QuestionType, type ShowIf } from './tables.ts';

export type OptionDef = { key: string; label: string };
export type ConditionDef = { question: string; operator: Operator; option?: string | null };
export type QuestionDef = {
  key: string;
  type: QuestionType;
  title: string;
  help: string;
  required: boolean;
  /** single and multiple: an "Other, please say" answer with its own text. */
  other: boolean;
  /** number: the range allowed (either may be null). */
  min: number | null;
  max: number | null;
  /** single, multiple, ranking: the choices; rating and matrix: the scale's points, lowest first. */
  choices: OptionDef[];
  /** matrix: the rows, each answered on the one scale. */
  rows: OptionDef[];
  showIf: ShowIf;
  conditions: ConditionDef[];
};
export type SectionDef = { title: string; intro: string; questions: QuestionDef[] };
export type SurveyDefinition = { title: string; intro: string; sections: SectionDef[] };

export const LIMITS = { title: 200, intro: 20_000, help: 1000, label: 200, sections: 30, questions: 150, choices: 30, rows: 20, scale: 11, conditions: 10 } as const;
export const KEY = /^[a-z0-9_]{1,40}$/;

export const TYPE_LABELS: Record<QuestionType, string> = {
  short_text: 'Short text',
  long_text: 'Long text',
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating scale',
  matrix: 'Matrix (rows on one scale)',
  number: 'Number',
  date: 'Date',
  ranking: 'Ranking',
};
export const TYPE_HINTS: Record<QuestionType, string> = {
  short_text: 'A few words, on one line',
  long_text: 'A paragraph or more',
  single: 'Pick one of a list, optionally with “Other, please say”',
  multiple: 'Pick any of a list, optionally with “Other, please say”',
  rating: 'A scale such as “Strongly disagree” to “Strongly agree”',
  matrix: 'Several statements, each answered on the same scale',
  number: 'A number, optionally within a range',
  date: 'A day, month and year',
  ranking: 'Put a list in order, by giving each a position',
};
export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: 'is',
  not_equals: 'is answered, and not with',
  includes: 'includes',
  answered: 'is answered',
  not_answered: 'is not answered',
};

/** Types whose answers are chosen from `choices`. */
export const CHOICE_TYPES: readonly QuestionType[] = ['single', 'multiple', 'rating', 'matrix', 'ranking'];
/** The operators a condition may use on an answer to a question of this type. */
export function operatorsFor(type: QuestionType): Operator[] {
  if (type === 'single' || type === 'rating') return ['equals', 'not_equals', 'answered', 'not_answered'];
  if (type === 'multiple') return ['includes', 'answered', 'not_answered'];
  return ['answered', 'not_answered'];
}
export const needsOption = (op: Operator) => op === 'equals' || op === 'not_equals' || op === 'includes';

export const newKey = (prefix: 'q' | 'o'): string => `${prefix}${randomBytes(5).toString('hex')}`;

/** Every question in survey order, with its number (1, 2 ...) and section (1, 2 ...). */
export function allQuestions(def: SurveyDefinition): { q: QuestionDef; number: number; section: number }[] {
  let n = 0;
  return def.sections.flatMap((s, si) => s.questions.map((q) => ({ q, number: ++n, section: si + 1 })));
}

export const questionName = (q: QuestionDef, number: number) => `question ${number} (“${q.title}”)`;

/**
 * What is wrong with a definition's conditions, worded for the page: a condition on a question
 * that is not earlier (later, itself, or gone), on an option the question does not have, with an
 * operator its type cannot take, and cycles (which an "earlier only" rule makes impossible, but
 * a saved template or an old copy is checked, not trusted). Empty when all is well.
 */
export function conditionProblems(def: SurveyDefinition): string[] {
  const list = allQuestions(def);
  const at = new Map(list.map((e, i) => [e.q.key, { ...e, index: i }]));
  const problems: string[] = [];
  const cycle = findCycle(def);
  if (cycle) problems.push(`${capital(cycle.map((k) => questionName(at.get(k)!.q, at.get(k)!.number)).join(' and '))} each show only depending on the other. A question can only depend on an earlier one`);
  list.forEach(({ q, number }, index) => {
    for (const c of q.conditions) {
      const target = at.get(c.question);
      const name = questionName(q, number);
      if (!target) problems.push(`${capital(name)} shows depending on a question that is no longer in the survey. Change or remove that condition`);
      else if (cycle?.includes(q.key) && cycle.includes(c.question)) continue;
      else if (target.index >= index) problems.push(`${capital(name)} shows depending on ${target.index === index ? 'itself' : `${questionName(target.q, target.number)}, which comes after it`}. A question can only depend on an earlier one`);
      else if (!operatorsFor(target.q.type).includes(c.operator)) problems.push(`${capital(name)} has a condition that ${questionName(target.q, target.number)} cannot meet: ${TYPE_LABELS[target.q.type].toLowerCase()} questions can only be “${operatorsFor(target.q.type).map((o) => OPERATOR_LABELS[o]).join('” or “')}”`);
      else if (needsOption(c.operator) && !target.q.choices.some((o) => o.key === c.option)) problems.push(`${capital(name)} shows depending on an answer that ${questionName(target.q, target.number)} no longer offers. Change or remove that condition`);
    }
  });
  return problems;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The keys of a cycle of conditions, if there is one. */
function findCycle(def: SurveyDefinition): string[] | null {
  const deps = new Map(allQuestions(def).map(({ q }) => [q.key, q.conditions.map((c) => c.question)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (k: string): string[] | null => {
    if (state.get(k) === 'done' || !deps.has(k)) return null;
    if (state.get(k) === 'open') return path.slice(path.indexOf(k));
    state.set(k, 'open');
    path.push(k);
    for (const d of deps.get(k)!) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    state.set(k, 'done');
    return null;
  };
  for (const k of deps.keys()) {
    const found = visit(k);
    if (found && found.length > 1) return found;
  }
  return null;
}

// The stored and imported shape, checked whole: a saved template is read back through this, so a
// changed or hand-made one cannot put anything into a survey that the builder would refuse.
const text = (max: number) => z.string().max(max).refine((s) => !UNREADABLE.test(s));
const optionSchema = z.object({ key: z.string().regex(KEY), label: text(LIMITS.label).min(1) });
const questionSchema = z.object({
  key: z.string().regex(KEY),
  type: z.enum(QUESTION_TYPES),
  title: text(LIMITS.title).min(1),
  help: text(LIMITS.help).default(''),
  required: z.boolean().default(false),
  other: z.boolean().default(false),
  min: z.number().finite().nullable().default(null),
  max: z.number().finite().nullable().default(null),
  choices: z.array(optionSchema).max(LIMITS.choices).default([]),
  rows: z.array(optionSchema).max(LIMITS.rows).default([]),
  showIf: z.enum(['all', 'any']).default('all'),
  conditions: z.array(z.object({ question: z.string().regex(KEY), operator: z.enum(OPERATORS), option: z.string().regex(KEY).nullable().optional() })).max(LIMITS.conditions).default([]),
});
export const definitionSchema = z.object({
  title: text(LIMITS.title).min(1),
  intro: text(LIMITS.intro).default(''),
  sections: z.array(z.object({ title: text(LIMITS.title).min(1), intro: text(LIMITS.intro).default(''), questions: z.array(questionSchema) })).min(1).max(LIMITS.sections),
});

/** Problems with a question's own settings (number of choices, range), worded for the page. */
export function questionProblems(q: QuestionDef): string[] {
  const out: string[] = [];
  const needs = (list: OptionDef[], what: string, min: number, max: number) => {
    if (list.length < min) out.push(`Enter at least ${min} ${what}, one on each line`);
    else if (list.length > max) out.push(`Enter at most ${max} ${what}`);
    else if (new Set(list.map((o) => o.label.toLowerCase())).size !== list.length) out.push(`Each of the ${what} must be different`);
    if (new Set(list.map((o) => o.key)).size !== list.length) out.push(`Each of the ${what} needs its own key`);
  };
  if (q.type === 'single' || q.type === 'multiple') needs(q.choices, 'choices', 2, LIMITS.choices);
  if (q.type === 'ranking') needs(q.choices, 'things to rank', 2, 10);
  if (q.type === 'rating' || q.type === 'matrix') needs(q.choices, 'points on the scale', 2, LIMITS.scale);
  if (q.type === 'matrix') needs(q.rows, 'rows', 1, LIMITS.rows);
  if (q.type === 'number' && q.min !== null && q.max !== null && q.min > q.max) out.push('The lowest number allowed must not be more than the highest');
  return out;
}

/** Reads a stored or shipped definition: the typed definition, or what is wrong with it. */
export function readDefinition(input: unknown): { ok: true; def: SurveyDefinition } | { ok: false; problems: string[] } {
  const parsed = definitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: ['The survey’s questions could not be read'] };
  const def = parsed.data as SurveyDefinition;
  const list = allQuestions(def);
  if (list.length > LIMITS.questions) return { ok: false, problems: [`A survey can have at most ${LIMITS.questions} questions`] };
  if (new Set(list.map((e) => e.q.key)).size !== list.length) return { ok: false, problems: ['Two questions have the same key'] };
  const problems = [...list.flatMap(({ q, number }) => questionProblems(q).map((p) => `${capital(questionName(q, number))}: ${p}`)), ...conditionProblems(def)];
  return problems.length ? { ok: false, problems } : { ok: true, def };
}

/** A copy that shares nothing with the original (edits to it never touch the other). */
export const cloneDefinition = (def: SurveyDefinition): SurveyDefinition => structuredClone(def);
