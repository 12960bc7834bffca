// A respondent's way through a survey (issue 12 §5–6): the draft saved on every page (by person
// when signed in, on any device; by the hash of a cookie token on an open link), the submit (one
// response per person or browser, checked under the survey's lock), and a response read back as
// answers for the copy and for changing it. Answers are keyed by question key everywhere until the
// submit writes survey_answers, which uses the live version's ids. Hidden answers are pruned
// (pruneHiddenAnswers) before every save and again at submit, so they are never stored.
import { randomUUID } from 'node:crypto';
import { inTransaction, scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import { answerValues, parsePage, readCarried } from '../answers.ts';
import { allQuestions, type SurveyDefinition } from '../definition.ts';
import { loadDefinition, lockSurvey } from '../queries.ts';
import { own } from '../service.ts';
import type { Survey, SurveysTables } from '../tables.ts';
import * as q from './queries.ts';
import type { AnswerRow } from './queries.ts';
import { pruneHiddenAnswers, visibleQuestions, visibleSections, type Answer, type Answers } from '../visibility.ts';
import { isAnswerable } from './sending.ts';

/** Who is answering: a signed-in person, or a browser on the open link (the hash of its cookie token). */
export type Respondent = { kind: 'person'; personId: number } | { kind: 'link'; tokenHash: string };

const draftOf = (tx: Db | Tx, surveyId: number, who: Respondent) => q.draftOf(own(tx), surveyId, who);

/** The live version's questions. */
export const liveDefinition = (db: Db | Tx, survey: Survey): Promise<SurveyDefinition> => loadDefinition(own(db), survey.live_version_id!, survey);

/** The draft's answers (checked again against the questions: a draft is read as untrusted) and the furthest page reached. */
export async function loadDraft(db: Db | Tx, survey: Survey, def: SurveyDefinition, who: Respondent): Promise<{ answers: Answers; reached: number } | null> {
  const row = await draftOf(db, survey.id, who);
  if (!row) return null;
  return { answers: pruneHiddenAnswers(def, readCarried(row.answers, allQuestions(def).map((e) => e.q))), reached: Number(row.reached_section) };
}

/** Saves the answers so far (already pruned) and the page reached (never lowered). */
export async function saveDraft(db: Db, survey: Survey, who: Respondent, answers: Answers, reached: number, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const s = own(tx);
    const now = clock().toISOString();
    const existing = await draftOf(tx, survey.id, who);
    const json = JSON.stringify(answers);
    if (existing) {
      await q.updateDraft(s, existing.id, { answers: json, version_id: survey.live_version_id!, reached_section: Math.max(Number(existing.reached_section), reached) }, now);
      return;
    }
    await q.insertDraft(
      s,
      { id: randomUUID(), survey_id: survey.id, version_id: survey.live_version_id!, person_id: who.kind === 'person' ? who.personId : null, token_hash: who.kind === 'link' ? who.tokenHash : null, answers: json, reached_section: reached },
      now,
    );
  });
}

/** The person's identified response to a survey, if any. */
export const responseOf = (db: Db | Tx, surveyId: number, personId: number) => q.responseOf(own(db), surveyId, personId);

/** Whether this person (the respondents table, so anonymous ones too) or this browser has responded. */
export const hasResponded = (db: Db | Tx, surveyId: number, who: Respondent): Promise<boolean> => q.hasRespondedRow(own(db), surveyId, who);

/** The first page (1-based section) whose shown questions do not all pass their checks, or null when all do. */
export function firstIncomplete(def: SurveyDefinition, answers: Answers): number | null {
  for (const section of visibleSections(def, answers)) {
    const questions = visibleQuestions(def, answers).filter((e) => e.section === section).map((e) => e.q);
    if (!parsePage(questions, answerValues(questions, answers)).ok) return section;
  }
  return null;
}

export type SubmitOutcome =
  | { ok: true; responseId: string; answers: Answers; changed: boolean }
  | { ok: false; reason: 'not_answerable' | 'no_draft' | 'already' | 'incomplete'; section?: number };

type Ids = { questions: Map<string, { id: number; choices: Map<string, number>; rows: Map<string, number> }> };

async function versionIds(tx: Db | Tx, versionId: number): Promise<Ids> {
  const { questions: qs, options: opts } = await q.versionKeys(own(tx), versionId);
  const questions: Ids['questions'] = new Map();
  for (const row of qs) {
    const mine = opts.filter((o) => o.question_id === row.id);
    questions.set(row.key, {
      id: Number(row.id),
      choices: new Map(mine.filter((o) => o.kind === 'choice').map((o) => [o.key, Number(o.id)])),
      rows: new Map(mine.filter((o) => o.kind === 'row').map((o) => [o.key, Number(o.id)])),
    });
  }
  return { questions };
}

/** An answer as survey_answers rows (migration 026: item 0 single value, option id per choice/rank/row, -1 for "Other"). */
function answerRows(responseId: string, def: SurveyDefinition, ids: Ids, answers: Answers): AnswerRow[] {
  const out: AnswerRow[] = [];
  const row = (question_id: number, item: number, v: Partial<AnswerRow>) => out.push({ response_id: responseId, question_id, item, option_id: null, value_text: null, value_number: null, value_date: null, ...v });
  for (const { q: question } of visibleQuestions(def, answers)) {
    const a = answers[question.key];
    const qi = ids.questions.get(question.key);
    if (!a || !qi) continue;
    if (a.text !== undefined) row(qi.id, 0, { value_text: a.text });
    if (a.number !== undefined) row(qi.id, 0, { value_number: a.number });
    if (a.date) row(qi.id, 0, { value_date: a.date });
    for (const c of a.choices ?? []) {
      const optionId = qi.choices.get(c);
      if (optionId === undefined) continue;
      if (question.type === 'multiple') row(qi.id, optionId, { option_id: optionId });
      else row(qi.id, 0, { option_id: optionId });
    }
    if (a.other) row(qi.id, -1, { value_text: a.other });
    for (const [r, point] of Object.entries(a.rows ?? {})) {
      const rowId = qi.rows.get(r);
      const pointId = qi.choices.get(point);
      if (rowId !== undefined && pointId !== undefined) row(qi.id, rowId, { option_id: pointId });
    }
    for (const [o, position] of Object.entries(a.ranks ?? {})) {
      const optionId = qi.choices.get(o);
      if (optionId !== undefined) row(qi.id, optionId, { option_id: optionId, value_number: position });
    }
  }
  return out;
}

