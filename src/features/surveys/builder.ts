// The builder's changes to a survey's questions, as pure functions from one definition to the
// next. Each gives the new definition or the reasons it is refused; the service then checks the
// result whole (readDefinition) before saving it, so a move that would put a condition's question
// after the question depending on it is refused with both named, whichever change caused it.
import { allQuestions, cloneDefinition, conditionProblems, questionName, type ConditionDef, type QuestionDef, type SurveyDefinition } from './definition.ts';
import type { ShowIf } from './tables.ts';

export type Edit = { ok: true; def: SurveyDefinition } | { ok: false; problems: string[] };
export type Direction = 'up' | 'down';

const ok = (def: SurveyDefinition): Edit => ({ ok: true, def });
const no = (...problems: string[]): Edit => ({ ok: false, problems });

/** Refuses a change whose result has condition problems it did not have before (a reorder, say). */
function checked(before: SurveyDefinition, after: SurveyDefinition): Edit {
  const had = new Set(conditionProblems(before));
  const now = conditionProblems(after).filter((p) => !had.has(p));
  return now.length ? no(...now) : ok(after);
}

export function addSection(def: SurveyDefinition, section: { title: string; intro: string }): Edit {
  const next = cloneDefinition(def);
  next.sections.push({ ...section, questions: [] });
  return ok(next);
}

export function updateSection(def: SurveyDefinition, n: number, section: { title: string; intro: string }): Edit {
  const next = cloneDefinition(def);
  const s = next.sections[n - 1];
  if (!s) return no('That section is no longer in the survey');
  Object.assign(s, section);
  return ok(next);
}

export function moveSection(def: SurveyDefinition, n: number, dir: Direction): Edit {
  const to = dir === 'up' ? n - 2 : n;
  if (!def.sections[n - 1] || to < 0 || to >= def.sections.length) return ok(def);
  const next = cloneDefinition(def);
  const [s] = next.sections.splice(n - 1, 1);
  next.sections.splice(to, 0, s!);
  return checked(def, next);
}

export function deleteSection(def: SurveyDefinition, n: number): Edit {
  const s = def.sections[n - 1];
  if (!s) return ok(def);
  if (def.sections.length === 1) return no('A survey needs at least one section');
  if (s.questions.length) return no(`Section ${n} (“${s.title}”) still has questions. Move or delete them first`);
  const next = cloneDefinition(def);
  next.sections.splice(n - 1, 1);
  return ok(next);
}

export function addQuestion(def: SurveyDefinition, sectionN: number, q: QuestionDef): Edit {
  const next = cloneDefinition(def);
  const s = next.sections[sectionN - 1];
  if (!s) return no('That section is no longer in the survey');
  s.questions.push({ ...q, conditions: [] });
  return ok(next);
}

/** Changes a question's own settings; its place and its conditions stay. */
export function updateQuestion(def: SurveyDefinition, key: string, q: Omit<QuestionDef, 'key' | 'conditions' | 'showIf'>): Edit {
  const next = cloneDefinition(def);
  const found = allQuestions(next).find((e) => e.q.key === key);
  if (!found) return no('That question is no longer in the survey');
  Object.assign(found.q, q);
  return checked(def, next);
}

/** Moves a question one place; past the top or bottom of its section, into the next section along. */
export function moveQuestion(def: SurveyDefinition, key: string, dir: Direction): Edit {
  const next = cloneDefinition(def);
  const si = next.sections.findIndex((s) => s.questions.some((q) => q.key === key));
  if (si === -1) return no('That question is no longer in the survey');
  const list = next.sections[si]!.questions;
  const qi = list.findIndex((q) => q.key === key);
  const [q] = list.splice(qi, 1);
  if (dir === 'up' && qi > 0) list.splice(qi - 1, 0, q!);
  else if (dir === 'down' && qi < list.length) list.splice(qi + 1, 0, q!);
  else if (dir === 'up' && si > 0) next.sections[si - 1]!.questions.push(q!);
  else if (dir === 'down' && si < next.sections.length - 1) next.sections[si + 1]!.questions.unshift(q!);
  else return ok(def);
  return checked(def, next);
}

export function deleteQuestion(def: SurveyDefinition, key: string): Edit {
  const list = allQuestions(def);
  const target = list.find((e) => e.q.key === key);
  if (!target) return ok(def);
  const dependants = list.filter((e) => e.q.conditions.some((c) => c.question === key));
  if (dependants.length) return no(`${dependants.map((e) => capital(questionName(e.q, e.number))).join(' and ')} ${dependants.length === 1 ? 'shows' : 'show'} depending on ${questionName(target.q, target.number)}. Change ${dependants.length === 1 ? 'that condition' : 'those conditions'} before deleting it`);
  const next = cloneDefinition(def);
  for (const s of next.sections) s.questions = s.questions.filter((q) => q.key !== key);
  return ok(next);
}

export function setConditions(def: SurveyDefinition, key: string, showIf: ShowIf, conditions: ConditionDef[]): Edit {
  const next = cloneDefinition(def);
  const found = allQuestions(next).find((e) => e.q.key === key);
  if (!found) return no('That question is no longer in the survey');
  found.q.showIf = showIf;
  found.q.conditions = conditions;
  return checked(def, next);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
