// Which questions a respondent is shown, given their answers so far, and the answers that are kept.
// Pure, for the preview now and the answering slice next. Questions are decided in survey order,
// each from the answers to questions already decided visible: so an answer to a hidden question
// never counts (a chain A → B → C hides C when a change to A hides B), and every condition on a
// question is evaluated on its own (two conditions on one question, or two questions depending on
// one answer, never overwrite each other: the peer's bug, issue 12 §1).
import { allQuestions, type ConditionDef, type QuestionDef, type SurveyDefinition } from './definition.ts';

/**
 * One question's answer. Choices and matrix scale points are option keys; `ranks` gives each
 * option's position (1 = first); `date` is YYYY-MM-DD.
 */
export type Answer = {
  text?: string;
  number?: number;
  date?: string;
  choices?: string[];
  other?: string;
  rows?: Record<string, string>;
  ranks?: Record<string, number>;
};
/** Answers by question key. */
export type Answers = Record<string, Answer>;

export function isAnswered(a: Answer | undefined): boolean {
  if (!a) return false;
  return Boolean(
    (a.text && a.text.trim()) ||
      a.number !== undefined ||
      a.date ||
      (a.choices && a.choices.length) ||
      (a.other && a.other.trim()) ||
      (a.rows && Object.keys(a.rows).length) ||
      (a.ranks && Object.keys(a.ranks).length),
  );
}

function holds(c: ConditionDef, answer: Answer | undefined): boolean {
  const chosen = answer?.choices ?? [];
  const answered = isAnswered(answer);
  switch (c.operator) {
    case 'answered':
      return answered;
    case 'not_answered':
      return !answered;
    case 'equals':
      return chosen.length === 1 && chosen[0] === c.option && !answer?.other;
    case 'not_equals':
      return answered && !(chosen.length === 1 && chosen[0] === c.option && !answer?.other);
    case 'includes':
      return chosen.includes(c.option ?? '');
  }
}

function shown(q: QuestionDef, kept: Answers): boolean {
  if (!q.conditions.length) return true;
  const results = q.conditions.map((c) => holds(c, kept[c.question]));
  return q.showIf === 'any' ? results.some(Boolean) : results.every(Boolean);
}

/** The questions shown for these answers, in survey order, each with its number and section (1-based). */
export function visibleQuestions(survey: SurveyDefinition, answers: Answers): { q: QuestionDef; number: number; section: number }[] {
  const kept: Answers = {};
  const out: ReturnType<typeof visibleQuestions> = [];
  for (const entry of allQuestions(survey)) {
    // A condition on a question not yet decided (a later one: refused by the builder) finds no answer.
    if (!shown(entry.q, kept)) continue;
    out.push(entry);
    const a = answers[entry.q.key];
    if (a !== undefined) kept[entry.q.key] = a;
  }
  return out;
}

/** The answers to questions still shown: answers to hidden (or unknown) questions are dropped, never kept. */
export function pruneHiddenAnswers(survey: SurveyDefinition, answers: Answers): Answers {
  const out: Answers = {};
  for (const { q } of visibleQuestions(survey, answers)) {
    const a = answers[q.key];
    if (isAnswered(a)) out[q.key] = a!;
  }
  return out;
}

/** The sections (1-based) that have a question shown: pages with nothing to ask are skipped. */
export function visibleSections(survey: SurveyDefinition, answers: Answers): number[] {
  return [...new Set(visibleQuestions(survey, answers).map((e) => e.section))];
}