/** A submitted response read back as answers by question key (for the copy, and to change it). */
export async function responseAnswers(db: Db | Tx, responseId: string, versionId: number): Promise<Answers> {
  const ids = await versionIds(db, versionId);
  const rows = await q.answersOf(own(db), responseId);
  const keyOf = new Map([...ids.questions].map(([key, v]) => [v.id, { key, ...v }]));
  const out: Answers = {};
  for (const r of rows) {
    const question = keyOf.get(Number(r.question_id));
    if (!question) continue;
    const a: Answer = (out[question.key] ??= {});
    const choiceKey = [...question.choices].find(([, id]) => id === Number(r.option_id))?.[0];
    const rowKey = [...question.rows].find(([, id]) => id === Number(r.item))?.[0];
    if (Number(r.item) === -1) a.other = r.value_text ?? '';
    else if (rowKey !== undefined && choiceKey !== undefined) (a.rows ??= {})[rowKey] = choiceKey;
    else if (choiceKey !== undefined && r.value_number !== null) (a.ranks ??= {})[choiceKey] = Number(r.value_number);
    else if (choiceKey !== undefined) (a.choices ??= []).push(choiceKey);
    else if (r.value_text !== null) a.text = r.value_text;
    else if (r.value_number !== null) a.number = Number(r.value_number);
    else if (r.value_date !== null) a.date = String(r.value_date).slice(0, 10);
  }
  // Choices in the question's order, as parsePage gives them.
  for (const [key, a] of Object.entries(out)) {
    const question = ids.questions.get(key)!;
    if (a.choices) a.choices.sort((x, y) => question.choices.get(x)! - question.choices.get(y)!);
  }
  return out;
}

/**
 * Submits the draft, in one transaction under the survey's lock: answers the live version (pruned
 * and checked again), records it in version_id, and deletes the draft. Identified: the response
 * names the person and its times; a second submit changes it when the survey allows, else is
 * refused. Anonymous: no person and no time on the response, only the respondents row beside it.
 */
export async function submitResponse(db: Db, surveyId: number, who: Respondent, clock: Clock): Promise<SubmitOutcome> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    await lockSurvey(s, surveyId);
    const survey = await q.surveyRow(s, surveyId);
    if (!survey || !isAnswerable(survey, clock())) return { ok: false, reason: 'not_answerable' };
    const def = await liveDefinition(tx, survey);
    const draft = await loadDraft(tx, survey, def, who);
    if (!draft) return { ok: false, reason: (await hasResponded(tx, surveyId, who)) ? 'already' : 'no_draft' };
    const answers = pruneHiddenAnswers(def, draft.answers);
    const incomplete = firstIncomplete(def, answers);
    if (incomplete !== null) return { ok: false, reason: 'incomplete', section: incomplete };
    const anonymous = Number(survey.anonymous) === 1;
    const now = clock().toISOString();
    const ids = await versionIds(tx, survey.live_version_id!);
    const deleteDraft = () => q.deleteDraft(s, surveyId, who);

    if (await hasResponded(tx, surveyId, who)) {
      const mine = who.kind === 'person' && !anonymous && Number(survey.editable_until_close) === 1 ? await responseOf(tx, surveyId, who.personId) : undefined;
      if (!mine) return { ok: false, reason: 'already' };
      await q.replaceAnswers(s, mine.id, survey.live_version_id!, answerRows(mine.id, def, ids, answers), now);
      await deleteDraft();
      return { ok: true, responseId: mine.id, answers, changed: true };
    }

    const responseId = randomUUID();
    const attributes = who.kind === 'person' ? await q.respondentAttributes(scoped<SurveysTables, 'registrations'>(tx), survey.programme_id, who.personId) : { role_group: null, service: null, nation: null, region: null, band: null };
    await q.insertResponse(s, {
      id: responseId,
      survey_id: surveyId,
      version_id: survey.live_version_id!,
      anonymous: anonymous ? 1 : 0,
      person_id: anonymous || who.kind !== 'person' ? null : who.personId,
      submitted_at: anonymous ? null : now,
      updated_at: anonymous ? null : now,
      ...attributes,
    });
    await q.insertAnswers(s, answerRows(responseId, def, ids, answers));
    await q.countResponse(s, responseId);
    await q.recordRespondent(s, surveyId, who);
    await deleteDraft();
    return { ok: true, responseId, answers, changed: false };
  });
}

/** "Change your answers": the submitted response copied into a draft, to go through the pages again. */
export async function startChanging(db: Db, survey: Survey, personId: number, clock: Clock): Promise<boolean> {
  if (Number(survey.anonymous) === 1 || Number(survey.editable_until_close) !== 1 || !isAnswerable(survey, clock())) return false;
  const mine = await responseOf(db, survey.id, personId);
  if (!mine) return false;
  const def = await liveDefinition(db, survey);
  const answers = pruneHiddenAnswers(def, await responseAnswers(db, mine.id, mine.version_id));
  await saveDraft(db, survey, { kind: 'person', personId }, answers, def.sections.length, clock);
  return true;
}
